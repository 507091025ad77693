import Foundation
import GaussNet
import XCTest
@testable import FRGCLI

/// `frg sample --estimator importance` from the command line to the JSON document, resumed from its
/// saved bags, and refused (exit 2) where it does not apply.
final class SampleImportanceTests: XCTestCase {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frg-importance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The paper's setting at N = 10 (8 bags × 2000 networks): exit 0, a JSON document whose
    /// settings name the estimator and whose ū4, ū6 agree with the exact values within 4 standard
    /// errors (8 bags: Student's t with 7 degrees of freedom, P(|t| > 4) = 0.5 %); a second run
    /// with one bag removed resamples only that bag and writes the same bytes.
    func testEndToEnd() throws {
        let dir = try scratch()
        let state = dir.appendingPathComponent("state").path
        let first = dir.appendingPathComponent("first.json").path, second = dir.appendingPathComponent("second.json").path
        let arguments = ["sample", "--estimator", "importance", "--width", "10", "--nets", "2000", "--bags", "8",
                         "--seed", "3", "--threads", "2", "--state", state]
        XCTAssertEqual(FRG.run(arguments + ["--format", "json", "--output", first]), 0)
        let document = try JSONDecoder().decode(MeasurementDocument.self, from: Data(contentsOf: URL(fileURLWithPath: first)))
        let m = document.measurement
        XCTAssertEqual(m.settings.estimator, .importance)
        XCTAssertEqual(m.bags.count, 8)
        XCTAssertLessThan(abs(m.u4.mean - m.u4.exactMean) / m.u4.standardError, 4, "ū4 \(m.u4.mean) ± \(m.u4.standardError)")
        XCTAssertLessThan(abs(m.u6.mean - m.u6.exactMean) / m.u6.standardError, 4, "ū6 \(m.u6.mean) ± \(m.u6.standardError)")
        try FileManager.default.removeItem(atPath: state + "/sample-\(m.runKey)/bag-0005.json")
        XCTAssertEqual(FRG.run(arguments + ["--format", "json", "--output", second]), 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: first)), try Data(contentsOf: URL(fileURLWithPath: second)))
    }

    func testFlagsConfigAndRefusals() throws {
        let settings = try SampleCommand.parse(["--estimator", "importance", "--width", "4"]).makeSettings()
        XCTAssertEqual(settings.estimator, .importance)
        let dir = try scratch()
        let config = dir.appendingPathComponent("s.yaml")
        try "width: 4\nestimator: importance\ninputs: [-0.2, 0.05, 0.3]\n".write(to: config, atomically: true, encoding: .utf8)
        let (fromFile, _) = try SampleCommand.parse([config.path]).resolve()
        XCTAssertEqual(fromFile.estimator, .importance)
        XCTAssertEqual(fromFile.inputs, [[-0.2], [0.05], [0.3]])
        // Not for the Cos-net, nor where the tilted amplitudes overflow: bad input, exit 2.
        XCTAssertEqual(FRG.run(["sample", "--estimator", "importance", "--architecture", "cosnet", "--nets", "10"]), 2)
        XCTAssertEqual(FRG.run(["sample", "--estimator", "importance", "--sigma-b", "4", "--nets", "10"]), 2)
        // The help says what it samples and why its errors are honest.
        let help = SampleCommand.helpMessage(columns: 10_000)
        XCTAssert(help.contains("importance samples whole networks"), help)
        XCTAssert(help.contains("each neuron its importance weight"), help)
        XCTAssert(help.contains("errors are honest"), help)
    }
}
