import Foundation
import XCTest
@testable import FRGConfig

/// `--set key.path=value`: merged into the YAML tree before anything is read, so the value is
/// validated by the same code as the file, and every error about it is located at its flag.
final class OverrideTests: XCTestCase {
    let compare = """
        sampler: {sigmaB: 0.5, netsPerBag: 200, bags: 3, inputs: [-0.3, 0.1, 0.3]}
        sweep: {widths: [2, 3, 4]}

        """

    func load(_ yaml: String, _ overrides: [String]) throws -> CompareConfig {
        try CompareConfig(ConfigValue.parse(yaml: yaml, file: "c.yaml").merging(overrides: overrides))
    }

    /// The ConfigError `body` throws, as its one-line description.
    func message(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as ConfigError { return error.description } catch { return "not a ConfigError: \(error)" }
        return nil
    }

    func testValuesAreYAMLScalarsOrFlowCollectionsAndLaterOnesWin() throws {
        let plain = try load(compare, [])
        XCTAssertEqual(plain.base.bags, 3)
        let changed = try load(compare, ["sampler.bags=5", "sampler.inputs=[0.1, 0.5]", "sweep={widths: [7, 8, 9]}", "sampler.bags=6"])
        XCTAssertEqual(changed.base.bags, 6)
        XCTAssertEqual(changed.base.inputs, [[0.1], [0.5]])
        XCTAssertEqual(changed.values, [7, 8, 9])
        // A mapping the file does not have is created.
        let output = try load(compare, ["output.cache=c"])
        XCTAssertEqual(output.cacheDirectory, "c")
    }

    func testErrorsNameTheFlagAndTheKeyPath() {
        XCTAssertEqual(message { _ = try load(compare, ["sampler.bags=1"]) }?.hasPrefix("--set sampler.bags=1: 'sampler.bags': "), true)
        XCTAssertEqual(message { _ = try load(compare, ["sampler.bags='3'"]) },
                       "--set sampler.bags='3': 'sampler.bags': expected an integer, got the string \"3\"")
        // An unknown key lists every key allowed at its level.
        let unknown = message { _ = try load(compare, ["sampler.sigmab=1"]) } ?? ""
        XCTAssertTrue(unknown.hasPrefix("--set sampler.sigmab=1: 'sampler.sigmab': unknown key; did you mean 'sigmaB'? (valid keys: architecture, "), unknown)
        XCTAssertTrue(message { _ = try load(compare, ["nosuch.key=1"]) }?.hasPrefix("--set nosuch.key=1: 'nosuch': unknown key") ?? false)
        // A key inside a value that is not a mapping, a malformed path, no '='.
        XCTAssertEqual(message { _ = try load(compare, ["sampler.bags.x=1"]) },
                       "--set sampler.bags.x=1: 'sampler.bags': cannot set a key inside it: it is not a mapping")
        XCTAssertEqual(message { _ = try load(compare, ["sampler..bags=1"]) },
                       "--set sampler..bags=1: 'sampler..bags': the key path must be keys joined by dots (sampler.width)")
        XCTAssertEqual(message { _ = try load(compare, ["sampler.bags"]) }, "--set sampler.bags: expected key.path=value")
        // A value the file gave is still located in the file.
        XCTAssertEqual(message { _ = try load(compare.replacingOccurrences(of: "bags: 3", with: "bags: 1"), ["sweep.widths=[2, 3, 5]"]) }?
            .hasPrefix("c.yaml:1:"), true, message { _ = try load(compare.replacingOccurrences(of: "bags: 3", with: "bags: 1"), ["sweep.widths=[2, 3, 5]"]) } ?? "no error")
    }
}
