import XCTest
@testable import Truncation

/// Polchinski LPA, PHYSICS.md form ∂_t v = −d v + (d−2)/2 φ v' − v'' + v'², projected by hand:
///
///   v   = v2 φ²/2 + v4 φ⁴/24 + v6 φ⁶/720 + v8 φ⁸/8!
///   v'  = v2 φ + v4 φ³/6 + v6 φ⁵/120 + …
///   v'' = v2 + v4 φ²/2 + v6 φ⁴/24 + v8 φ⁶/720
///   v'² = v2² φ² + (v2 v4/3) φ⁴ + (v4²/36 + v2 v6/60) φ⁶ + …
///
///   [φ²] : −d v2/2 + (d−2) v2/2 − v4/2 + v2²                    → ×2!  : −2 v2 − v4 + 2 v2²
///   [φ⁴] : −d v4/24 + (d−2) v4/12 − v6/24 + v2 v4/3              → ×4!  : −(4−d) v4 − v6 + 8 v2 v4
///   [φ⁶] : −d v6/720 + (d−2) v6/240 − v8/720 + v4²/36 + v2 v6/60 → ×6!  : −(6−2d) v6 − v8 + 20 v4² + 12 v2 v6
///
/// Truncation at order 2n sets v_{2n+2} = 0.
final class PolchinskiTests: XCTestCase {
    func testOrderFourAndSixAgainstHandProjection() throws {
        var rng = SplitMix64(state: 7)
        for d in [1.0, 2.0, 3.0, 3.3] {
            let b4 = try BetaFunctions(TruncationSpec(scheme: .polchinski, dimension: d, order: 4))
            let b6 = try BetaFunctions(TruncationSpec(scheme: .polchinski, dimension: d, order: 6))
            XCTAssertEqual(b6.couplingNames, ["v2", "v4", "v6"])
            XCTAssertNil(b6.thresholdMargin(at: [0, 0, 0]))
            for _ in 0..<100 {
                let v2 = rng.uniform(-2, 2), v4 = rng.uniform(-5, 5), v6 = rng.uniform(-20, 20)
                let got4 = b4.evaluate([v2, v4])
                assertRelativelyClose(got4[0], -2 * v2 - v4 + 2 * v2 * v2, 1e-13, floor: 1e-12)
                assertRelativelyClose(got4[1], -(4 - d) * v4 + 8 * v2 * v4, 1e-13, floor: 1e-12)
                let got6 = b6.evaluate([v2, v4, v6])
                assertRelativelyClose(got6[0], -2 * v2 - v4 + 2 * v2 * v2, 1e-13, floor: 1e-12)
                assertRelativelyClose(got6[1], -(4 - d) * v4 - v6 + 8 * v2 * v4, 1e-13, floor: 1e-12)
                assertRelativelyClose(got6[2], -(6 - 2 * d) * v6 + 20 * v4 * v4 + 12 * v2 * v6, 1e-13, floor: 1e-11)
            }
        }
    }

    /// The sign warning of PHYSICS.md: with −v'' + v'² the Wilson–Fisher fixed point exists at
    /// order 4 in d = 3: β2 = β4 = 0 with v4 ≠ 0 ⇒ v2 = (4−d)/8, v4 = −2 v2 + 2 v2².
    func testWilsonFisherFixedPointExistsAtOrderFour() throws {
        let d = 3.0
        let b = try BetaFunctions(TruncationSpec(scheme: .polchinski, dimension: d, order: 4))
        let v2 = (4 - d) / 8
        let v4 = -2 * v2 + 2 * v2 * v2
        let beta = b.evaluate([v2, v4])
        XCTAssertEqual(beta[0], 0, accuracy: 1e-15)
        XCTAssertEqual(beta[1], 0, accuracy: 1e-15)
        XCTAssertLessThan(v4, 0)
    }
}
