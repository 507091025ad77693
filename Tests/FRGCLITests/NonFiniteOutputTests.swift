import Diagnostics
import Foundation
import FRGConfig
import Reports
import XCTest
@testable import FRGCLI

/// Issue 16: no NaN or infinity reaches a table, a CSV or a JSON document. Values leaving the
/// representable range stop the run at their source with the reason; the rendering layer refuses
/// whatever would still slip through.
final class NonFiniteOutputTests: XCTestCase {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frg-finite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testTablesRefuseNonFiniteCells() {
        var table = Table(header: ["coupling", "value", "pull"])
        table.append(["u4", "-12.8 ± 0.1", "+0.5"])
        table.append(["u6", "nan ± nan", "-nan"])
        for render in [{ try table.text() }, { try table.csv() }, { try table.markdown() }] {
            XCTAssertThrowsError(try render()) {
                XCTAssertEqual($0 as? NonFiniteResultError, NonFiniteResultError(location: "column 'value' (row 2)", spelling: "nan"))
            }
        }
        var exact = Table(header: ["t", "k"])
        exact.append(["1000.0", "inf"])
        XCTAssertThrowsError(try exact.csv()) {
            XCTAssertEqual(($0 as? NonFiniteResultError)?.description,
                           "the run produced a non-finite value (inf) for column 'k' (row 1); frg never writes NaN or infinity as a result, so the output stops here")
            XCTAssertEqual(($0 as? NonFiniteResultError)?.category, .runFailed)
        }
        // Words that merely contain the letters are not numbers.
        var words = Table(header: ["kind"])
        words.append(["information"])
        XCTAssertNoThrow(try words.text())
    }

    func testJSONRefusesNonFiniteNumbersWithTheirKeyPath() {
        XCTAssertThrowsError(try jsonText(["samples": [["t": 1.0, "k": Double.infinity]]])) {
            XCTAssertEqual($0 as? NonFiniteResultError, NonFiniteResultError(location: "'samples[0].k'", spelling: "inf"))
        }
        struct Coupling: Encodable { var values: [Double] }
        struct Document: Encodable { var u4: Coupling }
        XCTAssertThrowsError(try jsonData(Document(u4: Coupling(values: [1, .nan])))) {
            XCTAssertEqual($0 as? NonFiniteResultError, NonFiniteResultError(location: "'u4.values[1]'", spelling: "nan"))
        }
        XCTAssertNoThrow(try jsonText(["a": [1.0, 2.0], "b": NSNull()]))
    }

    /// `frg sample --sigma-w 1e-100` printed nan and -inf couplings with status 0 (and with --json a
    /// raw EncodingError); the value is outside the documented range: status 2 before any sampling.
    func testSampleRefusesSigmaWOutsideItsRange() throws {
        let state = try scratch().appendingPathComponent("state").path
        XCTAssertEqual(FRG.run(["sample", "--sigma-w", "1e-100", "--nets", "10", "--bags", "2", "--state", state]), 2)
        XCTAssertEqual(FRG.run(["sample", "--sigma-w", "1e300", "--nets", "10", "--bags", "2", "--state", state]), 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: state), "nothing is sampled")
    }

    /// A passive flow with `tEnd: 1000` printed k, u2, u4 = inf, "completed", and its JSON was a raw
    /// Cocoa error 3840. It now stops where u2 = k² ū2 reaches 1e300 and says so; CSV and JSON
    /// are written, finite.
    func testFlowStopsWhereValuesLeaveTheRangeAndWritesFiniteFiles() throws {
        let dir = try scratch()
        let config = dir.appendingPathComponent("far.yaml")
        try """
            flow: passive
            truncation: {dimension: 3, order: 6}
            initial:
              couplings: {u2: -0.132857142857143, u4: 12.43052216113878, u6: 540.8125841949683}
            range: {tEnd: 1000}
            """.write(to: config, atomically: true, encoding: .utf8)
        let json = dir.appendingPathComponent("far.json").path, csv = dir.appendingPathComponent("far.csv").path
        XCTAssertEqual(FRG.run(["flow", config.path, "--output", json, "--format", "json"]), 0)
        XCTAssertEqual(FRG.run(["flow", config.path, "--output", csv]), 0)
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let ending = try XCTUnwrap(document["ending"] as? [String: Any])
        XCTAssertEqual(ending["kind"] as? String, "out-of-range")
        XCTAssertEqual(ending["quantity"] as? String, "the dimensionful u2 = k^2 u2bar")
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertFalse(rows.contains { $0.contains("inf") || $0.contains("nan") })
        XCTAssertEqual(rows.last.map { $0.split(separator: ",")[5] }.flatMap { Double($0) }.map { abs($0 - 1e300) < 1e290 }, true)
    }

    /// Full-potential grids the discretization cannot carry "completed" with U''(0) = 1.9e11; they
    /// are bad input (status 2).
    func testFullPotentialGridsOutsideTheTrustedRangeAreBadInput() throws {
        let dir = try scratch()
        for fieldMax in ["1e-10", "1e10"] {
            let config = dir.appendingPathComponent("fp-\(fieldMax).yaml")
            try """
                flow: passive
                truncation: {kind: full-potential, dimension: 3, fieldMax: \(fieldMax), gridPoints: 301}
                initial: {couplings: {u2: -0.2, u4: 1.0}}
                range: {tEnd: -8, samples: 5}
                """.write(to: config, atomically: true, encoding: .utf8)
            XCTAssertEqual(FRG.run(["flow", config.path]), 2, fieldMax)
        }
    }

    /// A chosen `passiveFlow.u6` the mapped flow cannot start from ended a compare with a bare CVODE
    /// error (status 1); it is reported at its key, file:line:column, with status 2.
    func testComparePointsAtAnUnusablePassiveU6() throws {
        let dir = try scratch()
        let config = dir.appendingPathComponent("c.yaml")
        try """
            sampler: {width: 4, sigmaB: 0.5, netsPerBag: 20, bags: 2, threads: 1, estimator: marginal}
            sweep: {sigmaW: [1, 2, 4]}
            observables: [u4]
            passiveFlow:
              u6: 1e300
            output: {directory: out}
            """.write(to: config, atomically: true, encoding: .utf8)
        let cache = dir.appendingPathComponent("cache").path
        XCTAssertThrowsError(try CompareCommand.parse([config.path, "--cache", cache]).run()) {
            let error = $0 as? ConfigError
            XCTAssertEqual(error?.keyPath, "passiveFlow.u6")
            XCTAssertEqual(error?.location, SourceLocation(file: config.path, line: 5, column: 7))
            XCTAssertTrue(error?.message.hasPrefix("u6 = 1e+300 is too large for the passive-flow mapping") == true, "\($0)")
        }
        XCTAssertEqual(FRG.run(["compare", config.path, "--cache", cache]), 2)
    }
}
