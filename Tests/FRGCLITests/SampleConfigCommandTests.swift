import Foundation
import GaussNet
import XCTest
@testable import FRGCLI

/// `frg sample CONFIG`: the file gives the settings; sampling flags cannot be mixed in; output
/// flags and --threads override the file.
final class SampleConfigCommandTests: XCTestCase {
    func writeConfig(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frg-sample-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testConfigGivesSettings() throws {
        let path = try writeConfig("width: 7\nsigmaB: 0.5\nnetsPerBag: 100\nbags: 3\nseed: 4\nestimator: conditional\noutput: {json: out.json}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (settings, output) = try SampleCommand.parse([path]).resolve()
        XCTAssertEqual(settings, SamplerSettings(sigmaB: 0.5, width: 7, netsPerBag: 100, bags: 3, seed: 4, estimator: .conditional))
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        XCTAssertEqual(output.json, folder.appendingPathComponent("out.json").path)
        XCTAssertEqual(output.stateDirectory, ".frg-state")

        let (overridden, out2) = try SampleCommand.parse([path, "--threads", "1", "--format", "json", "--output", "x.json", "--state", "st"]).resolve()
        XCTAssertEqual(overridden.threads, 1)
        XCTAssertEqual(out2.json, "x.json")
        XCTAssertEqual(out2.stateDirectory, "st")
    }

    func testConfigAndSamplingFlagsAreRejected() throws {
        let path = try writeConfig("width: 7\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try SampleCommand.parse([path, "--width", "5", "--seed", "2"])) { error in
            XCTAssertEqual(SampleCommand.message(for: error),
                           "a config file and the sampling flags --width, --seed cannot be combined; put the values in \(path)")
        }
    }

    func testBrokenConfigIsAConfigError() throws {
        let path = try writeConfig("width: 7\nbags: 1\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try SampleCommand.parse([path]).resolve()) { error in
            XCTAssertTrue("\(error)".contains(":2:7: 'bags': expected a number of bags"), "\(error)")
        }
    }
}
