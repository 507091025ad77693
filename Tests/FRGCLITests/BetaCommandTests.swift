import XCTest
@testable import FRGCLI

/// `frg beta`: the derived equations as printed, and the usage errors.
final class BetaCommandTests: XCTestCase {
    private func output(_ arguments: [String]) throws -> String {
        try BetaCommand.parse(arguments).output()
    }

    /// The printed order-6 Litim equations are PHYSICS.md's with d = 3 substituted
    /// (−(4−d) → −1, −(6−2d) → 0, so β6 has no linear term).
    func testPrintsPhysicsNoteEquations() throws {
        let text = try output(["--dimension", "3", "--order", "6"])
        XCTAssertTrue(text.contains("∂_t ū2 = −2 ū2 − K_d ū4/(1+ū2)²"), text)
        XCTAssertTrue(text.contains("∂_t ū4 = −ū4 − K_d ū6/(1+ū2)² + 6 K_d ū4²/(1+ū2)³"), text)
        XCTAssertTrue(text.contains("∂_t ū6 = 30 K_d ū4 ū6/(1+ū2)³ − 90 K_d ū4³/(1+ū2)⁴"), text)
    }

    func testJSONCarriesExpressionsAndValues() throws {
        let json = try output(["--dimension", "1", "--order", "4", "--format", "json", "--at", "u2=0,u4=1"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let evaluation = try XCTUnwrap(object["evaluation"] as? [String: Any])
        let beta = try XCTUnwrap(evaluation["beta"] as? [String: Double])
        // β2 = −K_1 ū4 = −1/π, β4 = −3 ū4 + 6 K_1 ū4² = −3 + 6/π at ū2 = 0, ū4 = 1 (d = 1, K_1 = 1/π).
        XCTAssertEqual(beta["u2"]!, -1 / Double.pi, accuracy: 1e-14)
        XCTAssertEqual(beta["u4"]!, -3 + 6 / Double.pi, accuracy: 1e-14)
        XCTAssertEqual((object["equations"] as? [[String: Any]])?.count, 2)
    }

    func testUsageErrorsAreReportedNotPrinted() {
        for arguments in [["--order", "6"], ["--dimension", "x"], ["--dimension", "3", "--order", "7"],
                          ["--dimension", "3", "--truncation", "lpa-prime"],
                          ["--dimension", "3", "--at", "u2=1"], ["--dimension", "3", "--at", "u2=-1,u4=0,u6=0"]] {
            XCTAssertThrowsError(try output(arguments), "\(arguments)")
        }
    }
}
