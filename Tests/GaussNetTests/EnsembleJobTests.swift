import Diagnostics
import Foundation
import XCTest
@testable import GaussNet

/// An executor that counts the bags it samples (the test seam for "nothing was resampled"), and
/// can be made to fail after a number of bags, like a killed run.
final class CountingExecutor: BagExecutor {
    struct Killed: Error {}
    var bags: [Int] = []
    var failAfter: Int?

    init(failAfter: Int? = nil) {
        self.failAfter = failAfter
    }

    func run(_ sampler: GaussNetSampler, bags indices: [Int], finished: (BagResult) throws -> Void) throws {
        try LocalBagExecutor().run(sampler, bags: indices) { result in
            if let failAfter, bags.count >= failAfter { throw Killed() }
            bags.append(result.bag)
            try finished(result)
        }
    }
}

/// Two "ranks" with disjoint bags (even and odd indices), one with one thread and in reverse
/// order: what an MPI executor does. The results must not depend on the split.
struct TwoRankExecutor: BagExecutor {
    func run(_ sampler: GaussNetSampler, bags: [Int], finished: (BagResult) throws -> Void) throws {
        var single = sampler.settings
        single.threads = 1
        let rank1 = try GaussNetSampler(settings: single)
        let even = bags.filter { $0 % 2 == 0 }, odd = bags.filter { $0 % 2 == 1 }.reversed()
        for bag in odd { try finished(rank1.sampleBag(bag)) }
        for bag in even { try finished(sampler.sampleBag(bag)) }
    }
}

final class EnsembleJobTests: BagStoreTestCase {
    /// A run killed after k bags and resumed (with another thread count) equals the uninterrupted
    /// run bit for bit, for every k; the resumed run samples exactly the missing bags.
    func testResumedRunEqualsUninterruptedRun() throws {
        let reference = try encoded(EnsembleJob(settings: settings).run().measurement)
        XCTAssertEqual(try encoded(GaussNetSampler(settings: settings).run()), reference)
        for k in 0..<settings.bags {
            let store = DirectoryBagStore(root: temporaryDirectory())
            let killed = CountingExecutor(failAfter: k)
            XCTAssertThrowsError(try EnsembleJob(settings: settings, store: store, executor: killed).run()) {
                XCTAssertTrue($0 is CountingExecutor.Killed)
            }
            XCTAssertEqual(store.bags(for: settings).count, k)
            var resumedSettings = settings
            resumedSettings.threads = 1
            let counter = CountingExecutor()
            var reports: [EnsembleJob.Progress] = []
            let outcome = try EnsembleJob(settings: resumedSettings, store: store, executor: counter).run { reports.append($0) }
            XCTAssertEqual(outcome.resumedBags, k)
            XCTAssertEqual(outcome.sampledBags, settings.bags - k)
            XCTAssertEqual(counter.bags, Array(k..<settings.bags))
            XCTAssertEqual(reports.map(\.finished), Array((k + 1)...settings.bags))
            XCTAssertEqual(reports.last, EnsembleJob.Progress(finished: 5, total: 5, resumed: k, sampled: 5 - k))
            XCTAssertEqual(try encoded(outcome.measurement), reference, "resumed after \(k) bags")
        }
    }

    /// Bags split over two ranks, in any order and with different thread counts, give the same
    /// measurement: every draw depends only on (seed, network, index).
    func testAnySplitOfBagsGivesTheSameMeasurement() throws {
        let local = try EnsembleJob(settings: settings).run().measurement
        let split = try EnsembleJob(settings: settings, executor: TwoRankExecutor()).run().measurement
        XCTAssertEqual(try encoded(split), try encoded(local))
    }

    /// The directory layout, and what is reused: a second run samples nothing; a corrupt or
    /// misplaced bag is resampled alone; a folder whose recorded settings differ (hash collision,
    /// hand edit) is resampled whole; `resume: false` resamples everything.
    func testDirectoryStoreLayoutAndReuse() throws {
        let root = temporaryDirectory()
        let store = DirectoryBagStore(root: root)
        let counter = CountingExecutor()
        func run(resume: Bool = true) throws -> EnsembleJob.Outcome {
            try EnsembleJob(settings: settings, store: store, executor: counter, resume: resume).run()
        }
        let first = try run()
        let folder = root.appendingPathComponent("sample-\(settings.runKey)")
        XCTAssertEqual(store.folder(for: settings), folder)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
                       ["bag-0000.json", "bag-0001.json", "bag-0002.json", "bag-0003.json", "bag-0004.json", "settings.json"])
        let recorded = try JSONDecoder().decode(SamplerSettings.self, from: Data(contentsOf: folder.appendingPathComponent("settings.json")))
        XCTAssertEqual(recorded, settings.recorded)
        XCTAssertEqual(recorded.threads, 0)
        XCTAssertEqual(counter.bags.count, 5)

        func samples(_ body: () throws -> Void) throws -> Int {
            counter.bags = []
            try body()
            let outcome = try run()
            XCTAssertEqual(outcome.measurement, first.measurement)
            return counter.bags.count
        }
        XCTAssertEqual(try samples {}, 0)
        var threads = settings
        threads.threads = 1
        XCTAssertTrue(try EnsembleJob(settings: threads, store: store, executor: counter).run().reused)

        let bag2 = folder.appendingPathComponent("bag-0002.json")
        XCTAssertEqual(try samples { try Data("{\"bag\": 2, tru".utf8).write(to: bag2) }, 1)
        XCTAssertEqual(try samples {
            try FileManager.default.removeItem(at: bag2)
            try FileManager.default.copyItem(at: folder.appendingPathComponent("bag-0000.json"), to: bag2)
        }, 1)
        var otherRun = try JSONDecoder().decode(BagResult.self, from: Data(contentsOf: bag2))
        otherRun.runKey = "0123456789abcdef"
        XCTAssertEqual(try samples { try JSONEncoder().encode(otherRun).write(to: bag2) }, 1)

        var edited = settings.recorded
        edited.width = 99
        let settingsFile = folder.appendingPathComponent("settings.json")
        XCTAssertEqual(try samples { try JSONEncoder().encode(edited).write(to: settingsFile) }, 5)
        XCTAssertEqual(try JSONDecoder().decode(SamplerSettings.self, from: Data(contentsOf: settingsFile)), settings.recorded)

        // A folder without settings.json (older frg sample) is trusted on the bags' checksums.
        XCTAssertEqual(try samples { try FileManager.default.removeItem(at: settingsFile) }, 0)

        counter.bags = []
        XCTAssertEqual(try run(resume: false).sampledBags, 5)
        XCTAssertEqual(counter.bags.count, 5)
    }

    /// The in-memory store keeps bags per run like the directory store.
    func testInMemoryStoreReuses() throws {
        let store = InMemoryBagStore()
        let counter = CountingExecutor()
        let first = try EnsembleJob(settings: settings, store: store, executor: counter).run()
        let second = try EnsembleJob(settings: settings, store: store, executor: counter).run()
        XCTAssertEqual(counter.bags.count, 5)
        XCTAssertTrue(second.reused)
        XCTAssertEqual(second.measurement, first.measurement)
        var other = settings
        other.seed += 1
        XCTAssertTrue(store.bags(for: other).isEmpty)
    }

    /// A flow reads its measured couplings from a `frg sample --json` document or from a saved
    /// run folder; both give the measurement the sampler reported. A folder that is incomplete or
    /// renamed (its name no longer the run key of its settings) is refused as bad input.
    func testMeasurementLoadsFromDocumentOrRunFolder() throws {
        let root = temporaryDirectory()
        let store = DirectoryBagStore(root: root)
        let measurement = try EnsembleJob(settings: settings, store: store).run().measurement
        let document = root.appendingPathComponent("run.json")
        try JSONEncoder().encode(MeasurementDocument(frgVersion: "test", measurement: measurement)).write(to: document)
        let folder = store.folder(for: settings)
        XCTAssertEqual(try encoded(MeasurementDocument.load(path: document.path)), try encoded(measurement))
        XCTAssertEqual(try encoded(MeasurementDocument.load(path: folder.path)), try encoded(measurement))

        func refused(_ path: String, _ fragment: String) {
            XCTAssertThrowsError(try MeasurementDocument.load(path: path)) { error in
                XCTAssertEqual((error as? UserFacingError)?.category, .invalidInput)
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
            }
        }
        refused(root.appendingPathComponent("missing.json").path, "no such file")
        refused(root.path, "no readable settings.json")
        let renamed = root.appendingPathComponent("sample-renamed")
        try FileManager.default.copyItem(at: folder, to: renamed)
        refused(renamed.path, "does not match the run key")
        let bagFiles = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != DirectoryBagStore.settingsFileName }
        XCTAssertEqual(bagFiles.count, settings.bags)
        try FileManager.default.removeItem(at: folder.appendingPathComponent(bagFiles[0]))
        refused(folder.path, "4 of 5 bags saved")
    }

    /// A store that cannot write is a failed run (exit status 1), not bad input.
    func testStoreErrorsAreRunFailures() throws {
        let file = temporaryDirectory()
        try Data("not a folder".utf8).write(to: file)
        XCTAssertThrowsError(try EnsembleJob(settings: settings, store: DirectoryBagStore(root: file)).run()) { error in
            guard case .cannotCreateDirectory? = error as? BagStoreError else { return XCTFail("\(error)") }
            XCTAssertEqual((error as? UserFacingError)?.category, .runFailed)
        }
        XCTAssertEqual(SamplerError.bagMismatch("x").category, .runFailed)
        XCTAssertEqual(SamplerError.nonFiniteResult(bag: 3).category, .runFailed)
        XCTAssertEqual(SamplerError.invalidWidth(0).category, .invalidInput)
        XCTAssertEqual(SamplerError.estimatorUnsupported("x").category, .invalidInput)
    }
}
