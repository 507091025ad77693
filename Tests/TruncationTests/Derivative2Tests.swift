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
        let terms = beta.renderedTerms(beta.storage.derived.betas[2])
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
        let json = try beta.json(at: [0.035, 5, 50, 1, -20])
        XCTAssertTrue(json.contains("\"denominatorTerms\""))
        XCTAssertThrowsError(try BetaFunctions(TruncationSpec(truncation: .derivative2, expansion: .zero, dimension: 3, order: 6)))
        XCTAssertThrowsError(try BetaFunctions(TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 3, order: 6, regulator: .exponential)))
    }
}
