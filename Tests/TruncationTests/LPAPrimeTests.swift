import Foundation
import XCTest
@testable import Truncation

/// LPA′ with the Litim regulator, expanded about the running minimum.
///
/// Published form: Berges, Tetradis, Wetterich, Phys. Rep. 363 (2002) 223 [hep-ph/0005122], give for
/// the quartic truncation about the minimum (O(N), Z_k read off the Goldstone two-point function)
///     η = (16 v_d/d) κ λ² m^d_{2,2}(2κλ),   v_d^{-1} = 2^{d+1} π^{d/2} Γ(d/2),
/// and Litim's optimized regulator gives the closed form m^d_{2,2}(w) = 1/(1+w)⁴
/// (D. F. Litim, Phys. Rev. D 64 (2001) 105007 [hep-th/0103195]).
/// For one field (N = 1) Z_k is read off the radial mode: the three-point vertex is
/// U_φφφ = 3λφ0 instead of the Goldstone–radial λφ0 (×9), and the two orderings of the mixed
/// Goldstone/radial loop become one diagram (×1/2), so
///     η_{N=1} = (72 v_d/d) κ λ²/(1+2κλ)⁴ = 18 K_d κ λ²/(1+2κλ)⁴      (K_d = 4 v_d/d).
/// The flow of κ carries η in the field dimension and in the regulator insertion
/// (Litim: l_1^d(w; η) = (2/d)(1 − η/(d+2))/(1+w)², BTW notation):
///     ∂_t κ = −(d−2+η) κ + 6 v_d l_1^d(2κλ; η) = −(d−2+η) κ + 3 K_d (1 − η/(d+2))/(1+2κλ)².
final class LPAPrimeTests: XCTestCase {
    func testAnomalousDimensionMatchesPublishedLitimFormula() throws {
        var rng = SplitMix64(state: 99)
        for d in [3.0, 2.5, 2.0] {
            let beta = try BetaFunctions(TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: d, order: 4))
            XCTAssertTrue(beta.hasAnomalousDimension)
            let vd = 1 / (pow(2, d + 1) * pow(Double.pi, d / 2) * tgamma(d / 2))
            for _ in 0..<50 {
                let kappa = rng.uniform(0.001, 1), lambda = rng.uniform(0.05, 8)
                let w = 2 * kappa * lambda
                let published = 72 * vd / d * kappa * lambda * lambda / pow(1 + w, 4)
                let eta = try XCTUnwrap(beta.anomalousDimension(at: [kappa, lambda]))
                assertRelativelyClose(eta, published, 1e-13)
                let kd = independentKd(d)
                let betaKappa = -(d - 2 + eta) * kappa + 3 * kd * (1 - eta / (d + 2)) / pow(1 + w, 2)
                assertRelativelyClose(beta.evaluate([kappa, lambda])[0], betaKappa, 1e-12, floor: 1e-12)
            }
        }
    }

    /// In the LPA the same scheme has no η, and LPA′ with η → 0 reduces to it.
    func testLPAHasNoAnomalousDimension() throws {
        let lpa = try BetaFunctions(TruncationSpec(expansion: .minimum, dimension: 3, order: 6))
        XCTAssertNil(lpa.anomalousDimension(at: [0.1, 1, 0.5]))
        XCTAssertThrowsError(try BetaFunctions(TruncationSpec(truncation: .lpaPrime, expansion: .zero, dimension: 3, order: 6)))
        // The exponential regulator's LPA′ η (moment thresholds) is positive like Litim's.
        let exponential = try BetaFunctions(TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: 3, order: 6, regulator: .exponential))
        XCTAssertGreaterThan(try XCTUnwrap(exponential.anomalousDimension(at: [0.04, 6, 50])), 0)
    }
}
