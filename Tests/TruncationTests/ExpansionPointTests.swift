import Foundation
import XCTest
@testable import Truncation

/// The expansion about the minimum and the one about φ = 0 describe the same potential.
final class ExpansionPointTests: XCTestCase {
    func testCouplingMapRoundTrip() throws {
        let minimum = [0.21, 1.3, -0.7, 2.1]
        let zero = PotentialExpansionMap.zeroCouplings(fromMinimum: minimum)
        // U'(ρ) at ρ = 0 from (κ, λ): −κλ2 + κ²λ3/2 − κ³λ4/6, and u2 = U'(0).
        let k = minimum[0]
        assertRelativelyClose(zero[0], -k * 1.3 + k * k * (-0.7) / 2 - k * k * k * 2.1 / 6, 1e-14)
        let back = try PotentialExpansionMap.minimumCouplings(fromZero: zero)
        for i in 0..<4 { assertRelativelyClose(back[i], minimum[i], 1e-10) }
        XCTAssertThrowsError(try PotentialExpansionMap.minimumCouplings(fromZero: [1, 1, 1]))
    }

    /// Take the degree-3 (in ρ) potential U = λ2/2 (ρ−κ)² + λ3/6 (ρ−κ)³. For this polynomial the
    /// about-zero projection at order 2N gives the exact Taylor coefficients at ρ = 0 of the flow
    /// F(ρ) = ∂_t U at fixed ρ up to ρ^N (couplings above u6 vanish exactly), and the about-minimum
    /// projection gives the exact derivatives F^{(j)}(κ), j ≤ 3, through
    ///   F'(κ) = −λ2 ∂_t κ,   F^{(j)}(κ) = ∂_t λ_j − λ_{j+1} ∂_t κ.
    /// Summing the Taylor series from ρ = 0 to ρ = κ (well inside its radius of convergence) must
    /// reproduce the about-minimum values, for both flow equations.
    func testFlowsOfPotentialDerivativesAgree() throws {
        let minimum = [0.04, 1.2, 0.8]
        let zero = PotentialExpansionMap.zeroCouplings(fromMinimum: minimum)
        let bigN = 20
        for scheme in [FlowEquation.wetterich, .polchinski] {
            for d in [3.0, 2.5] {
                let aboutMinimum = try BetaFunctions(TruncationSpec(scheme: scheme, expansion: .minimum, dimension: d, order: 6))
                let aboutZero = try BetaFunctions(TruncationSpec(scheme: scheme, expansion: .zero, dimension: d, order: 2 * bigN))
                var u = [Double](repeating: 0, count: bigN)
                for i in 0..<3 { u[i] = zero[i] }
                let bz = aboutZero.evaluate(u)
                // F = Σ_m β_{2m} φ^{2m}/(2m)! = Σ_m c_m ρ^m with φ² = 2ρ: c_m = β_{2m} 2^m/(2m)!.
                var c = [Double](repeating: 0, count: bigN + 1)
                for m in 1...bigN {
                    var f = pow(2, Double(m))
                    for k in 1...(2 * m) { f /= Double(k) }
                    c[m] = bz[m - 1] * f
                }
                let kappa = minimum[0]
                func fromZero(_ j: Int) -> Double {
                    var s = 0.0
                    for m in j...bigN {
                        var f = 1.0
                        for k in stride(from: m, to: m - j, by: -1) { f *= Double(k) }
                        s += c[m] * f * pow(kappa, Double(m - j))
                    }
                    return s
                }
                let bm = aboutMinimum.evaluate(minimum)
                let fromMinimum = [-minimum[1] * bm[0], bm[1] - minimum[2] * bm[0], bm[2]]
                for j in 1...3 {
                    assertRelativelyClose(fromZero(j), fromMinimum[j - 1], 1e-10, "\(scheme) d=\(d) F^(\(j))(κ)")
                }
            }
        }
    }

    /// PHYSICS.md-style check of the minimum scheme at its lowest order (κ, λ2), Litim:
    ///   ∂_t κ  = −(d−2) κ + 3 K_d/(1+2κλ2)²
    ///   ∂_t λ2 = −(4−d) λ2 + 18 K_d λ2²/(1+2κλ2)³
    /// With λ3 = 0, U_φφ = u' + 2ρu'' = 2κλ2 + 3λ2 x (x = ρ − κ), so δ = 3λ2 x and
    /// ℓ(w+δ) = K_d [1/(1+w) − δ/(1+w)² + δ²/(1+w)³ − …]:
    ///   F'(0)  = (d−2)κλ2 − 3λ2 K_d/(1+w)²,          ∂_t κ = −F'(0)/λ2;
    ///   F''(0) = (2(d−2) − d)λ2 + 2·9λ2² K_d/(1+w)³,  ∂_t λ2 = F''(0) (λ3 = 0).
    func testLowestOrderMinimumSchemeClosedForm() throws {
        var rng = SplitMix64(state: 3)
        for d in [2.0, 3.0, 3.7] {
            let b = try BetaFunctions(TruncationSpec(expansion: .minimum, dimension: d, order: 4))
            XCTAssertEqual(b.couplingNames, ["kappa", "lambda2"])
            XCTAssertEqual(b.canonicalDimensions[0], d - 2, accuracy: 1e-15)
            XCTAssertEqual(b.canonicalDimensions[1], 4 - d, accuracy: 1e-15)
            let kd = independentKd(d)
            for _ in 0..<50 {
                let k = rng.uniform(0, 1), l = rng.uniform(0.1, 5)
                let a = 1 + 2 * k * l
                let got = b.evaluate([k, l])
                assertRelativelyClose(got[0], -(d - 2) * k + 3 * kd / (a * a), 1e-13, floor: 1e-12)
                assertRelativelyClose(got[1], -(4 - d) * l + 18 * kd * l * l / (a * a * a), 1e-13, floor: 1e-12)
                assertRelativelyClose(b.thresholdMargin(at: [k, l])!, a, 1e-15)
            }
        }
    }
}
