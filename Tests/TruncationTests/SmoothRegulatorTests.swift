import Foundation
import XCTest
@testable import Truncation

/// Litim's step smoothed over a width ε: `r_ε(y) = ε ln(1 + e^{(1−y)/ε})` → `(1 − y) θ(1 − y)` as ε → 0.
/// Its O(∂²) thresholds come from the moment quadrature; their limit is Litim's closed forms,
/// boundary term (`θ(0) = ½`) included.
struct SmoothedLitimRegulator: SmoothRegulator {
    var epsilon: Double
    var name: String { "smoothed-litim" }
    var shapeDescription: String { "r(y) = ε ln(1 + e^{(1−y)/ε}), ε = \(epsilon)" }
    var isClosedForm: Bool { false }
    var minimumInversePropagator: Double { 1 }
    var breakpoints: [Double] { [1] }
    var cacheKey: String { "smoothed-litim \(epsilon.bitPattern)" }

    func shapeDerivatives(_ y: Double) -> (r: Double, r1: Double, r2: Double) {
        let a = (1 - y) / epsilon
        let sigma = 1 / (1 + exp(-a)), tail = 1 / (1 + exp(a))
        let r = a > 30 ? (1 - y) + epsilon * exp(-a) : epsilon * log1p(exp(a))
        return (r, -sigma, sigma * tail / epsilon)
    }

    func thresholdQuadrature(_ family: ThresholdFamily, dimension d: Double) throws -> ThresholdQuadrature {
        throw TruncationError.unsupported("test regulator: moment thresholds only")
    }
}

final class SmoothRegulatorTests: XCTestCase {
    /// The moment quadrature (step 1/16) against the same rule at half the step: double-exponential
    /// convergence means the difference bounds the error of the coarser rule. Measured relative to
    /// `Σ_q |W_q|/(p_q + w)^k`, since the `e`- and `r''`-insertions change sign.
    func testMomentQuadratureConvergesInTheStep() {
        for regulator in [ExponentialRegulator(), ExponentialRegulator(prefactor: 3.5)] as [any SmoothRegulator] {
            for d in [3.0, 1.5] {
                for code in MomentThreshold.firstCode...(MomentThreshold.firstCode + 8 * 20 + 7) {
                    let threshold = MomentThreshold(code: UInt8(code))!
                    let coarse = regulator.momentQuadrature(threshold, dimension: d)
                    let fine = regulator.momentQuadrature(threshold, dimension: d, step: 1.0 / 32)
                    for w in [-0.5 * regulator.minimumInversePropagator, 0, 1.5] {
                        for k in 1...5 {
                            let scale = zip(fine.nodes, fine.weights).reduce(0) { $0 + abs($1.1) / pow($1.0 + w, Double(k)) }
                            let a = coarse.value(power: k, at: w), b = fine.value(power: k, at: w)
                            XCTAssertLessThan(abs(a - b), 1e-11 * scale, "\(threshold.label) d=\(d) k=\(k) w=\(w)")
                        }
                    }
                }
            }
        }
    }

    /// The closed-form limit: the smoothed step at ε = 1e-3 and 5e-4, extrapolated linearly to
    /// ε → 0, against the Litim derivations (bulk moments `μ_m = d/(d+2m)` and the boundary term at
    /// y = 1, `θ(0) = ½`) for derivative2 about both points and LPA′. Measured (d = 2.5, order 4):
    /// the betas deviate from Litim's by 1.0e-4, 2.0e-3, 2.3e-3 relative at ε = 1e-3 and by exactly
    /// half at ε = 5e-4 (linear in ε down to ε = 2.5e-4); the extrapolation leaves 1e-7 … 3e-6 (the
    /// ε² term and the quadrature of the width-ε bend). The bound 2e-5 is 50 times below the
    /// unextrapolated deviation at ε = 5e-4, so a wrong boundary term or moment would fail it.
    func testSmoothedStepTendsToLitim() throws {
        var rng = SplitMix64(state: 17)
        let specs = [TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 3, order: 6),
                     TruncationSpec(truncation: .derivative2, expansion: .zero, dimension: 3, order: 6),
                     TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 2.5, order: 4),
                     TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: 3, order: 6)]
        for spec in specs {
            let litim = try BetaFunctions(spec)
            let coarse = try BetaFunctions(spec, regulator: SmoothedLitimRegulator(epsilon: 1e-3))
            let fine = try BetaFunctions(spec, regulator: SmoothedLitimRegulator(epsilon: 5e-4))
            XCTAssertEqual(fine.couplingNames, litim.couplingNames)
            for _ in 0..<5 {
                var u: [Double]
                if spec.expansion == .minimum {
                    u = [rng.uniform(0.01, 0.05), rng.uniform(2, 6)]
                } else {
                    u = [rng.uniform(-0.3, 0.3), rng.uniform(2, 12)]
                }
                while u.count < litim.count { u.append(rng.uniform(-5, 5)) }
                let a = coarse.evaluate(u), b = fine.evaluate(u), exact = litim.evaluate(u)
                let scale = exact.map(abs).max()!
                for i in exact.indices {
                    let extrapolated = 2 * b[i] - a[i]
                    XCTAssertEqual(extrapolated, exact[i], accuracy: 2e-5 * max(abs(exact[i]), 1e-3 * scale),
                                   "\(spec.outline) β_\(litim.couplingNames[i])")
                }
                let etaA = try XCTUnwrap(coarse.anomalousDimension(at: u)), etaB = try XCTUnwrap(fine.anomalousDimension(at: u))
                assertRelativelyClose(2 * etaB - etaA, try XCTUnwrap(litim.anomalousDimension(at: u)), 2e-5, floor: 1e-6)
            }
        }
    }

    /// With every `z̄_j = 0`, derivative2 with the exponential regulator is its LPA′ exactly (the
    /// two are derived separately: `z ≡ 1` removes the couplings, not just their values).
    func testExponentialDerivative2ReducesToLPAPrime() throws {
        var rng = SplitMix64(state: 23)
        for order in [4, 6] {
            let full = try BetaFunctions(TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 3, order: order, regulator: .exponential))
            let prime = try BetaFunctions(TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: 3, order: order, regulator: .exponential))
            for _ in 0..<10 {
                var u = [rng.uniform(0.01, 0.08), rng.uniform(1, 8)]
                while u.count < prime.count { u.append(rng.uniform(-20, 20)) }
                let withZ = u + [Double](repeating: 0, count: full.count - prime.count)
                let a = full.evaluate(withZ), b = prime.evaluate(u)
                for i in b.indices { assertRelativelyClose(a[i], b[i], 1e-12, floor: 1e-12) }
                assertRelativelyClose(try XCTUnwrap(full.anomalousDimension(at: withZ)), try XCTUnwrap(prime.anomalousDimension(at: u)), 1e-12)
            }
        }
    }

    /// The moment expansion against the unexpanded functional flows with the exponential regulator
    /// (the formulas of `Derivation.deriveWithMomentThresholds`, written with `G`, `G'`, `G''` and
    /// integrated by Simpson's rule in `t = √y` up to y = 64, where the integrand is below 1e-20),
    /// differentiated in `x = ρ̄ − κ̄` by central differences at h = 4e-4 and 2e-4, Richardson-extrapolated
    /// (the plain h = 2e-4 differences are off by 5e-6 relative: h² times the large third
    /// derivatives); d = 3, order 6 about the minimum. Tolerances: the Simpson error (step 2e-4 in
    /// t, below 1e-12) is negligible; what remains is the h⁴ term and rounding amplified by 1/h
    /// (1/h² for the second derivative): 1e-7 … 1e-5.
    func testExponentialProjectionAgainstDirectQuadrature() throws {
        let d = 3.0, kd = independentKd(3)
        let regulator = ExponentialRegulator()
        let beta = try BetaFunctions(TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: d, order: 6, regulator: .exponential))
        let (kappa, l2, l3, z1, z2) = (0.045, 6.5, 55.0, 1.1, -20.0)
        let point = [kappa, l2, l3, z1, z2]
        let b = beta.evaluate(point)
        let eta = try XCTUnwrap(beta.anomalousDimension(at: point))
        func flows(_ x: Double) -> (F: Double, G: Double) {
            let rho = kappa + x
            let u = l2 * x * x / 2 + l3 * x * x * x / 6, up = l2 * x + l3 * x * x / 2, upp = l2 + l3 * x, uppp = l3
            let z = 1 + z1 * x + z2 * x * x / 2, zp = z1 + z2 * x, zpp = z2
            let w = up + 2 * rho * upp
            let m = 40000, tMax = 8.0, h = tMax / Double(m)
            var sf = 0.0, sg = 0.0
            for i in 1...m {
                let t = Double(i) * h, y = t * t
                let (r, rp, rpp) = regulator.shapeDerivatives(y)
                let s = 2 * r - 2 * y * rp - eta * r
                let p = z * y + r + w
                let g = 1 / p, g1 = -(z + rp) / (p * p), g2 = -rpp / (p * p) + 2 * (z + rp) * (z + rp) / (p * p * p)
                let bb = 3 * upp + 2 * rho * uppp + y * zp
                let a2 = 2 * rho * bb * bb, az = 2 * rho * bb * zp, zz = 2 * rho * zp * zp
                let zFlow = s / (p * p) * (a2 * (g1 + 2 * y / d * g2) + 2 * az * g + 4 / d * y * az * g1
                                           + y / d * zz * g - 0.5 * (zp + 2 * rho * zpp))
                let measure = d * kd / 2 * 2 * pow(t, d - 1)
                let weight = i == m ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
                sf += weight * measure * 0.5 * s / p
                sg += weight * measure * zFlow
            }
            return (-d * u + (d - 2 + eta) * rho * up + sf * h / 3, eta * z + (d - 2 + eta) * rho * zp + sg * h / 3)
        }
        let zero = flows(0)
        func differences(_ h: Double) -> (fPrime: Double, fSecond: Double, gPrime: Double) {
            let plus = flows(h), minus = flows(-h)
            return ((plus.F - minus.F) / (2 * h), (plus.F - 2 * zero.F + minus.F) / (h * h), (plus.G - minus.G) / (2 * h))
        }
        let coarse = differences(4e-4), fine = differences(2e-4)
        func richardson(_ a: Double, _ b: Double) -> Double { (4 * b - a) / 3 }
        assertRelativelyClose(richardson(coarse.fPrime, fine.fPrime), -l2 * b[0], 1e-7)
        assertRelativelyClose(richardson(coarse.fSecond, fine.fSecond), b[1] - l3 * b[0], 1e-5)
        assertRelativelyClose(zero.G, -z1 * b[0], 1e-9, floor: 1e-3)
        assertRelativelyClose(richardson(coarse.gPrime, fine.gPrime), b[3] - z2 * b[0], 1e-6)
    }
}
