import Diagnostics
import Foundation
import XCTest
@testable import GaussNet

/// Statistical tests of the sampler against exact formulas. Seeds are fixed, so each test is
/// deterministic; the comments give the probability that a *correct* sampler would fail for a
/// random seed. Bag-to-bag standard errors with B bags follow Student's t with B − 1 degrees of
/// freedom; with B = 16, P(|t| > 4) = 0.1 %.
///
/// Heavy tails (PHYSICS.md §2): the variance of the four-point estimator involves E[g⁸] ∝ e^{24σ_b²},
/// which at σ_b = 1 is 2.6e10 — far beyond what a debug-build test can sample. The statistical tests
/// use σ_b ≤ 0.5 (e^{6} = 400), where 1e5 networks resolve G_c^(4) at the 10σ level.
final class SamplerTests: XCTestCase {
    /// Inputs spread enough that the correlators vary across combinations (σ_W Δx ≈ 0.5), small
    /// enough that the Gauss-net's W0 tail stays benign: the six-point estimator's variance involves
    /// E[g¹²] ∝ exp(60 σ_W² x² + 60 σ_b²), e^{8} here rather than e^{22} at x = 0.4.
    let points: [[Double]] = [[-0.15], [0.05], [0.2]]

    func settings(_ arch: ArchitectureKind = .gaussNet, width: Int, sigmaW: Double = 1, sigmaB: Double = 0.5,
                  nets: Int, bags: Int = 16, seed: UInt64 = 3, threads: Int = 2,
                  estimator: Estimator = .direct, inputs: [[Double]]? = nil) -> SamplerSettings {
        SamplerSettings(architecture: arch, inputDimension: (inputs ?? points)[0].count, sigmaW: sigmaW,
                        sigmaB: sigmaB, width: width, inputs: inputs ?? points, netsPerBag: nets,
                        bags: bags, seed: seed, threads: threads, estimator: estimator)
    }

    func sample(_ s: SamplerSettings) throws -> GaussNet.Measurement {
        try GaussNetSampler(settings: s).run()
    }

    /// Pull (measured − expected)/error for each combination. The error includes a floating-point
    /// floor of 1e-12 relative: the marginal estimator can be exact up to rounding (e.g. G^(2)(x,x)).
    func assertPulls(_ measured: [Double], _ errors: [Double], _ expected: [Double], limit: Double,
                     _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        for k in measured.indices {
            let floor = 1e-12 * abs(expected[k])
            let error = (errors[k] * errors[k] + floor * floor).squareRoot()
            let pull = (measured[k] - expected[k]) / error
            XCTAssert(error > 0 && abs(pull) < limit,
                      "\(label)[\(k)]: \(measured[k]) vs \(expected[k]) ± \(errors[k]) (pull \(pull))",
                      file: file, line: line)
        }
    }

    /// G^(2) = K at every width (the GP kernel is exact), several (N, σ_W, σ_b), both architectures.
    /// Six two-point combinations per case, 16 bags: a correct sampler passes each 4σ check with
    /// probability 0.999, all 36 with ≈ 0.96 for a random seed; the fixed seeds pass.
    func testTwoPointEqualsKernel() throws {
        let cases: [(ArchitectureKind, Int, Double, Double)] = [
            (.gaussNet, 2, 1, 0.5), (.gaussNet, 10, 2, 0.3), (.gaussNet, 5, 0.7, 1.0),
            (.cosNet, 3, 1.5, 1.0), (.cosNet, 20, 1, 0.5), (.gaussNet, 1, 1, 0),
        ]
        for (arch, n, sW, sB) in cases {
            let m = try sample(settings(arch, width: n, sigmaW: sW, sigmaB: sB, nets: 2000))
            let two = m.correlator(order: 2)
            assertPulls(two.mean, two.standardError, two.gaussian, limit: 4, "G2 \(arch) N=\(n) σW=\(sW) σb=\(sB)")
            // m_2 ≈ 0: |m_2| is at the level of the relative background, not of 1/N.
            XCTAssertLessThan(two.meanAbsoluteRelativeDeviation, 4 * two.meanRelativeBackground / 4.0)
        }
    }

    /// Connected four-point function and u4 against the exact finite-width formula at N = 2, 3, for
    /// Gauss-net and Cos-net: 15 combinations each within 4 standard errors, and the combination
    /// average of u4 within 4 standard errors. 16 bags × 20 000 networks.
    func testFourPointMatchesExactFormula() throws {
        for (arch, n, sB) in [(ArchitectureKind.gaussNet, 2, 0.5), (.cosNet, 2, 1.0), (.gaussNet, 3, 0.3)] {
            let m = try sample(settings(arch, width: n, sigmaW: 1.5, sigmaB: sB, nets: 20000))
            let u4 = m.u4
            assertPulls(u4.connected, u4.connectedError, u4.exactConnected, limit: 4, "Gc4 \(arch) N=\(n)")
            assertPulls(u4.values, u4.standardErrors, u4.exact, limit: 4, "u4 \(arch) N=\(n)")
            let pull = (u4.mean - u4.exactMean) / u4.standardError
            XCTAssertLessThan(abs(pull), 4, "ū4 \(arch) N=\(n): \(u4.mean) ± \(u4.standardError) vs \(u4.exactMean)")
            // The test has power: the signal is many standard errors away from zero (and from the
            // Gaussian value), so a sampler that got G_c^(4) wrong by O(1) would fail.
            XCTAssertGreaterThan(abs(u4.exactMean) / u4.standardError, 6, "\(arch) N=\(n) lacks resolution")
        }
    }

    /// ⟨|m_4|⟩·N is flat in N: the exact value is N-independent, and the measured values at
    /// N = 2, 4, 8 agree with each other within the combined jackknife errors (4σ).
    func testRelativeFourPointDeviationScalesAsOneOverN() throws {
        var scaled: [(Double, Double)] = []
        for n in [2, 4, 8] {
            let m = try sample(settings(width: n, sigmaW: 1.5, sigmaB: 0.3, nets: 6000))
            let four = m.correlator(order: 4)
            scaled.append((four.meanAbsoluteRelativeDeviation * Double(n),
                           four.meanAbsoluteRelativeDeviationError * Double(n)))
            // And each agrees with the exact ⟨|m_4|⟩.
            let pull = (four.meanAbsoluteRelativeDeviation - four.exactMeanAbsoluteRelativeDeviation)
                / four.meanAbsoluteRelativeDeviationError
            XCTAssertLessThan(abs(pull), 4, "N = \(n): ⟨|m4|⟩ = \(four.meanAbsoluteRelativeDeviation) vs exact \(four.exactMeanAbsoluteRelativeDeviation)")
            XCTAssertLessThan(m.correlator(order: 2).meanAbsoluteRelativeDeviation, four.meanAbsoluteRelativeDeviation / 5)
        }
        for i in 0..<scaled.count {
            for j in (i + 1)..<scaled.count {
                let combined = (scaled[i].1 * scaled[i].1 + scaled[j].1 * scaled[j].1).squareRoot()
                XCTAssertLessThan(abs(scaled[i].0 - scaled[j].0), 4 * combined, "⟨|m4|⟩·N: \(scaled)")
            }
        }
    }

    /// The conditional estimator agrees with the exact G_c^(4) and with the exact G_c^(6) (it resolves
    /// six-point connected functions that the direct estimator cannot at this size), and its errors
    /// are smaller than the direct estimator's on the same networks count.
    func testConditionalEstimator() throws {
        let direct = try sample(settings(width: 2, sigmaW: 1.5, sigmaB: 0.3, nets: 10000))
        let conditional = try sample(settings(width: 2, sigmaW: 1.5, sigmaB: 0.3, nets: 10000, estimator: .conditional))
        let c4 = conditional.u4
        assertPulls(c4.connected, c4.connectedError, c4.exactConnected, limit: 4, "conditional Gc4")
        let c6 = conditional.u6
        assertPulls(c6.connected, c6.connectedError, c6.exactConnected, limit: 4, "conditional Gc6")
        assertPulls(conditional.correlator(order: 2).mean, conditional.correlator(order: 2).standardError,
                    conditional.correlator(order: 2).gaussian, limit: 4, "conditional G2")
        let ratio = zip(direct.u4.standardErrors, c4.standardErrors).map { $0 / $1 }
        XCTAssert(ratio.allSatisfy { $0 > 1 }, "direct/conditional error ratios \(ratio)")
        XCTAssertGreaterThan(abs(c6.exactConnected[0]) / c6.connectedError[0], 8, "Gc6 lacks resolution")
    }

    /// Equally spaced 1-d inputs take the batched path (two fastExp per neuron, powers of the ratio);
    /// it must agree with the exact formulas like the generic path does: G^(2) = K, G_c^(4), and for
    /// the conditional estimator G_c^(6), each combination within 4 standard errors.
    func testBatchedPathForEquallySpacedInputs() throws {
        let spaced: [[Double]] = [[-0.15], [0.0], [0.15]]
        let layer = GaussNetArchitecture(sigmaW: 1.5, sigmaB: 0.3, inputDimension: 1).hiddenLayer(inputs: spaced)
        XCTAssertNotNil(layer.progression)
        XCTAssertNotNil(GaussNetArchitecture(sigmaW: 1, sigmaB: 1, inputDimension: 1)
            .hiddenLayer(inputs: SamplerSettings.paperInputs).progression)
        XCTAssertNil(GaussNetArchitecture(sigmaW: 1, sigmaB: 1, inputDimension: 1).hiddenLayer(inputs: points).progression)
        for estimator in Estimator.allCases {
            let m = try sample(settings(width: 3, sigmaW: 1.5, sigmaB: 0.3, nets: 10000, estimator: estimator, inputs: spaced))
            let two = m.correlator(order: 2)
            assertPulls(two.mean, two.standardError, two.gaussian, limit: 4, "G2 batched \(estimator)")
            assertPulls(m.u4.connected, m.u4.connectedError, m.u4.exactConnected, limit: 4, "Gc4 batched \(estimator)")
            XCTAssertGreaterThan(abs(m.u4.exactMean) / m.u4.standardError, 6)
            if estimator != .direct {
                assertPulls(m.u6.connected, m.u6.connectedError, m.u6.exactConnected, limit: 4, "Gc6 batched \(estimator)")
            }
        }
    }

    /// The marginal estimator at the paper's setting (σ_W = σ_b = 1, the six inputs), where the direct
    /// and conditional estimators are biased by the e^{b0} tail: with b0 integrated out, G^(2), G_c^(4),
    /// u4 and G_c^(6), u6 agree with the exact formulas within 4 standard errors per combination at
    /// N = 3 and N = 50 (8 bags × 2000 networks), and the errors resolve the signal.
    func testMarginalEstimatorAtPaperSetting() throws {
        for n in [3, 50] {
            let m = try sample(settings(width: n, sigmaW: 1, sigmaB: 1, nets: 2000, bags: 8, estimator: .marginal,
                                        inputs: SamplerSettings.paperInputs))
            let two = m.correlator(order: 2)
            assertPulls(two.mean, two.standardError, two.gaussian, limit: 4, "G2 marginal N=\(n)")
            assertPulls(m.u4.connected, m.u4.connectedError, m.u4.exactConnected, limit: 4, "Gc4 marginal N=\(n)")
            assertPulls(m.u6.connected, m.u6.connectedError, m.u6.exactConnected, limit: 4, "Gc6 marginal N=\(n)")
            let pull4 = (m.u4.mean - m.u4.exactMean) / m.u4.standardError
            let pull6 = (m.u6.mean - m.u6.exactMean) / m.u6.standardError
            XCTAssertLessThan(abs(pull4), 4, "ū4 N=\(n): \(m.u4.mean) ± \(m.u4.standardError) vs \(m.u4.exactMean)")
            XCTAssertLessThan(abs(pull6), 4, "ū6 N=\(n): \(m.u6.mean) ± \(m.u6.standardError) vs \(m.u6.exactMean)")
            XCTAssertGreaterThan(abs(m.u4.exactMean) / m.u4.standardError, 20)
            XCTAssertGreaterThan(abs(m.u6.exactMean) / m.u6.standardError, 10)
        }
        // Not available where its formulas do not apply.
        XCTAssertThrowsError(try sample(settings(width: 3, nets: 10, estimator: .marginal)))
        XCTAssertThrowsError(try sample(settings(.cosNet, width: 3, nets: 10, estimator: .marginal,
                                                 inputs: SamplerSettings.paperInputs)))
    }

    /// Same seed, 1 thread versus 2 threads: identical JSON bytes. The chunking is exercised with a
    /// network count that is not a multiple of the chunk or block size.
    func testThreadCountDoesNotChangeResults() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Generic path (unequally spaced points) and batched path (the paper's inputs); width 201 so the
        // batched path pads a partial block of four neurons and a bag spans several chunks.
        XCTAssertGreaterThan(700 / (try GaussNetSampler(settings: settings(width: 201, nets: 700))).netsPerChunk, 0)
        for inputs in [points, SamplerSettings.paperInputs] {
            for estimator in Estimator.allCases where estimator != .marginal || inputs != points {
                func run(seed: UInt64, threads: Int) throws -> Data {
                    try encoder.encode(sample(settings(width: 201, nets: 700, bags: 2, seed: seed, threads: threads,
                                                       estimator: estimator, inputs: inputs)))
                }
                let one = try run(seed: 9, threads: 1)
                XCTAssertEqual(one, try run(seed: 9, threads: 2))
                XCTAssertNotEqual(one, try run(seed: 10, threads: 2))
            }
        }
    }

    /// Bags sampled one at a time (as a resumed run does) give the same Measurement as `run`.
    func testPerBagAPIMatchesRun() throws {
        let s = settings(width: 4, nets: 500, bags: 3)
        let sampler = try GaussNetSampler(settings: s)
        let bags = [2, 0, 1].map { sampler.sampleBag($0) }
        XCTAssertEqual(try GaussNet.Measurement(settings: s, bags: bags), try sampler.run())
        var wrong = s
        wrong.seed = 99
        XCTAssertThrowsError(try GaussNet.Measurement(settings: wrong, bags: bags))
    }

    /// d = 2 on a grid: G^(2) = K and u4 agrees with the exact formula.
    func testTwoDimensionalGrid() throws {
        let grid = try SamplerSettings.gridInputs(lower: -0.3, upper: 0.3, count: 2, inputDimension: 2)
        XCTAssertEqual(grid, [[-0.3, -0.3], [-0.3, 0.3], [0.3, -0.3], [0.3, 0.3]])
        let m = try sample(settings(width: 2, sigmaW: 1.2, sigmaB: 0.3, nets: 3000, inputs: grid))
        let two = m.correlator(order: 2)
        assertPulls(two.mean, two.standardError, two.gaussian, limit: 4, "G2 d=2")
        let pull = (m.u4.mean - m.u4.exactMean) / m.u4.standardError
        XCTAssertLessThan(abs(pull), 4)
    }

    func testValidationThrowsTypedErrors() {
        func error(_ s: SamplerSettings) -> SamplerError? {
            do { try s.validate(); return nil } catch { return error as? SamplerError }
        }
        var s = settings(width: 2, nets: 10)
        XCTAssertNil(error(s))
        s.width = 0
        XCTAssertEqual(error(s), .invalidWidth(0))
        s = settings(width: 2, nets: 10, bags: 1)
        XCTAssertEqual(error(s), .invalidBagCount(1))
        s = settings(width: 2, sigmaW: -1, nets: 10)
        XCTAssertEqual(error(s), .invalidSigmaW(-1))
        s = settings(width: 2, nets: 10, inputs: [[0.1], [0.2, 0.3]])
        XCTAssertEqual(error(s), .inputDimensionMismatch(point: 1, components: 2, expected: 1))
        s = settings(width: 2, sigmaB: 9, nets: 10)
        if case .overflow = error(s) {} else { XCTFail("σ_b = 9 must overflow E[g⁶]") }
        XCTAssertThrowsError(try GaussNetSampler(settings: settings(width: 2, nets: 0)))
    }

    /// One network per bag makes every bag a single product of outputs, whose spread over a few bags
    /// is no error bar (two such bags: u4 = 9.5714 ± 0.0033 against the exact −12.83). Refused up
    /// front, as bad input, with the minimum and why; the minimum itself is accepted.
    func testTooFewNetworksPerBagAreRefused() {
        let minimum = SamplerSettings.minimumNetsPerBag
        XCTAssertEqual(minimum, 10)
        for nets in [1, 2, minimum - 1] {
            XCTAssertThrowsError(try settings(width: 2, nets: nets).validate()) { error in
                XCTAssertEqual(error as? SamplerError, .invalidNetsPerBag(nets))
                XCTAssertEqual((error as? UserFacingError)?.category, .invalidInput)
                XCTAssertTrue("\(error)".hasPrefix("at least \(minimum) networks per bag are needed, got \(nets): the error bars"), "\(error)")
            }
        }
        XCTAssertNoThrow(try settings(width: 2, nets: minimum).validate())
    }

    /// Issue 16: `--sigma-w 1e-100` printed nan and -inf couplings with exit status 0, and σ_W = 1e300
    /// was blamed on σ_b. Both are the user's input: σ_W outside [1e-6, 1e6] is refused, and an
    /// overflowing neuron moment names σ_W when σ_W (at these inputs) is what overflows it.
    func testSigmaWOutsideItsRangeIsRefusedAndOverflowNamesItsCause() {
        func error(_ s: SamplerSettings) -> SamplerError? {
            do { try s.validate(); return nil } catch { return error as? SamplerError }
        }
        XCTAssertEqual(error(settings(width: 2, sigmaW: 1e-100, nets: 10)), .sigmaWOutOfRange(1e-100))
        XCTAssertEqual(error(settings(width: 2, sigmaW: 1e300, nets: 10)), .sigmaWOutOfRange(1e300))
        XCTAssertEqual(SamplerError.sigmaWOutOfRange(1e300).category, .invalidInput)
        XCTAssertNil(error(settings(width: 2, sigmaW: 1e-6, nets: 10)))
        // E[g⁶] = e^{12σ_b² + 12σ_W²x²/d}: at σ_W = 1000 and |x| = 0.01 it is σ_W that overflows it.
        guard case .sigmaWOverflow(let why)? = error(settings(width: 2, sigmaW: 1000, nets: 10)) else {
            return XCTFail("σ_W = 1000 must overflow E[g⁶] through σ_W")
        }
        XCTAssertTrue(why.contains("σ_W = 1000.0 is too large"), why)
        guard case .overflow? = error(settings(width: 2, sigmaB: 9, nets: 10)) else { return XCTFail("σ_b = 9 must overflow E[g⁶]") }
    }

    /// A run inside the σ_W range whose analysis still leaves double precision (d = 64, where
    /// N_K ∝ σ_W^{8−d}) fails with the quantity named instead of carrying an infinity.
    func testAnalysisBeyondDoublePrecisionIsAFailedRun() throws {
        let s = settings(width: 2, sigmaW: 1e-6, nets: 20, bags: 2, inputs: [Array(repeating: 0, count: 64)])
        XCTAssertThrowsError(try sample(s)) {
            guard case .nonFiniteAnalysis(let what)? = $0 as? SamplerError else { return XCTFail("\($0)") }
            XCTAssertTrue(what.hasPrefix("N_K at σ_W = 1e-06"), what)
            XCTAssertEqual(($0 as? SamplerError)?.category, .runFailed)
        }
    }
}
