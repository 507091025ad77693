import FixedPoints
import FullPotential
import Truncation
import XCTest

/// The polynomial expansion about the running minimum (Truncation module, derived beta functions)
/// converges toward the full potential as its order grows: d = 3, Wetterich–Litim LPA.
final class TruncationConvergenceTests: XCTestCase {
    func testExpansionAboutTheMinimumApproachesTheFullPotential() throws {
        let full = try scalingSolution(ScalingSolutionSpec(scheme: .wetterich, dimension: 3))
        let steps = try TruncationStudies.wilsonFisherByOrder(
            TruncationSpec(scheme: .wetterich, truncation: .lpa, expansion: .minimum, dimension: 3, order: 22), starts: 100)
        XCTAssertEqual(steps.map(\.parameter), stride(from: 4.0, through: 22, by: 2).map { $0 })
        let nuErrors = try steps.map { abs(try XCTUnwrap($0.fixedPoint.nu) - full.nu) }
        let omegaErrors = try steps.map { abs(try XCTUnwrap($0.fixedPoint.omega) - full.omega) }
        // The convergence oscillates with the order; compare windows of three orders: each
        // later window's worst error is far below the earlier one's.
        func worst(_ e: [Double], _ range: Range<Int>) -> Double { e[range].max()! }
        XCTAssertLessThan(worst(nuErrors, 7..<10), 1e-2 * worst(nuErrors, 1..<4))
        XCTAssertLessThan(worst(nuErrors, 7..<10), 1e-4)
        XCTAssertLessThan(worst(omegaErrors, 7..<10), 1e-4)
        // The couplings κ, λ₂ approach the full potential's Taylor coefficients at its minimum.
        let last = try XCTUnwrap(steps.last).fixedPoint
        XCTAssertEqual(last.couplings[0], full.minimumCouplings[0], accuracy: 1e-5 * full.minimumCouplings[0])
        XCTAssertEqual(last.couplings[1], full.minimumCouplings[1], accuracy: 1e-4 * full.minimumCouplings[1])
    }
}
