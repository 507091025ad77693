import Dispatch
import Foundation
import XCTest
@testable import Truncation

/// The symbolic derivation is independent of `d` and of the regulator and is done once per key
/// and process; every `BetaFunctions` after the first only compiles. (LPA systems evaluate by
/// power series and derive only on demand, so these tests ask for the compiled tables.)
///
/// The counts are per key and process-wide, so these tests hold whichever test derived a key
/// first: a key is derived exactly once, never again.
final class DerivationCacheTests: XCTestCase {
    private func derivations(_ spec: TruncationSpec) -> Int {
        DerivationCounter.shared.count(for: spec.derivationKey)
    }

    /// PHYSICS.md §1 at a dimension no other test uses, from the system derived for d = 3.
    func testNewDimensionCompilesWithoutDerivingAndMatchesClosedForm() throws {
        _ = try BetaFunctions(TruncationSpec(dimension: 3, order: 6), evaluation: .tables)
        let d = 1.73
        let spec = TruncationSpec(dimension: d, order: 6)
        XCTAssertEqual(derivations(spec), 1)
        let beta = try BetaFunctions(spec, evaluation: .tables)
        XCTAssertEqual(derivations(spec), 1, "a new d must not derive again")

        let kd = independentKd(d)
        func closedForm(_ u: [Double]) -> [Double] {
            let a = 1 + u[0]
            return [
                -2 * u[0] - kd * u[1] / (a * a),
                -(4 - d) * u[1] - kd * u[2] / (a * a) + 6 * kd * u[1] * u[1] / (a * a * a),
                -(6 - 2 * d) * u[2] + 30 * kd * u[1] * u[2] / (a * a * a) - 90 * kd * pow(u[1], 3) / pow(a, 4),
            ]
        }
        XCTAssertEqual(beta.ballVolumeFactor, kd, accuracy: 1e-15 * kd)
        for (got, expected) in zip(beta.canonicalDimensions, [2, 4 - d, 6 - 2 * d]) { XCTAssertEqual(got, expected, accuracy: 1e-15) }
        var rng = SplitMix64(state: 11)
        for _ in 0..<100 {
            let u = [rng.uniform(-0.6, 2), rng.uniform(-3, 3), rng.uniform(-10, 10)]
            let got = beta.evaluate(u), expected = closedForm(u)
            // The terms can cancel: compare against the largest one.
            let a = 1 + u[0]
            let scale = max(6 * abs(u[2]), 100 * kd * max(1, pow(abs(u[1]), 3), abs(u[1] * u[2]), abs(u[2])) / pow(a, 4))
            for i in 0..<3 { XCTAssertEqual(got[i], expected[i], accuracy: 1e-14 * scale, "β\(2 * i + 2) at \(u)") }
            // The cached symbolic Jacobian, compiled at the new d, against the closed form's.
            let jacobian = beta.jacobian(u), reference = finiteDifferenceJacobian(closedForm, at: u)
            for k in 0..<9 { XCTAssertEqual(jacobian[k], reference[k], accuracy: 1e-7 * scale, "J[\(k)] at \(u)") }
        }
    }

    /// Litim and the exponential regulator share one derivation: the regulator enters only as the
    /// quadrature of the threshold atoms. Order 4 about φ = 0, from `ℓ(w + δ) = A_1 − A_2 δ + A_3 δ² − …`
    /// with `δ = ū4 φ²/2`: `β2 = −2ū2 − A_2(ū2) ū4`, `β4 = −(4 − d)ū4 + 6 A_3(ū2) ū4²`.
    func testRegulatorIsNotPartOfTheDerivation() throws {
        let d = 2.9
        let litim = try BetaFunctions(TruncationSpec(dimension: d, order: 4), evaluation: .tables)
        let count = derivations(litim.spec)
        let exponential = try BetaFunctions(TruncationSpec(dimension: d, order: 4, regulator: .exponential), evaluation: .tables)
        XCTAssertEqual(derivations(exponential.spec), count)
        XCTAssertEqual(count, 1)

        let rule = try ExponentialRegulator().thresholdQuadrature(.loop, dimension: d)
        for u in [[-0.3, 1.7], [0.4, -2.0], [0.0, 5.0]] {
            let got = exponential.evaluate(u)
            assertRelativelyClose(got[0], -2 * u[0] - rule.value(power: 2, at: u[0]) * u[1], 1e-13, floor: 1e-12)
            assertRelativelyClose(got[1], -(4 - d) * u[1] + 6 * rule.value(power: 3, at: u[0]) * u[1] * u[1], 1e-13, floor: 1e-12)
            // The two regulators give different flows from the same symbols.
            XCTAssertGreaterThan(abs(got[1] - litim.evaluate(u)[1]), 1e-3 * abs(got[1]))
        }
        // Beyond the LPA the p² projection of a regulator without closed forms keeps r' and r''
        // inside the y integrals: a derivation of its own (one per key), not Litim's recompiled.
        let primeLitim = TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: d, order: 4)
        var primeExponential = primeLitim
        primeExponential.regulator = .exponential
        XCTAssertNotEqual(primeLitim.derivationKey, primeExponential.derivationKey)
        _ = try BetaFunctions(primeLitim)
        _ = try BetaFunctions(primeExponential)
        primeExponential.dimension = 3.1
        _ = try BetaFunctions(primeExponential)
        XCTAssertEqual(derivations(primeLitim), 1)
        XCTAssertEqual(derivations(primeExponential), 1)
    }

    /// The couplings of a truncation without a compiled system: the same descriptors, from the
    /// same (single) derivation.
    func testCouplingsWithoutCompiling() throws {
        let spec = TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: 2.2, order: 12)
        let couplings = try BetaFunctions.couplings(for: spec)
        XCTAssertEqual(couplings.map(\.role), [.minimumLocation] + (2...6).map { .potentialAtMinimum(derivative: $0) })
        XCTAssertEqual(try BetaFunctions(spec).couplings, couplings)
        XCTAssertEqual(derivations(spec), 1)
        XCTAssertThrowsError(try BetaFunctions.couplings(for: TruncationSpec(dimension: 3, order: 5)))
    }

    /// Many threads asking at once for a key nobody has derived: one derivation, and each thread's
    /// system gives bit for bit what a serially built one gives at its d.
    func testConcurrentFirstRequestsDeriveOnce() throws {
        let base = TruncationSpec(scheme: .polchinski, expansion: .minimum, dimension: 3, order: 40)
        let dimensions = (0..<8).map { 2 + 0.25 * Double($0) }
        let point = [0.8, 0.3] + (3...20).map { 0.1 / Double($0) }
        let results = UnsafeMutableBufferPointer<[Double]?>.allocate(capacity: dimensions.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: dimensions.count) { i in
            var spec = base
            spec.dimension = dimensions[i]
            results[i] = (try? BetaFunctions(spec, evaluation: .tables))?.evaluate(point)
        }
        XCTAssertEqual(derivations(base), 1)
        for (i, d) in dimensions.enumerated() {
            var spec = base
            spec.dimension = d
            let serial = try BetaFunctions(spec, evaluation: .tables).evaluate(point)
            XCTAssertEqual(try XCTUnwrap(results[i]), serial, "d = \(d)")
        }
        XCTAssertEqual(derivations(base), 1)
    }
}
