import Foundation
import GaussNet
import XCTest
@testable import FRGCLI

final class SampleCommandTests: XCTestCase {
    func testFlagsBecomeSettings() throws {
        let command = try SampleCommand.parse([
            "--width", "7", "--sigma-w", "1.5", "--sigma-b", "0.5", "--nets", "100", "--bags", "3",
            "--seed", "4", "--points", "-0.1,0,0.2", "--architecture", "cosnet", "--estimator", "conditional",
            "--threads", "1",
        ])
        let s = try command.makeSettings()
        XCTAssertEqual(s, SamplerSettings(architecture: .cosNet, inputDimension: 1, sigmaW: 1.5, sigmaB: 0.5, width: 7,
                                          inputs: [[-0.1], [0], [0.2]], netsPerBag: 100, bags: 3, seed: 4,
                                          threads: 1, estimator: .conditional))
        let defaults = try SampleCommand.parse([]).makeSettings()
        XCTAssertEqual(defaults.inputs, SamplerSettings.paperInputs)
        XCTAssertEqual(defaults.netsPerBag, 30_000)
        XCTAssertEqual(defaults.bags, 30)
    }

    func testPointsAndGridsInTwoDimensions() throws {
        let points = try SampleCommand.parse(["--points", "0.1,0.2; -0.3,0.4"]).makeSettings()
        XCTAssertEqual(points.inputDimension, 2)
        XCTAssertEqual(points.inputs, [[0.1, 0.2], [-0.3, 0.4]])
        let grid = try SampleCommand.parse(["--grid", "-1:1:3", "--dimension", "2"]).makeSettings()
        XCTAssertEqual(grid.inputs.count, 9)
        XCTAssertEqual(grid.inputs[5], [0, 1])
    }

    func testBadInputIsATypedError() {
        /// The message a bad command line gets: from the parser (flag syntax, choices, combinations)
        /// or from the settings' own validation (values).
        func message(_ arguments: [String]) -> String? {
            do {
                _ = try SampleCommand.parse(arguments).makeSettings()
                return nil
            } catch let error as SamplerError {
                return error.description
            } catch {
                return SampleCommand.message(for: error)
            }
        }
        XCTAssertEqual(message(["--width", "0"]), "width N must be ≥ 1, got 0")
        XCTAssertEqual(message(["--points", "0.1,x"]), "--points: 'x' is not a finite number")
        XCTAssertEqual(message(["--architecture", "relux"]),
                       "The value 'relux' is invalid for '--architecture <architecture>'. Please provide one of 'gaussnet', 'cosnet', 'relu' or 'erf'.")
        XCTAssertEqual(message(["--grid", "0:1"]), "--grid must be LOWER:UPPER:COUNT, got '0:1'")
        XCTAssertEqual(message(["--bags", "1"]), "at least 2 bags are needed for a standard deviation over bags, got 1")
        // A 3-point axis in 20 dimensions is 3²⁰ points: refused before any is built.
        XCTAssertEqual(message(["--grid", "-1:1:3", "--dimension", "20"]),
                       "3486784401 input points given; at most 12 are supported (the six-point combinations grow as P⁶/720)")
        XCTAssertEqual(message(["--grid", "-1:1:3", "--dimension", "65"]), "--dimension must be from 1 to 64, got 65")
        XCTAssertNil(message([]))
    }

    /// A resumed run reuses finished bags and writes identical JSON; outputs are complete files.
    func testResumeAndAtomicOutputs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frg-sample-test-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = SamplerSettings(width: 3, inputs: [[0], [0.1]], netsPerBag: 200, bags: 3, seed: 2)
        let state = directory.appendingPathComponent("state").path
        let first = directory.appendingPathComponent("first.json").path
        let second = directory.appendingPathComponent("second.json").path
        try SampleRun.execute(settings: settings, output: .init(json: first, csv: directory.appendingPathComponent("m.csv").path, stateDirectory: state))
        let bagFiles = try FileManager.default.contentsOfDirectory(atPath: state + "/sample-\(settings.runKey)")
        XCTAssertEqual(bagFiles.sorted(), ["bag-0000.json", "bag-0001.json", "bag-0002.json", "settings.json"])
        // Remove one bag: the rerun samples only that bag and reproduces the same bytes.
        try FileManager.default.removeItem(atPath: state + "/sample-\(settings.runKey)/bag-0001.json")
        try SampleRun.execute(settings: settings, output: .init(json: second, stateDirectory: state))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: first)), try Data(contentsOf: URL(fileURLWithPath: second)))
        // One tidy table: a header and a row per combination of each order, C(P+n−1, n) with P = 2
        // inputs: 3, 5 and 7 for n = 2, 4, 6.
        let csv = try String(contentsOfFile: directory.appendingPathComponent("m.csv").path, encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + 3 + 5 + 7)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.csv.meta.json").path))
    }
}
