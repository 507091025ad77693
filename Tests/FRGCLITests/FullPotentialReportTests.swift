import Foundation
import XCTest
@testable import FRGCLI

/// `frg fixed-points --truncation full-potential`: every reported eigenvalue carries its error, the
/// list is never cut, and the first basis size is checked against the limit before any solve.
final class FullPotentialReportTests: XCTestCase {
    /// Runs `frg arguments` with stdout captured in a file; returns the status and the text.
    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frg-fullpot-\(UUID().uuidString)")
        try Data().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try FileHandle(forWritingTo: url)
        fflush(nil)
        let saved = dup(1)
        dup2(file.fileDescriptor, 1)
        let status = FRG.run(arguments)
        fflush(nil)
        dup2(saved, 1)
        close(saved)
        try file.close()
        return (status, try String(contentsOf: url, encoding: .utf8))
    }

    func testJSONCarriesAnErrorForEveryEigenvalue() throws {
        let (status, text) = try run(["fixed-points", "--truncation", "full-potential", "--dimension", "2.5", "--format", "json"])
        XCTAssertEqual(status, 0)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertTrue(object["shortfall"] is NSNull, text)
        XCTAssertEqual(object["schema"] as? String, "frg/full-potential/v1")
        let eigenvalues = try XCTUnwrap(object["eigenvalues"] as? [[String: Any]])
        XCTAssertEqual(eigenvalues.count, 5)
        for eigenvalue in eigenvalues {
            let error = try XCTUnwrap(eigenvalue["error"] as? Double)
            let theta = try XCTUnwrap(eigenvalue["re"] as? Double)
            // Converged to the default tolerance 1e-8·max(1, |θ|), and never claimed exact.
            XCTAssertGreaterThan(error, 0)
            XCTAssertLessThanOrEqual(error, 1e-8 * max(1, abs(theta)))
        }
        let nuError = try XCTUnwrap(object["nuError"] as? Double)
        XCTAssertLessThan(nuError, 1e-8)
        XCTAssertNotNil(object["omegaError"] as? Double)
        XCTAssertNotNil(object["basisSize"] as? Int)
        XCTAssertNotNil(object["domainLength"] as? Double)
    }

    func testTextShowsErrorsAndTheBasisLimitIsInput() throws {
        let (status, text) = try run(["fixed-points", "--truncation", "full-potential", "--dimension", "3", "--scheme", "polchinski"])
        XCTAssertEqual(status, 0)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("eigenvalues θ") })
        XCTAssertEqual(line.components(separatedBy: " ± ").count - 1, 5, String(line))
        // A first basis that cannot grow by 3/2 below 400 is bad input (exit 2).
        XCTAssertEqual(try run(["fixed-points", "--truncation", "full-potential", "--dimension", "3", "--basis", "300"]).status, 2)
    }
}
