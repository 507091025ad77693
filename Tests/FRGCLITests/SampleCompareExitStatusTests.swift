import Foundation
import XCTest
@testable import FRGCLI

/// `frg sample` and `frg compare` exit with 2 for bad input (including a state, cache or output
/// folder that is a file: the user names another path) and 1 for a run that fails, as the errors'
/// categories say.
final class SampleCompareExitStatusTests: XCTestCase {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frg-exit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testSampleExitStatuses() throws {
        let dir = try scratch()
        let file = dir.appendingPathComponent("a-file").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let state = dir.appendingPathComponent("state").path
        let tiny = ["sample", "--width", "2", "--nets", "10", "--bags", "2", "--threads", "1"]
        XCTAssertEqual(FRG.run(["sample", "--width", "0"]), 2)
        XCTAssertEqual(FRG.run(["sample", "--architecture", "relux"]), 2)
        XCTAssertEqual(FRG.run(["sample", "--estimator", "marginal", "--points", "0,0.1,0.3"]), 2)
        XCTAssertEqual(FRG.run(tiny + ["--state", file]), 2, "the state folder is a file")
        XCTAssertEqual(FRG.run(tiny + ["--state", state, "--format", "json", "--output", dir.path]), 2, "the JSON path is a folder: a bad output path")
        XCTAssertEqual(FRG.run(tiny + ["--state", state, "--format", "json", "--output", dir.appendingPathComponent("m.json").path]), 0)
    }

    func testCompareExitStatuses() throws {
        let dir = try scratch()
        let file = dir.appendingPathComponent("a-file").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let config = dir.appendingPathComponent("c.yaml")
        try """
            sampler: {sigmaB: 0.5, netsPerBag: 20, bags: 2, threads: 1, estimator: conditional, inputs: [-0.3, -0.1, 0.1, 0.3]}
            sweep: {widths: [2, 3, 4]}
            observables: [u4]
            output: {directory: out}
            """.write(to: config, atomically: true, encoding: .utf8)
        let two = dir.appendingPathComponent("two.yaml")
        try "sampler: {netsPerBag: 20, bags: 2}\nsweep: {widths: [2, 3]}\n".write(to: two, atomically: true, encoding: .utf8)
        XCTAssertEqual(FRG.run(["compare", two.path]), 2)
        XCTAssertEqual(FRG.run(["compare", config.path, "--threads=-1"]), 2)
        XCTAssertEqual(FRG.run(["compare", config.path, "--cache", file]), 2, "the cache folder is a file")
        XCTAssertEqual(FRG.run(["compare", config.path, "--no-cache", "--output-dir", file]), 2, "the output folder is a file")
        XCTAssertEqual(FRG.run(["compare", config.path, "--cache", dir.appendingPathComponent("cache").path]), 0)
    }
}
