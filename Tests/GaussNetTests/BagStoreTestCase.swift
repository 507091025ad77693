import Foundation
import XCTest
@testable import GaussNet

/// What the tests of saved bags share: a small conditional-estimator run (5 bags of 300
/// networks, 3 inputs), scratch folders removed after each test, and a measurement as bytes
/// (sorted keys) for byte-for-byte comparisons.
class BagStoreTestCase: XCTestCase {
    let settings = SamplerSettings(sigmaB: 0.5, width: 3, inputs: [[-0.2], [0.0], [0.2]], netsPerBag: 300, bags: 5,
                                   seed: 11, threads: 2, estimator: .conditional)

    func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frg-bags-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func encoded(_ m: GaussNet.Measurement) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(m)
    }
}
