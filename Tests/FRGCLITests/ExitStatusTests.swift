import ArgumentParser
import Foundation
import XCTest
@testable import FRGCLI

/// Usage mistakes exit with status 2, never crash; runs that work exit 0.
final class ExitStatusTests: XCTestCase {
    private func exitCode(_ arguments: [String]) -> Int32 { FRG.run(arguments) }

    func testBadFlagsAndFilesExitWithTwo() throws {
        let broken = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FRGConfigTests/BrokenConfigs/unknown-coupling.yaml").path
        XCTAssertEqual(exitCode(["flow", broken]), 2)
        XCTAssertEqual(exitCode(["flow", "/nonexistent/config.yaml"]), 2)
        XCTAssertEqual(exitCode(["fixed-points", "--dimension", "-1"]), 2)
        XCTAssertEqual(exitCode(["fixed-points", "--order", "5"]), 2)
        XCTAssertEqual(exitCode(["fixed-points", "--regulator", "litm"]), 2)
        XCTAssertEqual(exitCode(["fixed-points", "--convergence", "4-40"]), 2)
        XCTAssertEqual(exitCode(["fixed-points", "--scheme", "polchinski", "--truncation", "lpa-prime"]), 2)
        // The prefactor α and its PMS scan belong to the exponential regulator; the scan needs a range.
        XCTAssertEqual(exitCode(["fixed-points", "--dimension", "3", "--prefactor", "2"]), 2)
        XCTAssertEqual(exitCode(["fixed-points", "--dimension", "3", "--regulator", "exponential", "--prefactor", "0"]), 2)
        XCTAssertEqual(exitCode(["fixed-points", "--dimension", "3", "--truncation", "derivative2", "--pms-scan", "0.5:4:0.5"]), 2)
        XCTAssertEqual(exitCode(["fixed-points", "--dimension", "3", "--regulator", "exponential", "--pms-scan", "4:0.5:0.5"]), 2)
        XCTAssertEqual(exitCode(["fixed-points", "--dimension", "3", "--regulator", "exponential", "--pms-scan", "1:2:0.5", "--convergence", "4:8"]), 2)
        XCTAssertEqual(exitCode(["beta", "--dimension", "3", "--truncation", "lpa-prime", "--expansion", "zero"]), 2)
        XCTAssertEqual(exitCode(["no-such-command"]), 2)
        XCTAssertEqual(exitCode(["flow"]), 2)
    }

    func testWorkingRunsExitWithZero() {
        XCTAssertEqual(exitCode(["fixed-points", "--dimension", "3", "--order", "4", "--starts", "20"]), 0)
        XCTAssertEqual(exitCode(["beta", "--dimension", "3", "--truncation", "derivative2", "--expansion", "zero", "--order", "6"]), 0)
        XCTAssertEqual(exitCode(["beta", "--dimension", "3", "--truncation", "lpa-prime", "--expansion", "minimum", "--regulator", "exponential", "--prefactor", "2", "--order", "4"]), 0)
        XCTAssertEqual(exitCode(["--version"]), 0)
    }
}
