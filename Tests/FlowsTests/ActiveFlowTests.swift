import Foundation
import XCTest
@testable import Flows

final class ActiveFlowTests: XCTestCase {
    /// CVODE keeps the local error below rtol; over ~3 e-folds of growth the global error is some
    /// tens of rtol, hence rtol 1e-12 for a 1e-9 comparison. atol far below the smallest value.
    private var tight: FlowSolverSettings {
        var s = FlowSolverSettings()
        s.relativeTolerance = 1e-12
        s.absoluteTolerance = 1e-20
        return s
    }

    func testPaperLawIsTheCanonicalPowerLaw() throws {
        // σ du/dσ = a u  ⇒  u(σ) = u(σ₀)(σ/σ₀)^a with a = 4−d, 6−2d (seed 001).
        for d in [1.0, 2.0, 3.0] {
            var flow = ActiveFlow(law: .paper, dimension: d, orders: [4, 6], initialCouplings: [-0.3, 0.8],
                                  sigmaStart: 1, sigmaEnd: 20)
            flow.sampling = .scales([1, 1.5, 2, 5, 10, 20])
            flow.solver = tight
            let result = try flow.run()
            XCTAssertEqual(result.exponents, [4 - d, 6 - 2 * d])
            for (s, sigma) in result.sigmaW.enumerated() {
                XCTAssertEqual(result.couplings[s][0], -0.3 * pow(sigma, 4 - d), accuracy: 1e-9 * 0.3 * pow(sigma, 4 - d))
                XCTAssertEqual(result.couplings[s][1], 0.8 * pow(sigma, 6 - 2 * d), accuracy: 1e-9 * 0.8 * pow(sigma, 6 - 2 * d))
            }
        }
    }

    func testRawLawHasTheOppositeSlopeInOneDimension() throws {
        // Raw u4 ∝ σ^{d−4} = σ^{−3} for d = 1, where the paper's law gives σ^{+3}.
        var flow = ActiveFlow(law: .raw, dimension: 1, orders: [4, 6], initialCouplings: [-0.3, 0.8], sigmaStart: 1, sigmaEnd: 20)
        flow.solver = tight
        let result = try flow.run()
        XCTAssertEqual(result.exponents, [-3, -5])
        let last = result.couplings.last!
        XCTAssertEqual(last[0], -0.3 * pow(20, -3), accuracy: 1e-9 * 0.3 * pow(20, -3))
        XCTAssertEqual(result.sigmaW.last!, 20, accuracy: 1e-12)
        XCTAssertEqual(result.k.last!, (2 * 400.0).squareRoot(), accuracy: 1e-10)
    }

    func testInvalidSettingsAreErrors() {
        XCTAssertThrowsError(try ActiveFlow(law: .paper, dimension: 1, orders: [4], initialCouplings: [1], sigmaStart: 0, sigmaEnd: 2).run())
        XCTAssertThrowsError(try ActiveFlow(law: .paper, dimension: 1, orders: [4, 6], initialCouplings: [1], sigmaStart: 1, sigmaEnd: 2).run())
        var flow = ActiveFlow(law: .paper, dimension: 1, orders: [4], initialCouplings: [1], sigmaStart: 1, sigmaEnd: 2)
        flow.sampling = .scales([3])
        XCTAssertThrowsError(try flow.run()) { XCTAssertEqual($0 as? FlowError, .scaleOutsideRange(k: 3, low: 1, high: 2)) }
    }
}
