import Diagnostics
import Foundation
import XCTest
@testable import GaussNet

/// Saved bags carry a SHA-256 of their numbers and of the settings that produced them; a bag whose
/// checksum does not match (edited, corrupted, of another run) or that has none (saved by an older
/// frg) is not used: it is sampled again and the outcome lists it.
final class BagChecksumTests: BagStoreTestCase {
    /// FIPS 180-4 examples (one block, two blocks, empty) and the padding boundaries 55, 56, 63, 64
    /// and 119 bytes.
    func testSHA256KnownAnswers() {
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Array("".utf8)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex(Array(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                                         + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8)),
                       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        let boundaries = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            119: "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb",
        ]
        for (length, digest) in boundaries {
            XCTAssertEqual(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: length)), digest, "\(length) bytes")
        }
        // Fed in pieces, the same digest.
        var pieces = SHA256()
        pieces.update(Array("abcdbcdecdefdefgefghfghigh".utf8))
        pieces.update(Array("ijhijkijkljklmklmnlmnomnopnopq".utf8))
        XCTAssertEqual(pieces.finalize(), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// The checksum covers every number bit for bit and every setting that determines the bag.
    func testChecksumCoversTheNumbersAndTheSettings() throws {
        let bag = try GaussNetSampler(settings: settings).sampleBag(1)
        let checksum = bag.checksum(for: settings)
        XCTAssertEqual(checksum.count, 64)
        var threads = settings
        threads.threads = 1
        XCTAssertEqual(bag.checksum(for: threads), checksum, "threads never change the numbers")
        var edited = bag
        edited.fourPoint[3] = edited.fourPoint[3].nextUp
        XCTAssertNotEqual(edited.checksum(for: settings), checksum)
        for change in [{ (s: inout SamplerSettings) in s.seed += 1 }, { $0.width = 4 }, { $0.sigmaB = 0.6 },
                       { $0.sigmaW = 1.1 }, { $0.inputs[0] = [-0.3] }, { $0.estimator = .direct },
                       { $0.netsPerBag = 301 }, { $0.architecture = .cosNet }] {
            var other = settings
            change(&other)
            XCTAssertNotEqual(bag.checksum(for: other), checksum)
        }
    }

    /// One number edited in a saved bag (a digit of its text, as a hand edit would): the bag is not
    /// used, it is sampled again, the outcome says why, and the measurement equals a fresh run's.
    func testEditedBagIsRecomputed() throws {
        let reference = try encoded(EnsembleJob(settings: settings).run().measurement)
        let store = DirectoryBagStore(root: temporaryDirectory())
        _ = try EnsembleJob(settings: settings, store: store).run()
        let file = store.folder(for: settings).appendingPathComponent(DirectoryBagStore.bagFileName(3))
        var text = try String(contentsOf: file, encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: #"(?<="sixPoint":\[)[^,\]]+"#, options: .regularExpression))
        let value = try XCTUnwrap(Double(text[range]))
        text.replaceSubrange(range, with: "\(value * 1.5)")
        try text.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(store.load(for: settings).rejected, [3: .checksumMismatch])

        let outcome = try EnsembleJob(settings: settings, store: store).run()
        XCTAssertEqual(outcome.rejectedBags, [3: .checksumMismatch])
        XCTAssertEqual(outcome.resumedBags, 4)
        XCTAssertEqual(outcome.sampledBags, 1)
        XCTAssertEqual(try encoded(outcome.measurement), reference)
        // The recomputed bag was saved again: the next run uses it.
        let again = try EnsembleJob(settings: settings, store: store).run()
        XCTAssertTrue(again.reused)
        XCTAssertEqual(again.rejectedBags, [:])
    }

    /// Bag files of older versions (a plain `BagResult`, no checksum) cannot be verified: they are
    /// resampled, with the reason, and never crash the run. A hand-made checksum field is checked too.
    func testLegacyBagsWithoutChecksumAreRecomputed() throws {
        let reference = try encoded(EnsembleJob(settings: settings).run().measurement)
        let store = DirectoryBagStore(root: temporaryDirectory())
        _ = try EnsembleJob(settings: settings, store: store).run()
        let folder = store.folder(for: settings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for bag in [0, 4] {
            let file = folder.appendingPathComponent(DirectoryBagStore.bagFileName(bag))
            var legacy = try JSONDecoder().decode(BagResult.self, from: Data(contentsOf: file))
            if bag == 4 { legacy.twoPoint[0] *= 2 }
            try encoder.encode(legacy).write(to: file)
        }
        let outcome = try EnsembleJob(settings: settings, store: store).run()
        XCTAssertEqual(outcome.rejectedBags, [0: .noChecksum, 4: .noChecksum])
        XCTAssertEqual(outcome.sampledBags, 2)
        XCTAssertEqual(try encoded(outcome.measurement), reference)

        let file = folder.appendingPathComponent(DirectoryBagStore.bagFileName(2))
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        json["checksum"] = String(repeating: "0", count: 64)
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        XCTAssertEqual(store.load(for: settings).rejected, [2: .checksumMismatch])
    }

    /// A bag saved for other settings, placed in this run's folder (a run-key collision, or a copied
    /// file with its run key rewritten), fails the checksum of this run's settings.
    func testBagOfOtherSettingsIsRejected() throws {
        var other = settings
        other.seed = 12
        let store = DirectoryBagStore(root: temporaryDirectory())
        _ = try EnsembleJob(settings: settings, store: store).run()
        var foreign = try GaussNetSampler(settings: other).sampleBag(1)
        foreign.runKey = settings.runKey
        let encoder = JSONEncoder()
        let saved = SavedBag(result: foreign, checksum: foreign.checksum(for: other))
        try encoder.encode(saved).write(to: store.folder(for: settings).appendingPathComponent(DirectoryBagStore.bagFileName(1)))
        XCTAssertEqual(store.load(for: settings).rejected, [1: .checksumMismatch])
        XCTAssertEqual(store.load(for: settings).bags.count, 4)
    }

    /// A flow reading a saved run folder refuses a bag that fails its checksum, naming it.
    func testMeasurementFolderWithEditedBagIsRefused() throws {
        let store = DirectoryBagStore(root: temporaryDirectory())
        _ = try EnsembleJob(settings: settings, store: store).run()
        let folder = store.folder(for: settings)
        let file = folder.appendingPathComponent(DirectoryBagStore.bagFileName(2))
        var bag = try JSONDecoder().decode(SavedBag.self, from: Data(contentsOf: file))
        bag.result.sixPoint[0] += 1
        try JSONEncoder().encode(bag).write(to: file)
        XCTAssertThrowsError(try MeasurementDocument.load(path: folder.path)) { error in
            XCTAssertEqual((error as? UserFacingError)?.category, .invalidInput)
            XCTAssertTrue("\(error)".contains("bag 2: checksum mismatch"), "\(error)")
        }
    }

    /// A `--json` measurement is recomputed from its bags when read: a bag one number short (it
    /// crashed `frg flow` with "Index out of range") and a hand-edited u4 are both refused, naming
    /// the file; the file as written loads unchanged.
    func testMeasurementFileIsCheckedAgainstItsBags() throws {
        let measurement = try EnsembleJob(settings: settings, store: InMemoryBagStore()).run().measurement
        let folder = temporaryDirectory()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("m.json")
        func write(_ m: GaussNet.Measurement) throws {
            try JSONEncoder().encode(MeasurementDocument(frgVersion: "test", measurement: m)).write(to: file)
        }
        try write(measurement)
        XCTAssertEqual(try MeasurementDocument.load(path: file.path), measurement)

        var short = measurement
        short.bags[1].sixPoint.removeLast()
        try write(short)
        XCTAssertThrowsError(try MeasurementDocument.load(path: file.path)) { error in
            XCTAssertEqual((error as? UserFacingError)?.category, .invalidInput)
            XCTAssertTrue("\(error)".contains("its bags are inconsistent"), "\(error)")
        }

        var edited = measurement
        edited.u4.mean *= 1.5
        try write(edited)
        XCTAssertThrowsError(try MeasurementDocument.load(path: file.path)) { error in
            XCTAssertTrue("\(error)".contains("does not follow from its bags"), "\(error)")
        }
    }
}
