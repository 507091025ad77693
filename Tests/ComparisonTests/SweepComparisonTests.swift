import Foundation
import GaussNet
import XCTest
@testable import Comparison

/// Theory against measurement on small, fast sweeps (debug build: a few seconds).
final class SweepComparisonTests: XCTestCase {
    /// Four equally spaced inputs (84 six-point combinations instead of 462: a fast analysis), wide
    /// enough that the combinations differ; σ_b = 0.5 keeps the e^{b0} tail mild, and the
    /// conditional estimator integrates W1, b1 out exactly (unbiased, smaller variance).
    /// 2000 networks per bag give the 1/N² test below its power: the wrong law's χ² grows with the
    /// number of networks (≈ 25 at 300 per bag — too close to the p = 1e-6 threshold χ²₃ ≈ 31 to be
    /// a reliable rejection — and 256 at 2000 for this seed).
    static let base = SamplerSettings(sigmaB: 0.5, width: 2, inputs: [[-0.3], [-0.1], [0.1], [0.3]],
                                      netsPerBag: 2000, bags: 16, seed: 7, estimator: .conditional)

    static func widthSweep() throws -> SweepResult {
        try Sweep(base: base, variable: .width, values: [2, 3, 4, 6]).run()
    }

    /// Acceptance band for "χ²/dof consistent with 1": the central 99.8 % of the χ² distribution with
    /// k degrees of freedom, i.e. 0.001 ≤ P(χ²_k ≥ χ²) ≤ 0.999. For k = 4 that is
    /// 0.091 ≤ χ² ≤ 18.47, χ²/dof ∈ [0.023, 4.62].
    func assertConsistent(_ c: TheoryComparison, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThanOrEqual(c.pValue, 0.001, "\(what): χ² = \(c.chiSquared) / \(c.degreesOfFreedom)", file: file, line: line)
        XCTAssertLessThanOrEqual(c.pValue, 0.999, "\(what): χ² = \(c.chiSquared) / \(c.degreesOfFreedom) suspiciously small", file: file, line: line)
    }

    func testAcceptanceBandQuantiles() {
        // The band quoted above: P(χ²_4 ≥ 18.467) = 0.001, P(χ²_4 ≥ 0.0908) = 0.999.
        XCTAssertEqual(chiSquaredSurvival(18.4668, degreesOfFreedom: 4), 0.001, accuracy: 1e-6)
        XCTAssertEqual(chiSquaredSurvival(0.090804, degreesOfFreedom: 4), 0.999, accuracy: 1e-6)
    }

    /// The exact finite-width formula against the sampler: χ²/dof consistent with 1 for u4 and
    /// ⟨|m_4|⟩; the right 1/N law passes, a wrong slope (1/N²) is rejected with a large χ².
    func testExactTheoryConsistentAndWrongSlopeRejected() throws {
        let result = try Self.widthSweep()
        XCTAssertEqual(result.measurements.map(\.settings.width), [2, 3, 4, 6])
        // Points are statistically independent: each has its own seed.
        XCTAssertEqual(Set(result.measurements.map(\.settings.seed)).count, 4)
        let u4 = try TheoryBuilder.study(result, observable: .u4)
        let exact = try XCTUnwrap(u4.theories.first)
        XCTAssertEqual(exact.comparison.theory, "exact finite-N")
        XCTAssertEqual(exact.comparison.degreesOfFreedom, 4)
        assertConsistent(exact.comparison, "u4 exact")
        XCTAssertTrue(exact.consistent)
        let m4 = try TheoryBuilder.study(result, observable: .m4)
        assertConsistent(m4.theories[0].comparison, "⟨|m_4|⟩ exact")

        // u4 ∝ 1/N exactly at every N (G_c^(4) carries 1/N): the law with amplitude fitted passes.
        let law = try XCTUnwrap(u4.theories.first { $0.exponent == -1 })
        assertConsistent(law.comparison, "u4 ∝ 1/N")
        let fit = try XCTUnwrap(u4.fit)
        XCTAssertEqual(fit.exponent, -1, accuracy: 4 * fit.exponentError)

        // Wrong slope: u4 ∝ 1/N², amplitude fitted the same way.
        let x = result.x, measured = result.measurements.map(Observable.u4.measured)
        let a = TheoryBuilder.fixedExponentAmplitude(x: x, y: measured, exponent: -2)
        let wrong = try TheoryComparison(theory: "u4 ∝ 1/N²", x: x, measured: measured,
                                         predicted: x.map { a * pow($0, -2) }, fittedParameters: 1)
        XCTAssertLessThan(wrong.pValue, 1e-6, "χ² = \(wrong.chiSquared)")
        XCTAssertGreaterThan(wrong.reducedChiSquared, 10)
        XCTAssertTrue(TheoryBuilder.verdict(wrong, exponent: -2, fit: fit).hasPrefix("DISAGREES"))
        // The exact values scaled by the wrong power of N are rejected too (a normalization test of
        // the pulls: the same shape, off by N).
        let off = try TheoryComparison(theory: "exact × 2/N", x: x, measured: measured,
                                       predicted: zip(x, u4.exact).map { 2 * $1 / $0 }, fittedParameters: 0)
        XCTAssertLessThan(off.pValue, 1e-6)
    }

    /// A cached measurement is reused without calling the sampler; a changed setting resamples;
    /// `threads` (which never changes the numbers) does not. The cache is the bag store of
    /// `frg sample`; the counting executor sees every bag actually sampled.
    func testCacheReusesAndInvalidates() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frg-cache-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        /// Counts measurements that needed sampling, and bags sampled.
        final class Counter: BagExecutor {
            var calls = 0, bags = 0
            func run(_ sampler: GaussNetSampler, bags indices: [Int], finished: (BagResult) throws -> Void) throws {
                calls += 1
                bags += indices.count
                try LocalBagExecutor().run(sampler, bags: indices, finished: finished)
            }
        }
        let counter = Counter()
        let store = DirectoryBagStore(root: directory)
        func measurement(for settings: SamplerSettings) throws -> (measurement: GaussNet.Measurement, reused: Bool) {
            let outcome = try EnsembleJob(settings: settings, store: store, executor: counter).run()
            return (outcome.measurement, outcome.reused)
        }
        var s = Self.base
        s.netsPerBag = 50
        s.bags = 4
        let (first, reused1) = try measurement(for: s)
        XCTAssertFalse(reused1)
        XCTAssertEqual(counter.calls, 1)
        XCTAssertEqual(counter.bags, 4)
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.folder(for: s).appendingPathComponent("bag-0003.json").path))

        let (second, reused2) = try measurement(for: s)
        XCTAssertTrue(reused2)
        XCTAssertEqual(counter.calls, 1, "the cached measurement must not be resampled")
        XCTAssertEqual(second, first)

        var threads = s
        threads.threads = 1
        XCTAssertTrue(try measurement(for: threads).reused)
        XCTAssertEqual(counter.calls, 1)

        for change in [{ (t: inout SamplerSettings) in t.seed += 1 }, { $0.width = 3 }, { $0.sigmaB = 0.6 },
                       { $0.estimator = .direct }, { $0.netsPerBag = 51 }] {
            var changed = s
            change(&changed)
            let before = counter.calls
            let (m, reused) = try measurement(for: changed)
            XCTAssertFalse(reused)
            XCTAssertEqual(counter.calls, before + 1)
            XCTAssertEqual(m.settings.seed, changed.seed)
            XCTAssertTrue(try measurement(for: changed).reused)
        }

        // A folder whose recorded settings do not match its name (corrupt or hand-edited) is resampled.
        let url = store.folder(for: s).appendingPathComponent("settings.json")
        var tampered = s
        tampered.width = 99
        try JSONEncoder().encode(tampered).write(to: url)
        let before = (counter.calls, counter.bags)
        XCTAssertFalse(try measurement(for: s).reused)
        XCTAssertEqual(counter.calls, before.0 + 1)
        XCTAssertEqual(counter.bags, before.1 + 4)

        // A killed measurement resumes bag by bag: remove one bag, only that one is sampled.
        try FileManager.default.removeItem(at: store.folder(for: s).appendingPathComponent("bag-0001.json"))
        let bagsBefore = counter.bags
        XCTAssertEqual(try measurement(for: s).measurement, first)
        XCTAssertEqual(counter.bags, bagsBefore + 1)

        // A sweep through the cache: second run samples nothing.
        let sweep = try Sweep(base: s, variable: .width, values: [2, 3, 4])
        let run1 = try sweep.run(store: store, executor: counter)
        let calls = counter.calls
        let run2 = try sweep.run(store: store, executor: counter)
        XCTAssertEqual(counter.calls, calls)
        XCTAssertEqual(run2.reusedCount, 3)
        XCTAssertEqual(run2.measurements, run1.measurements)
    }

    /// The active flow on a σ_W sweep: the raw measured u4 falls as σ_W^{d−4} = σ_W^{−3} (d = 1),
    /// so the paper's law (σ_W^{+3}) applied to it is rejected with the slope named, while the
    /// normalized λ4 = u4/Z² rises as σ_W^{+3}.
    func testActiveFlowLawsOnSigmaSweep() throws {
        var s = SamplerSettings(sigmaB: 0.5, width: 4, netsPerBag: 100, bags: 6, seed: 3, estimator: .marginal)
        s.inputs = SamplerSettings.paperInputs
        let result = try Sweep(base: s, variable: .sigmaW, values: [1, 2, 4, 8]).run()
        let u4 = try TheoryBuilder.study(result, observable: .u4)
        let fit = try XCTUnwrap(u4.fit)
        XCTAssertEqual(fit.exponent, -3, accuracy: 0.01)
        let paper = try XCTUnwrap(u4.theories.first { $0.comparison.theory.contains("paper") })
        XCTAssertEqual(paper.exponent, 3)
        XCTAssertFalse(paper.consistent)
        XCTAssertTrue(paper.verdict.contains("slope: theory +3"), paper.verdict)
        XCTAssertEqual(paper.comparison.rows.count, 3, "the anchor point is not part of the χ²")
        // Anchored on the first measurement: the curve starts there.
        XCTAssertEqual(paper.curve.y[0], u4.measured[0].value, accuracy: 1e-9 * abs(u4.measured[0].value))
        let raw = try XCTUnwrap(u4.theories.first { $0.comparison.theory.contains("raw") })
        XCTAssertTrue(raw.verdict.contains("slope agrees"), raw.verdict)

        let lambda = try TheoryBuilder.study(result, observable: .lambda4)
        XCTAssertEqual(try XCTUnwrap(lambda.fit).exponent, 3, accuracy: 0.01)
        let ratio = lambda.measured[1].value / u4.measured[1].value
        let z = kernelNormalizationForTest(sigmaW: 2)
        XCTAssertEqual(ratio, 1 / (z * z), accuracy: 1e-12 / (z * z))
        XCTAssertEqual(result.measurements[1].settings.makeArchitecture().wavefunctionNormalization!, z, accuracy: 1e-15 * z)
    }

    /// Issue 16: a chosen passiveFlow.u6 the flow cannot start from aborted the whole compare with a
    /// bare CVODE error. Beyond double precision at the start it is the user's input to change:
    /// `SweepError.passiveStart`, which frg compare reports at the key.
    func testPassiveFlowFromAnUnrepresentableU6IsTheUsersInput() throws {
        var s = SamplerSettings(sigmaB: 0.5, width: 4, netsPerBag: 50, bags: 4, seed: 3, estimator: .marginal)
        s.inputs = SamplerSettings.paperInputs
        let result = try Sweep(base: s, variable: .sigmaW, values: [1, 2, 4]).run()
        XCTAssertThrowsError(try TheoryBuilder.study(result, observable: .u4, passive: PassiveMapping(u6: 1e300))) {
            guard case let .passiveStart(u6, reason)? = $0 as? SweepError else { return XCTFail("\($0)") }
            XCTAssertEqual(u6, 1e300)
            XCTAssertTrue(reason.contains("exceeds 1e300"), reason)
            XCTAssertEqual(($0 as? SweepError)?.category, .invalidInput)
        }
        // The measured u6 (no chosen value) starts it: the theory is there.
        XCTAssertNoThrow(try TheoryBuilder.study(result, observable: .u4, passive: PassiveMapping()))
    }

    func kernelNormalizationForTest(sigmaW: Double) -> Double {
        // Z = (d/2) σ_W^{d−4} (2πd)^{−d/2}, d = 1 (docs/conventions.md).
        0.5 * pow(sigmaW, -3) / (2 * Double.pi).squareRoot()
    }

    /// A cutoff sweep of the ReLU-net at σ_b = 0 with positive inputs (d = 1): `N_K ∝ Λ⁵`
    /// (`ActivationNetTests.testCutoffIntegralsAgainstClosedForms`), so the exact u4 at every point
    /// is `(Λ/Λ_0)^{−5}` times the first (1e-12: products of closed forms), and the measured one
    /// follows with the free fit's exponent within 4 of its standard errors of −5. Each point is
    /// sampled with its own seed, so the points are independent.
    func testCutoffSweepOfReLU() throws {
        let s = SamplerSettings(architecture: .reluNet, sigmaW: 1, sigmaB: 0, width: 2, inputs: [[0.2], [0.6], [1.0]],
                                netsPerBag: 2000, bags: 8, seed: 11)
        let result = try Sweep(base: s, variable: .cutoff, values: [0.5, 1, 2, 4]).run()
        XCTAssertEqual(result.measurements.map(\.settings.cutoff), [0.5, 1, 2, 4])
        XCTAssertEqual(Set(result.measurements.map(\.settings.seed)).count, 4)
        let u4 = try TheoryBuilder.study(result, observable: .u4)
        XCTAssertEqual(u4.variable, .cutoff)
        for i in 1..<4 {
            let expected = pow(result.x[i] / result.x[0], -5)
            XCTAssertEqual(u4.exact[i] / u4.exact[0], expected, accuracy: 1e-12 * expected)
        }
        let fit = try XCTUnwrap(u4.fit, u4.fitNote)
        XCTAssertEqual(fit.exponent, -5, accuracy: 4 * fit.exponentError, "p = \(fit.exponent) ± \(fit.exponentError)")
        XCTAssertTrue(u4.theories.contains { $0.curve.id == "fit" })
        XCTAssertEqual(TheoryBuilder.observables(for: .cutoff), [.u4, .u6])
    }

    func testSweepRejectsBadValues() {
        XCTAssertThrowsError(try Sweep(base: Self.base, variable: .width, values: [2, 3])) {
            XCTAssertEqual($0 as? SweepError, .tooFewValues(2))
        }
        XCTAssertThrowsError(try Sweep(base: Self.base, variable: .width, values: [2, 2.5, 3])) {
            XCTAssertEqual($0 as? SweepError, .invalidValue(2.5, .width))
        }
        XCTAssertThrowsError(try Sweep(base: Self.base, variable: .sigmaW, values: [1, 2, 2])) {
            XCTAssertEqual($0 as? SweepError, .duplicateValue(2))
        }
    }
}
