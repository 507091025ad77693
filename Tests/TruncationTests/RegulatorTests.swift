import Foundation
import XCTest
@testable import Truncation

final class RegulatorTests: XCTestCase {
    /// Independent quadrature of A_k(w) = (d K_d/2) ∫_0^∞ dy y^{d/2−1} g(y)/(p(y)+w)^k for the
    /// exponential regulator r = y/(e^y − 1): here g = r − y r' simplifies to y² e^y/(e^y − 1)²
    /// = (y/2 / sinh(y/2))² and p = y + r = y/(1 − e^{−y}). Substituting y = t² makes the integrand
    /// smooth for integer d; composite Simpson on t ∈ [0, 8] with 40 000 panels (e^{−64} tail).
    private func simpsonThreshold(power k: Int, w: Double, d: Double) -> Double {
        let panels = 40_000
        let tMax = 8.0
        let h = tMax / Double(panels)
        func f(_ t: Double) -> Double {
            let y = t * t
            if y == 0 { return d == 1 ? 2 / pow(1 + w, Double(k)) : 0 }
            let g = pow((y / 2) / sinh(y / 2), 2)
            let p = y / (1 - exp(-y))
            return 2 * pow(t, d - 1) * g / pow(p + w, Double(k))
        }
        var s = f(0) + f(tMax)
        for i in 1..<panels { s += f(Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
        return d * independentKd(d) / 2 * s * h / 3
    }

    func testExponentialThresholdFunctionsAgainstQuadrature() throws {
        let regulator = ExponentialRegulator()
        for d in [1.0, 2.0, 3.0, 4.0] {
            let rule = try regulator.thresholdQuadrature(.loop, dimension: d)
            for w in [-0.6, 0.0, 0.4, 2.5] {
                for k in 1...6 {
                    assertRelativelyClose(rule.value(power: k, at: w), simpsonThreshold(power: k, w: w, d: d), 1e-11,
                                          "d=\(d) w=\(w) k=\(k)")
                }
            }
        }
    }

    /// The Litim rule is the closed form K_d/(1+w)^k (loop) and K_d/((d+2)(1+w)^k) (η insertion).
    func testLitimClosedForms() throws {
        let d = 2.7
        let kd = independentKd(d)
        let loop = try LitimRegulator().thresholdQuadrature(.loop, dimension: d)
        let eta = try LitimRegulator().thresholdQuadrature(.etaInsertion, dimension: d)
        assertRelativelyClose(loop.value(power: 3, at: 0.2), kd / pow(1.2, 3), 1e-14)
        assertRelativelyClose(eta.value(power: 2, at: 0.2), kd / ((d + 2) * 1.44), 1e-14)
    }

    /// The exponential-regulator LPA beta functions use those threshold functions:
    ///   β2 = −2 ū2 − ū4 A_2(ū2),  β4 = −(4−d) ū4 − ū6 A_2 + 6 ū4² A_3,
    ///   β6 = −(6−2d) ū6 + 30 ū4 ū6 A_3 − 90 ū4³ A_4
    /// (the Litim closed form of PHYSICS.md with K_d/(1+w)^k → A_k(w)).
    func testExponentialLPAOrderSix() throws {
        var rng = SplitMix64(state: 5)
        for d in [1.0, 3.0] {
            let beta = try BetaFunctions(TruncationSpec(dimension: d, order: 6, regulator: .exponential))
            for _ in 0..<5 {
                let u = [rng.uniform(-0.4, 1.5), rng.uniform(-2, 2), rng.uniform(-5, 5)]
                let a2 = simpsonThreshold(power: 2, w: u[0], d: d)
                let a3 = simpsonThreshold(power: 3, w: u[0], d: d)
                let a4 = simpsonThreshold(power: 4, w: u[0], d: d)
                let expected = [
                    -2 * u[0] - u[1] * a2,
                    -(4 - d) * u[1] - u[2] * a2 + 6 * u[1] * u[1] * a3,
                    -(6 - 2 * d) * u[2] + 30 * u[1] * u[2] * a3 - 90 * pow(u[1], 3) * a4,
                ]
                let got = beta.evaluate(u)
                for i in 0..<3 { assertRelativelyClose(got[i], expected[i], 1e-9, floor: 1e-6) }
                assertRelativelyClose(beta.thresholdMargin(at: u)!, 1 + u[0], 1e-15)
            }
        }
    }
}
