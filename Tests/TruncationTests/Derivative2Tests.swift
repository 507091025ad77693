import Foundation
import XCTest
@testable import Truncation

/// The O(∂²) truncation with a field-dependent `Z_k(φ) = Z_k z(ρ̄)` (Litim regulator, expansion
/// about the running minimum, normalization `z(κ̄) = 1`); see `Derivation.deriveDerivative2` for the
/// functional equations.
final class Derivative2Tests: XCTestCase {
    private func derivative2(d: Double, order: Int) throws -> BetaFunctions {
        try BetaFunctions(TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: d, order: order))
    }

    func testCouplingsAndNames() throws {
        let beta = try derivative2(d: 3, order: 8)
        XCTAssertEqual(beta.couplingNames, ["kappa", "lambda2", "lambda3", "lambda4", "z1", "z2", "z3"])
        XCTAssertTrue(beta.hasAnomalousDimension)
        // z_j = ∂^j Z/∂ρ^j: mass dimension 2j − j d.
        XCTAssertEqual(Array(beta.canonicalDimensions.suffix(3)), [-1, -2, -3])
    }

    /// With every coupling of Z switched off (`z ≡ 1`), U's flow and η are exactly those of LPA′:
    /// the `y`-dependence of the propagator `P = 1 + w + (z−1) y` disappears, and at `ρ̄ = κ̄` the
    /// normalization `d z(κ̄)/dt = 0` becomes `η = 2κ̄ K_d (3λ̄2 + 2κ̄λ̄3)²/(1+w)⁴`, the LPA′ value.
    func testReducesToLPAPrimeWithoutFieldDependentZ() throws {
        var rng = SplitMix64(state: 7)
        for d in [3.0, 2.5, 3.6] {
            for order in [4, 6, 8] {
                let full = try derivative2(d: d, order: order)
                let prime = try BetaFunctions(TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: d, order: order))
                let n = prime.count
                XCTAssertEqual(Array(full.couplingNames.prefix(n)), prime.couplingNames)
                for _ in 0..<20 {
                    var u = [rng.uniform(0.001, 0.1), rng.uniform(0.5, 8)]
                    for _ in 2..<n { u.append(rng.uniform(-20, 20)) }
                    let withZ = u + [Double](repeating: 0, count: full.count - n)
                    let a = full.evaluate(withZ), b = prime.evaluate(u)
                    for i in 0..<n { assertRelativelyClose(a[i], b[i], 1e-12, floor: 1e-12, "β_\(prime.couplingNames[i]) d=\(d) order \(order)") }
                    assertRelativelyClose(try XCTUnwrap(full.anomalousDimension(at: withZ)),
                                          try XCTUnwrap(prime.anomalousDimension(at: u)), 1e-13)
                }
            }
        }
    }

    /// The exact Jacobian (including the chain rule through `η = N/D`) against finite differences.
    func testJacobianMatchesFiniteDifferences() throws {
        var rng = SplitMix64(state: 21)
        for (d, order) in [(3.0, 4), (3.0, 6), (2.4, 8)] {
            let beta = try derivative2(d: d, order: order)
            for _ in 0..<5 {
                let scales = beta.couplingNames.map { name -> Double in
                    name == "kappa" ? 0.03 : name == "lambda2" ? 5 : name.hasPrefix("z") ? 2 : 20
                }
                var u = scales.map { rng.uniform(-1, 1) * $0 }
                u[0] = abs(u[0]) + 0.005
                u[1] = abs(u[1]) + 1
                let exact = beta.jacobian(u)
                let numeric = finiteDifferenceJacobian({ beta.evaluate($0) }, at: u)
                let scale = exact.map(abs).max()!
                for k in exact.indices {
                    XCTAssertEqual(exact[k], numeric[k], accuracy: 1e-7 * scale, "d=\(d) order \(order) entry \(k)")
                }
            }
        }
    }

    /// Hand projection of the z-flow at order 4 (couplings κ̄, λ̄2, z̄1), d = 3, w = 2κ̄λ̄2.
    ///
    /// Boundary term `−2ρ̄ K_d b(1)²/(z+w)⁴` with `b(1) = 3u'' + 2ρ̄u''' + z' = 3λ̄2 + z̄1` and
    /// `z + w = 1 + w₀ + (3λ̄2 + z̄1) x` (`w(x) = u' + 2ρ̄u'' = λ̄2 x + 2(κ̄+x)λ̄2`): its `x`-derivative at
    /// `x = 0` holds `−2 · 9 K_d λ̄2²/(1+w)⁴ = −18 K_d λ̄2²/(1+w)⁴` and `+2κ̄ · 9 λ̄2² · 4 · 3λ̄2 = 216 K_d κ̄ λ̄2³/(1+w)⁵`.
    ///
    /// The `K_d λ̄2 z̄1/(1+w)³` term: from `4ρ̄ b z'/P³` the `x`-derivative `4 · 3λ̄2 z̄1` and from
    /// `−½ z_φφ/P²` (`z_φφ = z̄1` at this order) `−½ z̄1 · (−2)(3λ̄2)`, i.e. `12 + 3 = 15`, times the
    /// insertion integral `(d K_d/2)∫_0^1 dy y^{d/2−1} (2 − η(1−y)) = K_d (2 − η(1 − μ₁))`, `μ₁ = d/(d+2) = 3/5`:
    /// `30 K_d λ̄2 z̄1/(1+w)³ − 6 K_d λ̄2 z̄1 η/(1+w)³`.
    func testHandProjectedZFlowCoefficients() throws {
        let beta = try derivative2(d: 3, order: 4)
        let terms = beta.renderedTerms(beta.derived.betas[2])
        func coefficient(_ powers: [String: Int], eta: Int, power: Int) -> Double? {
            terms.first { $0.powers == powers && $0.etaPower == eta && $0.thresholdPower == power && $0.thresholdFamily == "loop" }?.coefficient
        }
        XCTAssertEqual(try XCTUnwrap(coefficient(["lambda2": 2], eta: 0, power: 4)), -18, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(coefficient(["kappa": 1, "lambda2": 3], eta: 0, power: 5)), 216, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(coefficient(["lambda2": 1, "z1": 1], eta: 0, power: 3)), 30, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(coefficient(["lambda2": 1, "z1": 1], eta: 1, power: 3)), -6, accuracy: 1e-12)
        // Canonical part: η z + (d−2+η) ρ̄ z' gives (1 + 2η) z̄1 at x = 0 in d = 3.
        XCTAssertEqual(try XCTUnwrap(terms.first { $0.powers == ["z1": 1] && $0.thresholdPower == nil && $0.etaPower == 0 }).coefficient, 1)
        XCTAssertEqual(try XCTUnwrap(terms.first { $0.powers == ["z1": 1] && $0.thresholdPower == nil && $0.etaPower == 1 }).coefficient, 2)
    }

    func testOutputStatesNormalizationAndRegulator() throws {
        let beta = try derivative2(d: 3, order: 6)
        let text = beta.equations(format: .text)
        XCTAssertTrue(text.contains("z(κ̄) = 1"))
        XCTAssertTrue(text.contains("R_k = Z_k (k² − q²) θ(k² − q²)"))
        XCTAssertTrue(text.contains("η = ("))
        XCTAssertTrue(beta.equations(format: .latex).contains("\\eta = \\frac{"))
        let json = try beta.jsonObject(at: [0.035, 5, 50, 1, -20])
        XCTAssertNotNil((json["anomalousDimension"] as? [String: Any])?["denominatorTerms"])
        // Without closed forms the thresholds carry their insertion and y-moment (`MomentThreshold`).
        let exponential = try BetaFunctions(TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 3, order: 6, regulator: .exponential))
        XCTAssertTrue(exponential.equations(format: .text).contains("ℓ[loop·e·y"))
    }

    /// Independent check of the whole projection (vertices, the `p²` expansion, the Litim
    /// `θ δ → ½ δ` limit, the `y` moments, the series about the minimum and the normalization):
    /// the unsimplified functional flows, written with `G`, `G'`, `G''` of a *smooth* regulator
    /// `r_ε(y) = ε ln(1 + e^{(1−y)/ε})` (→ Litim as ε → 0) and integrated numerically over `y`,
    ///
    ///     ∂_t u = −d u + (d−2+η) ρ̄ u' + ½ (d K_d/2) ∫ dy y^{d/2−1} s/P,
    ///     ∂_t z = η z + (d−2+η) ρ̄ z' + (d K_d/2) ∫ dy y^{d/2−1} (s/P²) { ã² [G' + (2y/d) G'']
    ///             + 2 ã z_φ G + (4/d) y ã z_φ G' + (y/d) z_φ² G − ½ z_φφ },
    ///
    /// `P = z y + r + w`, `G = 1/P`, `G' = −(z + r')/P²`, `G'' = −r''/P² + 2(z + r')²/P³`,
    /// `s = 2r − 2y r' − η r`, `ã = φ̄ (3u'' + 2ρ̄u''' + y z')`, `z_φ = φ̄ z'`, `z_φφ = z' + 2ρ̄ z''`,
    /// differentiated in `x = ρ̄ − κ̄` by central differences, against the derived beta functions:
    /// `F'(0) = −λ2 ∂_tκ̄`, `F''(0) = ∂_tλ2 − λ3 ∂_tκ̄`, `G(0) = −z1 ∂_tκ̄` (the normalization, with
    /// the derived η), `G'(0) = ∂_t z1 − z2 ∂_tκ̄`.
    func testProjectionAgainstSmoothRegulatorQuadrature() throws {
        let d = 3.0, kd = independentKd(3)
        let beta = try derivative2(d: d, order: 6)
        let (kappa, l2, l3, z1, z2) = (0.035, 5.0, 50.0, 1.2, -26.0)
        let point = [kappa, l2, l3, z1, z2]
        let b = beta.evaluate(point)
        let eta = try XCTUnwrap(beta.anomalousDimension(at: point))

        func flows(_ x: Double, epsilon: Double) -> (F: Double, G: Double) {
            let rho = kappa + x
            let u = l2 * x * x / 2 + l3 * x * x * x / 6, up = l2 * x + l3 * x * x / 2, upp = l2 + l3 * x, uppp = l3
            let z = 1 + z1 * x + z2 * x * x / 2, zp = z1 + z2 * x, zpp = z2
            let w = up + 2 * rho * upp
            // y = t², dy y^{d/2−1} = 2 t^{d−1} dt; the regulator switches off within ~40ε of y = 1.
            func integrand(_ t: Double) -> (Double, Double) {
                let y = t * t
                let a = (1 - y) / epsilon
                let sigma = 1 / (1 + exp(-a))
                let r = a > 30 ? (1 - y) : epsilon * log1p(exp(a))
                let rp = -sigma, rpp = sigma * (1 - sigma) / epsilon
                let s = 2 * r - 2 * y * rp - eta * r
                let p = z * y + r + w
                let g = 1 / p, g1 = -(z + rp) / (p * p), g2 = -rpp / (p * p) + 2 * (z + rp) * (z + rp) / (p * p * p)
                let bb = 3 * upp + 2 * rho * uppp + y * zp
                let a2 = 2 * rho * bb * bb, az = 2 * rho * bb * zp, zz = 2 * rho * zp * zp
                let zFlow = s / (p * p) * (a2 * (g1 + 2 * y / d * g2) + 2 * az * g + 4 / d * y * az * g1
                                           + y / d * zz * g - 0.5 * (zp + 2 * rho * zpp))
                let measure = d * kd / 2 * 2 * pow(t, d - 1)
                return (measure * 0.5 * s / p, measure * zFlow)
            }
            func simpson(_ lo: Double, _ hi: Double, _ m: Int) -> (Double, Double) {
                let h = (hi - lo) / Double(m)
                var sf = 0.0, sg = 0.0
                for i in 0...m {
                    let weight = (i == 0 || i == m) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
                    let (f, g) = integrand(lo + Double(i) * h)
                    sf += weight * f
                    sg += weight * g
                }
                return (sf * h / 3, sg * h / 3)
            }
            let edge1 = (1 - 40 * epsilon).squareRoot(), edge2 = (1 + 40 * epsilon).squareRoot()
            let i1 = simpson(0, edge1, 2000), i2 = simpson(edge1, edge2, 4000)
            let loopF = i1.0 + i2.0, loopG = i1.1 + i2.1
            return (-d * u + (d - 2 + eta) * rho * up + loopF, eta * z + (d - 2 + eta) * rho * zp + loopG)
        }
        // The smooth regulator approaches Litim linearly in ε: Richardson-extrapolate ε → 0.
        func extrapolated(_ x: Double) -> (F: Double, G: Double) {
            let coarse = flows(x, epsilon: 2e-4), fine = flows(x, epsilon: 1e-4)
            return (2 * fine.F - coarse.F, 2 * fine.G - coarse.G)
        }
        let h = 2e-4
        let plus = extrapolated(h), zero = extrapolated(0), minus = extrapolated(-h)
        let fPrime = (plus.F - minus.F) / (2 * h), fSecond = (plus.F - 2 * zero.F + minus.F) / (h * h)
        let gPrime = (plus.G - minus.G) / (2 * h)
        assertRelativelyClose(fPrime, -l2 * b[0], 2e-4)
        assertRelativelyClose(fSecond, b[1] - l3 * b[0], 2e-3)
        assertRelativelyClose(zero.G, -z1 * b[0], 2e-4, floor: 1e-3)
        assertRelativelyClose(gPrime, b[3] - z2 * b[0], 2e-3)
    }

    /// The `p²` projection itself, checked at finite momentum: for a smooth regulator
    /// `r(y) = ε ln(1 + e^{(1−y)/ε})` (ε = 0.1, d = 3, k = Z_k = 1) the full one-loop expression
    ///
    ///     ∂_t Γ^(2)(p) = ∫_q s(q²) G(q)² [Γ^(3)(p,q,−p−q)² G(q+p) − ½ Γ^(4)(p,−p,q,−q)],
    ///     Γ^(3) = ũ3 + z_φ (q² + p² + p·q),   Γ^(4) = ũ4 + z_φφ (p² + q²),
    ///
    /// integrated over `|q|` and the angle numerically, has the `p²` coefficient (extracted by
    /// Richardson extrapolation in `p`) given by the angular-averaged form the derivation uses,
    /// `(s/P²){ã²[G' + (2y/d)G''] + 2ã z_φ G + (4/d) y ã z_φ G' + (y/d) z_φ² G − ½ z_φφ}`.
    func testMomentumProjectionAgainstAngularIntegral() {
        let d = 3.0, epsilon = 0.1, eta = 0.05
        let (rho, up, upp, uppp, upppp) = (0.04, 0.02, 5.0, 50.0, -30.0)
        let (z, zp, zpp) = (1.05, 1.2, -26.0)
        let phi = (2 * rho).squareRoot()
        let w = up + 2 * rho * upp
        let u3 = phi * (3 * upp + 2 * rho * uppp)
        let u4 = 3 * upp + 12 * rho * uppp + 4 * rho * rho * upppp
        let zPhi = phi * zp, zPhiPhi = zp + 2 * rho * zpp
        func r(_ y: Double) -> Double { let a = (1 - y) / epsilon; return a > 30 ? 1 - y : epsilon * log1p(exp(a)) }
        func rp(_ y: Double) -> Double { -1 / (1 + exp(-(1 - y) / epsilon)) }
        func rpp(_ y: Double) -> Double { let s = 1 / (1 + exp(-(1 - y) / epsilon)); return s * (1 - s) / epsilon }
        func propagator(_ y: Double) -> Double { 1 / (z * y + r(y) + w) }
        func insertion(_ y: Double) -> Double { 2 * r(y) - 2 * y * rp(y) - eta * r(y) }
        let qMax = (1 + 40 * epsilon).squareRoot()
        let nq = 1200, nc = 64
        func simpsonWeight(_ i: Int, _ m: Int) -> Double { (i == 0 || i == m) ? 1 : (i % 2 == 1 ? 4 : 2) }
        // ∫ d³q/(2π)³ = (1/4π²) ∫ q² dq ∫_{−1}^{1} dc.
        func twoPointFlow(_ p: Double) -> Double {
            var sum = 0.0
            let hq = qMax / Double(nq), hc = 2 / Double(nc)
            for i in 0...nq {
                let q = Double(i) * hq, y = q * q
                let g = propagator(y), s = insertion(y)
                var angular = 0.0
                for j in 0...nc {
                    let c = -1 + Double(j) * hc
                    let pq = p * q * c
                    let gamma3 = u3 + zPhi * (y + p * p + pq)
                    let gamma4 = u4 + zPhiPhi * (p * p + y)
                    angular += simpsonWeight(j, nc) * (gamma3 * gamma3 * propagator(y + 2 * pq + p * p) - 0.5 * gamma4)
                }
                sum += simpsonWeight(i, nq) * q * q * s * g * g * angular * hc / 3
            }
            return sum * hq / 3 / (4 * Double.pi * Double.pi)
        }
        let f0 = twoPointFlow(0)
        let p = 0.02
        let coarse = (twoPointFlow(p) - f0) / (p * p), fine = (twoPointFlow(p / 2) - f0) / (p * p / 4)
        let numeric = (4 * fine - coarse) / 3
        // The angular-averaged integrand, (d K_d/2) ∫ dy y^{d/2−1} = (1/4π²) ∫ 2q² dq in d = 3.
        var formula = 0.0
        let hq = qMax / Double(nq)
        for i in 0...nq {
            let q = Double(i) * hq, y = q * q
            let pInverse = propagator(y), s = insertion(y)
            let g1 = -(z + rp(y)) * pInverse * pInverse
            let g2 = -rpp(y) * pInverse * pInverse + 2 * (z + rp(y)) * (z + rp(y)) * pInverse * pInverse * pInverse
            let a = u3 + zPhi * y
            let bracket = a * a * (g1 + 2 * y / d * g2) + 2 * a * zPhi * pInverse + 4 / d * y * a * zPhi * g1
                + y / d * zPhi * zPhi * pInverse - 0.5 * zPhiPhi
            formula += simpsonWeight(i, nq) * 2 * q * q * s * pInverse * pInverse * bracket
        }
        formula *= hq / 3 / (4 * Double.pi * Double.pi)
        assertRelativelyClose(numeric, formula, 1e-6)
    }
}
