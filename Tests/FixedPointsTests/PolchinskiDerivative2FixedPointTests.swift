import Foundation
import XCTest
@testable import FixedPoints
import Truncation

/// Fixed points of the Polchinski equation at O(∂²) (`derivePolchinskiBeyondLPA`), about `φ = 0`.
///
/// In d = 3 the polynomial truncation about `φ = 0` does not converge (as for the Polchinski LPA,
/// whose d = 3 exponents frg takes from the full potential): with `c = e^{−y}` the Wilson–Fisher-like
/// point drifts with the order (`frg fixed-points --scheme polchinski --truncation derivative2
/// --regulator exponential --dimension 3 --convergence 4:20`: ν 0.467, 0.415, 0.389, 0.379, 0.375,
/// 0.378, 0.398 and η −0.009, 0.092, 0.262, 0.403, 0.507, 0.580, 0.629 at 2n = 4 … 16, lost at 18),
/// and about the minimum no such point is found. Near four dimensions it converges, which is where
/// these tests look.
final class PolchinskiDerivative2FixedPointTests: XCTestCase {
    private func wilsonFisher(_ spec: TruncationSpec) throws -> FixedPoint {
        let beta = try BetaFunctions(spec)
        var search = FixedPointSearch(region: TruncationStudies.defaultRegion(beta))
        search.starts = 400
        let points = try search.run(beta)
        // Near d = 4 with c = e^{−y} the point comes with a mirror partner (v̄2 < 0, see below):
        // the branch with v̄2 > 0 is the one that persists in the order down to d = 3.9.
        return try XCTUnwrap(points.first { $0.kind == .wilsonFisher && $0.couplings[0] > 0 }
                             ?? points.first { $0.kind == .wilsonFisher }, "\(points.map(\.kind))")
    }

    /// Litim's UV cutoff has `σ = 2c″(0)/c′(0)² = 0`: nothing sources `z − 1`, so the fixed point is
    /// the LPA's with `z ≡ 1, η = 0`, and its ν is the LPA ν (`½ + ε/12 + O(ε²)` near d = 4).
    func testLitimCutoffGivesTheLPAFixedPoint() throws {
        let d = 3.98, epsilon = 4 - 3.98
        let lpa = try wilsonFisher(TruncationSpec(scheme: .polchinski, dimension: d, order: 12))
        // Newton on the O(∂²) system from a start off z ≡ 1: it must come back to it.
        let beta = try BetaFunctions(TruncationSpec(scheme: .polchinski, truncation: .derivative2, dimension: d, order: 12))
        let start = lpa.couplings.map { 1.01 * $0 } + [Double](repeating: 1e-4, count: beta.count - lpa.couplings.count)
        let root = try newtonSolve(beta, from: start).get()
        let full = try analyzeFixedPoint(beta, at: root.root, residual: root.residual)
        XCTAssertEqual(full.kind, .wilsonFisher)
        for i in lpa.couplings.indices { XCTAssertEqual(full.couplings[i], lpa.couplings[i], accuracy: 1e-10) }
        for z in full.couplings.dropFirst(lpa.couplings.count) { XCTAssertEqual(z, 0, accuracy: 1e-12) }
        XCTAssertEqual(try XCTUnwrap(full.eta), 0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(full.nu), try XCTUnwrap(lpa.nu), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(full.nu), 0.5 + epsilon / 12, accuracy: epsilon * epsilon)
    }

    /// With `c = e^{−y}` (γ = d/2, σ = 2). Hand analysis at d = 4 − ε: `z − 1 = O(v²)` solves
    /// `φ z′ − z″ + η = σ v″²`, giving `z = 1 + (s/2) φ² + (s/4) φ⁴` with `s = σ v̄4²/4` and `η = 2σ v̄2²`;
    /// fed back by `−γ(z − 1)` it adds `−(3/2) γ σ v̄4²` to `β_4`, whose LPA part (with
    /// `v̄6 = −10 v̄4²`, `v̄2 = −v̄4/2`) is `v̄4(−ε + 6 v̄4)`. For this cutoff `γσ = 4` at d = 4: the two
    /// cancel, the O(ε²) balance is lost and the point bifurcates like `√ε` (with a mirror partner)
    /// instead of `ε`, so η ∝ v̄2² is O(ε), not O(ε²) — the O(∂²) Polchinski truncation is not exact at
    /// O(ε) (cf. O'Dwyer and Osborn, arXiv:0708.2697). Measured (frg fixed-points … --order 12):
    /// ε = 0.01: v̄2 = 0.00418, ν = 0.500443, η = 8.22e-5; ε = 0.04: v̄2 = 0.00734, ν = 0.501731,
    /// η = 3.00e-4 (LPA: ν = 0.501689). The tests assert the scaling exponents, with margins that
    /// separate √ε (½) from ε (1), and convergence in the order.
    func testExponentialCutoffNearFourDimensions() throws {
        var points: [Double: FixedPoint] = [:]
        for epsilon in [0.01, 0.04] {
            let spec = TruncationSpec(scheme: .polchinski, truncation: .derivative2, dimension: 4 - epsilon,
                                      order: 12, regulator: .exponential)
            let wf = try wilsonFisher(spec)
            points[epsilon] = wf
            XCTAssertGreaterThan(try XCTUnwrap(wf.eta), 0)
            XCTAssertGreaterThan(try XCTUnwrap(wf.nu), 0.5)
            // Converged in the order: φ^12 → φ^16 moves ν by far less than its distance from ½.
            let steps = try TruncationStudies.followInOrder(wf, of: spec, to: 16)
            let last = try XCTUnwrap(steps.last?.fixedPoint)
            XCTAssertEqual(try XCTUnwrap(last.nu), try XCTUnwrap(wf.nu), accuracy: 0.05 * (wf.nu! - 0.5))
            XCTAssertEqual(try XCTUnwrap(last.eta), try XCTUnwrap(wf.eta), accuracy: 0.05 * wf.eta!)
        }
        let small = try XCTUnwrap(points[0.01]), large = try XCTUnwrap(points[0.04])
        let couplingExponent = log(large.couplings[0] / small.couplings[0]) / log(4)
        XCTAssertGreaterThan(couplingExponent, 0.25)
        XCTAssertLessThan(couplingExponent, 0.75)
        let etaExponent = log(large.eta! / small.eta!) / log(4)
        XCTAssertGreaterThan(etaExponent, 0.6)
        XCTAssertLessThan(etaExponent, 1.4)
    }
}
