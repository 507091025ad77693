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
        XCTAssertEqual(exitCode(["no-such-command"]), 2)
        XCTAssertEqual(exitCode(["flow"]), 2)
    }

    func testWorkingRunsExitWithZero() {
        XCTAssertEqual(exitCode(["fixed-points", "--dimension", "3", "--order", "4", "--starts", "20"]), 0)
        XCTAssertEqual(exitCode(["--version"]), 0)
    }
}
