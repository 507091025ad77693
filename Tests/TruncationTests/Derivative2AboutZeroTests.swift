import Foundation
import XCTest
@testable import Truncation

/// derivative2 expanded about `φ = 0` (Wetterich, Litim): couplings `ū2 … ū2n` of U and
/// `z̄1 … z̄_{n−1}` of `Z(ρ̄) = 1 + Σ z̄_j ρ̄^j/j!`, normalization `z(0) = 1`.
final class Derivative2AboutZeroTests: XCTestCase {
    private func beta(d: Double, order: Int) throws -> BetaFunctions {
        try BetaFunctions(TruncationSpec(truncation: .derivative2, expansion: .zero, dimension: d, order: order))
    }

    func testCouplingsAndHeader() throws {
        let b = try beta(d: 3, order: 8)
        XCTAssertEqual(b.couplingNames, ["u2", "u4", "u6", "u8", "z1", "z2", "z3"])
        XCTAssertTrue(b.hasAnomalousDimension)
        XCTAssertEqual(b.index(of: .wavefunction(derivative: 2)), 5)
        let text = b.equations(format: .text)
        XCTAssertTrue(text.contains("z(0) = 1"), text)
        // LPA′ has no Z′(0), so its η about φ = 0 vanishes identically: still refused, with that reason.
        XCTAssertThrowsError(try BetaFunctions(TruncationSpec(truncation: .lpaPrime, expansion: .zero, dimension: 3, order: 6))) {
            XCTAssertTrue("\($0)".contains("η ≡ 0"))
        }
        // At φ² there is no z1 yet: refused, not derived without Z.
        XCTAssertThrowsError(try BetaFunctions(TruncationSpec(truncation: .derivative2, expansion: .zero, dimension: 3, order: 2)))
    }

    /// At `ρ̄ = 0` only the tadpole with `Z_φφ(0) = z̄1` survives in `∂_t z(0)`:
    /// `0 = η − z̄1 K_d (1 − η/(d+2))/(1+ū2)²`, so `η = z̄1 A/(1 + z̄1 A/(d+2))`, `A = K_d/(1+ū2)²`.
    /// Exact for every order (the higher couplings do not reach ρ̄ = 0), to rounding.
    func testAnomalousDimensionFromTheTadpole() throws {
        var rng = SplitMix64(state: 5)
        for d in [3.0, 2.4, 3.7] {
            for order in [4, 8] {
                let b = try beta(d: d, order: order)
                for _ in 0..<10 {
                    let u = (0..<b.count).map { i in i == 0 ? rng.uniform(-0.5, 1) : rng.uniform(-10, 10) }
                    let z1 = u[b.index(of: .wavefunction(derivative: 1))!]
                    let a = independentKd(d) / pow(1 + u[0], 2)
                    let expected = z1 * a / (1 + z1 * a / (d + 2))
                    assertRelativelyClose(try XCTUnwrap(b.anomalousDimension(at: u)), expected, 1e-13)
                }
            }
        }
    }

    /// With `z ≡ 1` (all `z̄_j = 0`) η vanishes and U's flow is the LPA about φ = 0 exactly
    /// (same couplings, same equations: the field dimension and regulator insertion lose their η).
    func testReducesToLPAWithoutFieldDependentZ() throws {
        var rng = SplitMix64(state: 11)
        for d in [3.0, 2.5] {
            for order in [4, 6, 10] {
                let full = try beta(d: d, order: order)
                let lpa = try BetaFunctions(TruncationSpec(expansion: .zero, dimension: d, order: order))
                let n = lpa.count
                XCTAssertEqual(Array(full.couplingNames.prefix(n)), lpa.couplingNames)
                for _ in 0..<10 {
                    let u = (0..<n).map { i in i == 0 ? rng.uniform(-0.5, 1) : rng.uniform(-20, 20) }
                    let withZ = u + [Double](repeating: 0, count: full.count - n)
                    let a = full.evaluate(withZ), b = lpa.evaluate(u)
                    for i in 0..<n { assertRelativelyClose(a[i], b[i], 1e-12, floor: 1e-12, "β_\(lpa.couplingNames[i])") }
                    XCTAssertEqual(try XCTUnwrap(full.anomalousDimension(at: withZ)), 0)
                }
            }
        }
    }

    /// The beta functions and η against the independent sympy derivation
    /// (`scripts/derivative2-sympy.py`, output recorded in `scripts/derivative2-sympy.out`): it works
    /// in φ rather than ρ̄, expands `G(p+q)` in `p` itself and does the φ series and the `y`
    /// integrals in exact rationals; printed at 25 digits. Tolerance 1e-12 relative: the compiled
    /// tables sum a few hundred double-precision terms of mixed sign (the largest cancellation at
    /// these points is below a factor 100).
    func testAgainstSympyDerivation() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/derivative2-sympy.out")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(lines.count, 8)
        for line in lines {
            let parts = line.split(separator: "|").map { $0.split(separator: " ").compactMap { Double($0) } }
            let head = parts[0], betas = parts[1], eta = parts[2][0]
            let d = head[0], order = Int(head[1]), point = Array(head.dropFirst(2))
            let b = try beta(d: d, order: order)
            XCTAssertEqual(point.count, b.count)
            let values = b.evaluate(point)
            for i in values.indices {
                assertRelativelyClose(values[i], betas[i], 1e-12, floor: 1e-12, "d=\(d) order \(order) β_\(b.couplingNames[i])")
            }
            assertRelativelyClose(try XCTUnwrap(b.anomalousDimension(at: point)), eta, 1e-12, "η d=\(d) order \(order)")
        }
    }

    /// The exact Jacobian (chain rule through `η = N/D` included) against finite differences.
    func testJacobianMatchesFiniteDifferences() throws {
        var rng = SplitMix64(state: 3)
        for (d, order) in [(3.0, 4), (3.0, 6), (2.6, 8)] {
            let b = try beta(d: d, order: order)
            for _ in 0..<4 {
                let u = (0..<b.count).map { i in i == 0 ? rng.uniform(-0.4, 0.5) : rng.uniform(-5, 5) }
                let exact = b.jacobian(u)
                let numeric = finiteDifferenceJacobian({ b.evaluate($0) }, at: u)
                let scale = exact.map(abs).max()!
                for k in exact.indices {
                    XCTAssertEqual(exact[k], numeric[k], accuracy: 1e-7 * scale, "d=\(d) order \(order) entry \(k)")
                }
            }
        }
    }
}
