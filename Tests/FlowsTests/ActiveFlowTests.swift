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

    /// Issue 16: a σ_W range whose power law takes a coupling (or k) beyond 1e300 is refused before
    /// CVODE is called (it used to fail inside CVODE with CV_CONV_FAILURE).
    func testRangesBeyondDoublePrecisionAreRefused() {
        let wide = ActiveFlow(law: .paper, dimension: 1, orders: [4, 6], initialCouplings: [-12.8, -2.1e4], sigmaStart: 1, sigmaEnd: 1e100)
        XCTAssertThrowsError(try wide.run()) {
            XCTAssertEqual($0 as? FlowError, .activeOutOfRange(quantity: "u4", sigmaW: 1e100))
        }
        // σ_W = 9e299 is representable, k = √2 σ_W is not.
        let scale = ActiveFlow(law: .paper, dimension: 1, orders: [4], initialCouplings: [0], sigmaStart: 1, sigmaEnd: 9e299)
        XCTAssertThrowsError(try scale.run()) {
            XCTAssertEqual($0 as? FlowError, .activeOutOfRange(quantity: "k = √(2σ_W²/d)", sigmaW: 9e299))
        }
    }
}
