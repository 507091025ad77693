import Foundation
import XCTest
@testable import Truncation

/// Polchinski beyond the LPA (`derivePolchinskiBeyondLPA`): the full-action equation with field
/// rescaling at O(∂²), `∂_t v = −d v + (d−2+η)/2 φ v′ − v″ + v′² − γ (z − 1)`,
/// `∂_t z = η z + (d−2+η)/2 φ z′ − z″ + 2 v′ z′ + 4 v″ (z − 1) − σ v″²`, with the cutoff constants
/// `γ, σ` (Litim's UV counterpart: `d/(d+2)`, 0; `c = e^{−y}`: `d/2`, 2), `z = 1` at the expansion point.
final class PolchinskiDerivative2Tests: XCTestCase {
    private func spec(_ truncation: TruncationKind, _ regulator: RegulatorKind, _ expansion: ExpansionPoint = .zero,
                      d: Double, order: Int) -> TruncationSpec {
        TruncationSpec(scheme: .polchinski, truncation: truncation, expansion: expansion, dimension: d,
                       order: order, regulator: regulator)
    }

    func testCombinationsAndHeader() throws {
        let b = try BetaFunctions(spec(.derivative2, .exponential, d: 3, order: 6))
        XCTAssertEqual(b.couplingNames, ["v2", "v4", "v6", "z1", "z2"])
        XCTAssertTrue(b.hasAnomalousDimension)
        XCTAssertNil(b.thresholdMargin(at: [0, 0, 0, 0, 0]))
        let text = b.equations(format: .text)
        XCTAssertTrue(text.contains("σ = 2"), text)
        XCTAssertTrue(text.contains("γ = d/2 = 1.5"), text)
        // Two cutoffs, two derivations: the cutoff is part of the key.
        XCTAssertNotEqual(spec(.derivative2, .litim, d: 3, order: 6).derivationKey,
                          spec(.derivative2, .exponential, d: 3, order: 6).derivationKey)
        XCTAssertEqual(spec(.lpa, .litim, d: 3, order: 6).derivationKey.polchinskiCutoff, nil)
        // LPA′ with Litim's cutoff is the LPA (σ = 0 ⇒ η ≡ 0): refused with that reason.
        XCTAssertThrowsError(try BetaFunctions(spec(.lpaPrime, .litim, .minimum, d: 3, order: 6))) {
            XCTAssertTrue("\($0)".contains("η ≡ 0"), "\($0)")
        }
        XCTAssertThrowsError(try BetaFunctions(spec(.derivative2, .litim, d: 3, order: 2)))
        // The LPA keeps its normalized, regulator-free form.
        XCTAssertThrowsError(try BetaFunctions(spec(.lpa, .exponential, d: 3, order: 6)))
        var withPrefactor = spec(.derivative2, .exponential, d: 3, order: 6)
        withPrefactor.regulatorPrefactor = 2
        XCTAssertThrowsError(try BetaFunctions(withPrefactor))
    }

    /// The betas and η against `scripts/polchinski-derivative2-sympy.py` (recorded in
    /// `scripts/polchinski-derivative2-sympy.out`), which starts from the O(∂²) equations with the
    /// cutoff function itself, integrates `c′` for `c₀, c₁, I₀, I₁`, rescales `φ` and `V` and projects
    /// in `φ` (frg: constants by hand, projection in ρ). About the minimum the script rewrites the
    /// flows in ρ and moves the couplings with `κ̄` itself (`∂_t κ̄ = −F′(κ̄)/λ̄2`, `z(κ̄) = 1` for η).
    /// Tolerance 1e-12 relative: a few dozen double-precision terms at couplings of order 1.
    func testAgainstSympyDerivation() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/polchinski-derivative2-sympy.out")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(lines.count, 32)
        var seen: [ExpansionPoint: Int] = [:]
        for line in lines {
            let fields = line.split(separator: " ", maxSplits: 2)
            let regulator = try XCTUnwrap(RegulatorKind(rawValue: String(fields[0])))
            let expansion = try XCTUnwrap(ExpansionPoint(rawValue: String(fields[1])))
            seen[expansion, default: 0] += 1
            let parts = fields[2].split(separator: "|").map { $0.split(separator: " ").compactMap { Double($0) } }
            let head = parts[0], betas = parts[1], eta = parts[2][0]
            let d = head[0], order = Int(head[1]), point = Array(head.dropFirst(2))
            let b = try BetaFunctions(spec(.derivative2, regulator, expansion, d: d, order: order))
            XCTAssertEqual(point.count, b.count)
            let values = b.evaluate(point)
            for i in values.indices {
                assertRelativelyClose(values[i], betas[i], 1e-12, floor: 1e-12,
                                      "\(regulator) \(expansion) d=\(d) order \(order) β_\(b.couplingNames[i])")
            }
            assertRelativelyClose(try XCTUnwrap(b.anomalousDimension(at: point)), eta, 1e-12,
                                  "η \(regulator) \(expansion) d=\(d) order \(order)")
        }
        XCTAssertEqual(seen, [.zero: 16, .minimum: 16])
    }

    /// With `z ≡ 1` the potential's flow is the normalized Polchinski LPA plus the field-dimension
    /// term `(η/2) φ v′` (`η m v̄_{2m}` in `β_{2m}`), and `η = σ v″(0)²` (about zero) or
    /// `σ v″(φ₀)² = σ (2κ̄λ̄2)²` (about the minimum): Litim's cutoff (σ = 0) is the LPA exactly.
    func testLPALimitWithoutFieldDependentZ() throws {
        var rng = SplitMix64(state: 19)
        for regulator in [RegulatorKind.litim, .exponential] {
            let sigma = regulator == .litim ? 0.0 : 2.0
            for expansion in [ExpansionPoint.zero, .minimum] {
                for (d, order) in [(3.0, 6), (2.5, 8)] {
                    let full = try BetaFunctions(spec(.derivative2, regulator, expansion, d: d, order: order))
                    let lpa = try BetaFunctions(TruncationSpec(scheme: .polchinski, expansion: expansion, dimension: d, order: order))
                    let n = lpa.count
                    XCTAssertEqual(Array(full.couplingNames.prefix(n)), lpa.couplingNames)
                    for _ in 0..<10 {
                        var u = (0..<n).map { _ in rng.uniform(-1, 1) }
                        if expansion == .minimum { u[0] = rng.uniform(0.1, 2); u[1] = rng.uniform(0.2, 1) }
                        let withZ = u + [Double](repeating: 0, count: full.count - n)
                        let eta = try XCTUnwrap(full.anomalousDimension(at: withZ))
                        let curvature = expansion == .zero ? u[0] : 2 * u[0] * u[1]
                        assertRelativelyClose(eta, sigma * curvature * curvature, 1e-12, floor: 1e-14)
                        let a = full.evaluate(withZ), b = lpa.evaluate(u)
                        for i in 0..<n {
                            // (η/2) φ v′ = η ρ u′: η m v̄_{2m} about zero; about the minimum it moves κ̄
                            // by −η κ̄ and adds η (κ̄ λ̄_{j+1} + j λ̄_j) to F^{(j)}(0), whose κ̄ λ̄_{j+1} the
                            // λ̄_{j+1} ∂_t κ̄ term cancels: η j λ̄_j.
                            let fieldTerm: Double
                            if expansion == .zero {
                                fieldTerm = eta * Double(i + 1) * u[i]
                            } else {
                                fieldTerm = i == 0 ? -eta * u[0] : eta * Double(i + 1) * u[i]
                            }
                            assertRelativelyClose(a[i], b[i] + fieldTerm, 1e-11, floor: 1e-12,
                                                  "\(regulator) \(expansion) d=\(d) β_\(lpa.couplingNames[i])")
                        }
                    }
                }
            }
        }
    }

    /// The exact Jacobian (through `η = N/D`) against finite differences.
    func testJacobianMatchesFiniteDifferences() throws {
        var rng = SplitMix64(state: 23)
        for (regulator, expansion) in [(RegulatorKind.exponential, ExpansionPoint.zero), (.exponential, .minimum), (.litim, .minimum)] {
            let b = try BetaFunctions(spec(.derivative2, regulator, expansion, d: 3, order: 6))
            for _ in 0..<4 {
                var u = (0..<b.count).map { _ in rng.uniform(-1, 1) }
                if expansion == .minimum { u[0] = rng.uniform(0.1, 2); u[1] = rng.uniform(0.2, 1) }
                let exact = b.jacobian(u)
                let numeric = finiteDifferenceJacobian({ b.evaluate($0) }, at: u)
                let scale = exact.map(abs).max()!
                for k in exact.indices {
                    XCTAssertEqual(exact[k], numeric[k], accuracy: 1e-7 * scale, "\(regulator) \(expansion) entry \(k)")
                }
            }
        }
        let prime = try BetaFunctions(spec(.lpaPrime, .exponential, .minimum, d: 3, order: 6))
        let u = [0.8, 0.5, 0.3]
        let exact = prime.jacobian(u), numeric = finiteDifferenceJacobian({ prime.evaluate($0) }, at: u)
        for k in exact.indices { XCTAssertEqual(exact[k], numeric[k], accuracy: 1e-7 * exact.map(abs).max()!) }
    }
}
