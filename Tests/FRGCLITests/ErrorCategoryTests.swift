import Diagnostics
import FixedPoints
import FullPotential
import Truncation
import XCTest
@testable import FRGCLI

/// The library errors say whose fault they are (`UserFacingError.category`); the exit status
/// `frg` gives when a command runs into one must be the one that category names.
final class ErrorCategoryTests: XCTestCase {
    private func exitCode(_ arguments: [String]) -> Int32 { FRG.run(arguments) }

    private struct NothingThrown: Error {}

    /// The error `body` throws, as the library throws it; fails the test when there is none.
    private func thrown(_ body: () throws -> Void) throws -> any UserFacingError {
        do {
            try body()
        } catch let error as any UserFacingError {
            return error
        }
        throw NothingThrown()
    }

    func testTruncationErrorsAreTheUsersToFix() throws {
        let beta = try BetaFunctions(TruncationSpec(dimension: 3, order: 4))
        // A point on the threshold pole 1 + ū2 = 0.
        let pole = try thrown { _ = try beta.jsonObject(at: [-1, 1]) }
        XCTAssertTrue(pole is TruncationError)
        XCTAssertEqual(pole.category, .invalidInput)
        XCTAssertEqual(exitCode(["beta", "--dimension", "3", "--order", "4", "--at", "u2=-1,u4=1"]), pole.category.exitStatus)
        // A coupling the truncation does not have.
        let unknown = try thrown { _ = try beta.couplings(from: ["u2": 1, "u5": 2]) }
        XCTAssertEqual(exitCode(["beta", "--dimension", "3", "--order", "4", "--at", "u2=1,u5=2"]), unknown.category.exitStatus)
        // An impossible combination.
        let impossible = try thrown { _ = try BetaFunctions(TruncationSpec(scheme: .polchinski, truncation: .lpaPrime, dimension: 3, order: 4)) }
        XCTAssertEqual(exitCode(["beta", "--dimension", "3", "--scheme", "polchinski", "--truncation", "lpa-prime"]),
                       impossible.category.exitStatus)
    }

    func testStudyAndSearchFailuresAreFailedRuns() throws {
        // Above four dimensions the Wilson–Fisher fixed point has merged with the Gaussian one.
        let noFixedPoint = try thrown { _ = try TruncationStudies.wilsonFisherByOrder(TruncationSpec(dimension: 4.5, order: 6)) }
        XCTAssertTrue(noFixedPoint is TruncationStudyError)
        XCTAssertEqual(noFixedPoint.category, .runFailed)
        XCTAssertEqual(exitCode(["fixed-points", "--dimension", "4.5", "--convergence", "4:6"]), noFixedPoint.category.exitStatus)
    }

    func testSearchBoxesTheUserChoseAreInvalidInput() throws {
        // A width so large that the box of natural units overflows.
        let beta = try BetaFunctions(TruncationSpec(dimension: 3, order: 6))
        let overflow = try thrown { _ = try FixedPointSearch(region: TruncationStudies.defaultRegion(beta, width: 1e308)).run(beta) }
        XCTAssertTrue(overflow is FixedPointSearchError)
        XCTAssertEqual(overflow.category, .invalidInput)
        XCTAssertEqual(exitCode(["fixed-points", "--dimension", "3", "--order", "6", "--width", "1e308"]), overflow.category.exitStatus)
    }

    func testFullPotentialOutsideItsDimensionsIsInvalidInput() throws {
        let outside = try thrown { _ = try scalingSolution(ScalingSolutionSpec(dimension: 5)) }
        XCTAssertTrue(outside is FullPotentialError)
        XCTAssertEqual(outside.category, .invalidInput)
        XCTAssertEqual(exitCode(["fixed-points", "--truncation", "full-potential", "--dimension", "5"]), outside.category.exitStatus)
    }

    /// The whole functions have no field order: `--order` is refused, not ignored (it has a
    /// default, so only a given one is refused: the same commands without it run).
    func testOrderIsRefusedForTheWholeFunctions() {
        XCTAssertEqual(exitCode(["fixed-points", "--truncation", "full-potential", "--dimension", "3", "--order", "8"]), 2)
        XCTAssertEqual(exitCode(["fixed-points", "--scheme", "polchinski", "--truncation", "derivative2", "--expansion", "full",
                                 "--dimension", "3", "--order", "8"]), 2)
        XCTAssertEqual(exitCode(["fixed-points", "--dimension", "3", "--order", "8"]), 0)
    }
}
