import Foundation
import XCTest
@testable import FRGCLI

/// `frg compare` end to end on a tiny sweep: figures, CSV and report written; the second run
/// reads every measurement from the cache and writes identical files.
final class CompareCommandTests: XCTestCase {
    func testCompareWritesFiguresAndReusesCache() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frg-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("c.yaml")
        try """
            sampler: {sigmaB: 0.5, netsPerBag: 50, bags: 4, estimator: conditional, inputs: [-0.3, -0.1, 0.1, 0.3]}
            sweep: {widths: [2, 3, 4]}
            observables: [u4, m4]
            output: {directory: out}
            """.write(to: config, atomically: true, encoding: .utf8)
        let cache = dir.appendingPathComponent("cache").path
        try CompareCommand.parse([config.path, "--cache", cache]).run()
        let out = dir.appendingPathComponent("out")
        let names = ["u4-vs-width.svg", "u4-vs-width.csv", "m4-vs-width.svg", "m4-vs-width.csv", "report.md"]
        for name in names {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
        // One bag folder per measurement (DirectoryBagStore), each with its settings and 4 bags.
        let runs = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasPrefix("sample-") }
        XCTAssertEqual(runs.count, 3)
        for run in runs {
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache + "/" + run).sorted(),
                           ["bag-0000.json", "bag-0001.json", "bag-0002.json", "bag-0003.json", "settings.json"])
        }
        let first = try names.map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }
        // The label's text, its sub- and superscripts being tspans (Reports.PlotText).
        let svg = first[0].replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        XCTAssertTrue(svg.contains("|u4|  (u4 &lt; 0; magnitude shown)"))
        XCTAssertTrue(first[4].contains("exact finite-N"))

        // Second run: from the cache (no cache file is rewritten), identical outputs.
        func stamps() throws -> [String: Date] {
            var result: [String: Date] = [:]
            for path in try FileManager.default.subpathsOfDirectory(atPath: cache) {
                result[path] = try FileManager.default.attributesOfItem(atPath: cache + "/" + path)[.modificationDate] as? Date
            }
            return result
        }
        let before = try stamps()
        XCTAssertEqual(before.count, 3 + 3 * 5)
        try CompareCommand.parse([config.path, "--cache", cache]).run()
        let again = try names.map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }
        XCTAssertEqual(again, first)
        XCTAssertEqual(try stamps(), before)
    }
}
