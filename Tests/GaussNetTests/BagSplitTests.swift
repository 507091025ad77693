import Foundation
import XCTest
@testable import GaussNet

/// A distributed executor in one process, as `Cluster.MPIBagExecutor` runs over MPI ranks: the
/// missing bags split with `BagSplit`; "rank 0" hands its own bags to `finished` (the job saves
/// them), every other rank saves its bags in the store itself and hands them to `savedElsewhere`,
/// rank by rank in reverse (results arrive in any order).
struct SimulatedRanksExecutor: BagExecutor {
    var ranks: Int
    var store: any BagStore

    func run(_ sampler: GaussNetSampler, bags: [Int], finished: (BagResult) throws -> Void) throws {
        try run(sampler, bags: bags, finished: finished, savedElsewhere: finished)
    }

    func run(_ sampler: GaussNetSampler, bags: [Int], finished: (BagResult) throws -> Void,
             savedElsewhere: (BagResult) throws -> Void) throws {
        for rank in (1..<ranks).reversed() {
            for bag in BagSplit.share(of: bags, worker: rank, workers: ranks) {
                let result = sampler.sampleBag(bag)
                try store.save(result, for: sampler.settings)
                try savedElsewhere(result)
            }
        }
        for bag in BagSplit.share(of: bags, worker: 0, workers: ranks) { try finished(sampler.sampleBag(bag)) }
    }
}

/// A store that counts the saves (and keeps the bags in memory).
final class CountingStore: BagStore {
    let inner = InMemoryBagStore()
    var saved: [Int] = []

    func load(for settings: SamplerSettings) -> BagLoad { inner.load(for: settings) }
    func prepare(for settings: SamplerSettings, discardExisting: Bool) throws {
        try inner.prepare(for: settings, discardExisting: discardExisting)
    }
    func save(_ bag: BagResult, for settings: SamplerSettings) throws {
        saved.append(bag.bag)
        try inner.save(bag, for: settings)
    }
}

final class BagSplitTests: BagStoreTestCase {
    /// Every bag goes to exactly one worker, in list order, and the shares differ by at most one
    /// bag (bags cost the same, so this is the balance a static split can reach), for any number
    /// of workers, more workers than bags included.
    func testSplitCoversEveryBagOnceAndBalances() {
        let lists: [[Int]] = [[], [4], Array(0..<7), [9, 2, 5, 11, 0, 3, 8, 1], Array(0..<30)]
        for bags in lists {
            for workers in 1...10 {
                let shares = (0..<workers).map { BagSplit.share(of: bags, worker: $0, workers: workers) }
                XCTAssertEqual(shares.flatMap { $0 }.sorted(), bags.sorted(), "\(bags) over \(workers)")
                let sizes = shares.map(\.count)
                XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(bags) over \(workers)")
                for share in shares {
                    let positions = share.map { bags.firstIndex(of: $0)! }
                    XCTAssertEqual(positions, positions.sorted(), "list order within a share")
                }
            }
        }
        XCTAssertEqual(BagSplit.share(of: [10, 11, 12, 13, 14, 15, 16], worker: 1, workers: 3), [11, 14])
    }

    /// Bags handed back as saved elsewhere are recorded (progress, measurement) but not saved a
    /// second time; the measurement equals the single-process one bit for bit for any number of
    /// ranks, and a job resumed from a partial store with another number of ranks does too.
    func testBagsSavedElsewhereAreNotSavedAgain() throws {
        let reference = try encoded(EnsembleJob(settings: settings).run().measurement)
        for ranks in 1...4 {
            let store = CountingStore()
            var progress: [Int] = []
            let outcome = try EnsembleJob(settings: settings, store: store,
                                          executor: SimulatedRanksExecutor(ranks: ranks, store: store)).run { progress.append($0.finished) }
            XCTAssertEqual(try encoded(outcome.measurement), reference, "\(ranks) ranks")
            XCTAssertEqual(outcome.sampledBags, settings.bags)
            XCTAssertEqual(progress, Array(1...settings.bags), "progress counts every rank's bags")
            XCTAssertEqual(store.saved.sorted(), Array(0..<settings.bags), "each bag saved exactly once")
            XCTAssertEqual(store.load(for: settings).bags.count, settings.bags)

            // Resume: two bags kept, the rest computed by another number of ranks.
            let partial = CountingStore()
            for bag in [1, 3] { try partial.save(store.load(for: settings).bags[bag]!, for: settings) }
            partial.saved = []
            let resumed = try EnsembleJob(settings: settings, store: partial,
                                          executor: SimulatedRanksExecutor(ranks: ranks % 3 + 1, store: partial)).run()
            XCTAssertEqual(resumed.resumedBags, 2)
            XCTAssertEqual(partial.saved.sorted(), [0, 2, 4])
            XCTAssertEqual(try encoded(resumed.measurement), reference, "resumed with \(ranks % 3 + 1) ranks")
        }
    }
}
