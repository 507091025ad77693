import Foundation
import GaussNetKernels
import XCTest
@testable import GaussNet

/// The importance estimator (`Estimator.importance`): its recursion against brute-force enumeration
/// of index tuples, its weights against their definition, and its measurements against the exact
/// finite-width couplings at the paper's setting (σ_W = σ_b = 1, the six inputs), where the direct
/// estimator is biased low by the `e^{b0}` tail. Seeds are fixed; the tolerances are statistical
/// (4 standard errors, or a χ² at p = 0.001), never tuned to the seeds.
final class ImportanceEstimatorTests: XCTestCase {
    // MARK: - The recursion against brute force

    /// A tiny network set by hand: 3 neurons (W0, b0 − σ_b², z) and b1.
    struct TinyNetwork {
        var w0: [[Double]]
        var beta: [Double]
        var z: [Double]
        var b1: Double
    }

    let tiny = TinyNetwork(w0: [[0.7, -0.4], [-1.3, 0.9], [0.25, 1.6]], beta: [0.4, -0.9, 1.7],
                           z: [1.1, -0.6, -2.3], b1: 0.35)

    /// `φ_i(x_p) = √s z_i e^{W0_i·x_p + β_i} e^{−σ_W²|x_p|²/d}` for the neurons, then `b1` as neuron N
    /// (weight 1): the terms of `f(x_p) = Σ_i φ_i(x_p) + b1`, computed with libm's `exp`.
    func terms(_ net: TinyNetwork, inputs: [[Double]], sigmaW: Double, width: Int) -> [[Double]] {
        let d = inputs[0].count
        let root = sigmaW / Double(width).squareRoot()
        var rows: [[Double]] = (0..<width).map { i in
            inputs.map { x in
                let dot = (0..<d).reduce(0.0) { $0 + net.w0[i][$1] * x[$1] }
                let square = x.reduce(0.0) { $0 + $1 * $1 }
                return root * net.z[i] * exp(dot + net.beta[i]) * exp(-sigmaW * sigmaW * square / Double(d))
            }
        }
        rows.append([Double](repeating: net.b1, count: inputs.count))
        return rows
    }

    /// `Σ_{i_1..i_n} Π_j φ_{i_j}(x_{c_j}) · Π_{distinct i in the tuple} w_i` over all (N+1)^n tuples.
    func bruteForce(_ phi: [[Double]], weights: [Double], multiset c: [Int]) -> Double {
        let m = phi.count, n = c.count
        var total = 0.0
        var count = 1
        for _ in 0..<n { count *= m }
        for code in 0..<count {
            var rest = code, product = 1.0, used = 0
            for j in 0..<n {
                let i = rest % m
                rest /= m
                product *= phi[i][c[j]]
                used |= 1 << i
            }
            for i in 0..<m where used & (1 << i) != 0 { product *= weights[i] }
            total += product
        }
        return total
    }

    /// `T(c)` for every multiset of sizes 0 … 6 from the production kernels (block sums, then the
    /// recursion), for the neurons of `net`.
    func tupleStatistics(_ net: TinyNetwork, inputs: [[Double]], sigmaW: Double, sigmaB: Double,
                         proposal: ImportanceProposal = .standard, forceGeneral: Bool = false)
        -> (tables: ImportanceTables, statistics: [Double], weights: [Double]) {
        let d = inputs[0].count, width = net.z.count
        let layer = GaussNetArchitecture(sigmaW: sigmaW, sigmaB: sigmaB, inputDimension: d).hiddenLayer(inputs: inputs)
        let sampler = GaussNetImportanceSampler(layer: layer, proposal: proposal, forceGeneral: forceGeneral)
        let tables = ImportanceTables(pointCount: inputs.count, pointScale: layer.pointScale,
                                      usesPowerSums: sampler.usesPowerSums)
        let workspace = sampler.makeWorkspace(width: width, readoutScale: sigmaW / Double(width).squareRoot(),
                                              tables: tables)
        workspace.setNeurons(w0: net.w0.map { Array($0.prefix(d)) }, beta: net.beta, z: net.z)
        var kappa = [Double](repeating: .nan, count: tables.columnCount)
        kappa.withUnsafeMutableBufferPointer { sampler.blockSums(workspace: workspace, kappa: $0.baseAddress!, stride: 1) }
        for p in inputs.indices { kappa[p] = layer.pointScale[p] * kappa[p] + net.b1 }
        let weights = (0..<width).map { i in proposal.weight(u: net.z[i] * exp(net.beta[i]), sigmaB: sigmaB) }
        return (tables, tables.tupleStatistics(kappa: kappa), weights)
    }

    /// The recursion reproduces the brute-force tuple sum for every multiset of sizes 1 … 6 of three
    /// inputs (N = 3 neurons and b1: 4⁶ tuples at size 6) on every path: power sums (equally spaced
    /// 1-d inputs), one column per multiset (unequal 1-d inputs, the same equally spaced inputs forced
    /// through it, and d = 2). The tolerance is 1e-13 relative to the sum of the terms' absolute
    /// values, the scale of the rounding of either sum: signed terms cancel, in the d = 2 case by a
    /// factor up to 3·10⁴ (T = 0.011 from terms of total size 368), where the plain relative
    /// difference is 6e-12; without such cancellation (the 1-d cases) it is below 1e-13 too.
    func testRecursionMatchesBruteForceTupleSums() throws {
        let (sigmaW, sigmaB) = (1.3, 0.8)
        let cases: [([[Double]], Bool, String)] = [
            ([[-0.3], [0.1], [0.5]], false, "power sums"),
            ([[-0.3], [0.1], [0.5]], true, "per multiset, equally spaced"),
            ([[-0.3], [0.05], [0.5]], false, "per multiset, unequal"),
            ([[-0.3, 0.2], [0.1, -0.5], [0.4, 0.3]], false, "per multiset, d = 2"),
        ]
        for (inputs, forceGeneral, label) in cases {
            let (tables, statistics, weights) = tupleStatistics(tiny, inputs: inputs, sigmaW: sigmaW, sigmaB: sigmaB,
                                                                 forceGeneral: forceGeneral)
            XCTAssertEqual(tables.usesPowerSums, label == "power sums")
            // The weights are far from 1 (the test has power): they span 0.004 … 3.8 (w ≤ 1/π_0 = 4).
            XCTAssert(weights.max()! > 3 && weights.min()! < 0.01, "\(weights)")
            let phi = terms(tiny, inputs: inputs, sigmaW: sigmaW, width: 3)
            XCTAssertEqual(statistics[0], 1)
            var worst = 0.0, worstPlain = 0.0
            for (k, c) in tables.multisets.enumerated() where !c.isEmpty {
                let exact = bruteForce(phi, weights: weights + [1], multiset: c)
                let magnitude = bruteForce(phi.map { $0.map(abs) }, weights: weights + [1], multiset: c)
                worst = max(worst, abs(statistics[k] - exact) / magnitude)
                worstPlain = max(worstPlain, abs(statistics[k] - exact) / abs(exact))
            }
            XCTAssertLessThan(worst, 1e-13, "\(label): largest difference relative to Σ|terms| \(worst) (to |T|: \(worstPlain))")
        }
    }

    /// With every weight 1 (the proposal π = (1, 0, 0, 0) is the prior) `T(c)` is the direct product
    /// `Π_j f(x_{c_j})`.
    func testUnitWeightsGiveTheDirectProduct() throws {
        let prior = ImportanceProposal(mixture: [1, 0, 0, 0])
        XCTAssertEqual(prior.weight(u: 3.7, sigmaB: 1), 1)
        for (inputs, forceGeneral) in [([[-0.3], [0.1], [0.5]], false), ([[-0.3], [0.05], [0.4]], false),
                                        ([[-0.3], [0.1], [0.5]], true)] {
            let (tables, statistics, weights) = tupleStatistics(tiny, inputs: inputs, sigmaW: 1.3, sigmaB: 0.8,
                                                                 proposal: prior, forceGeneral: forceGeneral)
            XCTAssertEqual(weights, [1, 1, 1])
            let phi = terms(tiny, inputs: inputs, sigmaW: 1.3, width: 3)
            let f = inputs.indices.map { p in phi.reduce(0.0) { $0 + $1[p] } }
            for (k, c) in tables.multisets.enumerated() {
                let product = c.reduce(1.0) { $0 * f[$1] }
                XCTAssertEqual(statistics[k], product, accuracy: 1e-13 * abs(product), "\(c)")
            }
        }
    }

    /// The merged operations: 11 087 for the paper's six inputs (the NumPy `Recursion`'s count), and
    /// their counts are the products of binomials `Π_p C(m′_p, s_p)`, which add up to `2^{n−1}`
    /// subsets for a multiset of size n.
    func testRecursionOperationCount() {
        let tables = ImportanceTables(pointCount: 6, pointScale: [Double](repeating: 1, count: 6), usesPowerSums: true)
        XCTAssertEqual(tables.operationCount, 11_087)
        XCTAssertEqual(tables.columnCount, 111)
        XCTAssertEqual(tables.multisetCount, 924)
        XCTAssertEqual(tables.outputCount, 21 + 126 + 462)
        for (t, c) in tables.multisets.enumerated() where !c.isEmpty {
            let total = (Int(tables.start[t])..<Int(tables.start[t + 1])).reduce(0.0) { $0 + tables.coefficient[$1] }
            XCTAssertEqual(total, Double(1 << (c.count - 1)), "\(c)")
        }
        let general = ImportanceTables(pointCount: 6, pointScale: [Double](repeating: 1, count: 6), usesPowerSums: false)
        XCTAssertEqual(general.operationCount, 11_087)
        XCTAssertEqual(general.columnCount, 923)
    }

    // MARK: - Weights

    /// `w = 1/Σ_k π_k A^k/E[A^k]` with `E[A^k]` by quadrature over b0 (`A = W1 e^{b0−σ_b²}`,
    /// `E[A^k] = (k−1)!! s^{k/2} E[e^{k(b0 − σ_b²)}]`), for amplitudes over eight decades, and the
    /// Bernoulli cumulants against their definition as cumulants of a 0/1 variable.
    func testWeightFormulaMatchesItsDefinition() {
        for sigmaB in [0.3, 1.0, 1.7] {
            let s = 0.37
            func expectation(_ k: Double) -> Double {  // E[e^{k(b0 − σ_b²)}], trapezoid rule
                // The integrand of order k peaks at x = kσ_b: cover 12 widths on either side.
                let m = 8000, lower = -12.0, upper = 12 + 6 * sigmaB
                let h = (upper - lower) / Double(m)
                var total = 0.0
                for i in 0...m {
                    let x = lower + Double(i) * h
                    total += exp(-x * x / 2) * exp(k * (sigmaB * x - sigmaB * sigmaB))
                }
                return total * h / (2 * Double.pi).squareRoot()  // the end points are below e^{−70}
            }
            let moments = [1.0, s * expectation(2), 3 * s * s * expectation(4), 15 * s * s * s * expectation(6)]
            for u in [0, 1e-3, 0.2, -0.9, 1.5, 7.0, -40, 2.5e3, 1e5] {
                let a = s.squareRoot() * u
                let definition = 1 / (0..<4).reduce(0.0) { $0 + 0.25 * pow(a, Double(2 * $1)) / moments[$1] }
                let w = ImportanceProposal.standard.weight(u: u, sigmaB: sigmaB)
                XCTAssertEqual(w, definition, accuracy: 1e-12 * definition, "σ_b = \(sigmaB), u = \(u)")
                XCTAssertLessThanOrEqual(w, 4)
            }
        }
        // c_k(w): the k-th cumulant of a Bernoulli(w) variable, from its moments E[X^j] = w by the
        // recursion κ_n = m_n − Σ_{j=1}^{n−1} C(n−1, j−1) κ_j m_{n−j}.
        for w in [0.0, 0.13, 0.5, 1.0, 2.7, 4.0] {
            var kappa = [Double](repeating: 0, count: 7)
            for n in 1...6 {
                var value = w
                for j in 1..<n { value -= Double(binomial(n - 1, j - 1)) * kappa[j] * w }
                kappa[n] = value
                XCTAssertEqual(ImportanceProposal.bernoulliCumulant(n, w), value, accuracy: 1e-12 * max(1, abs(value)),
                               "c_\(n)(\(w))")
            }
            if w == 1 { XCTAssert((2...6).allSatisfy { ImportanceProposal.bernoulliCumulant($0, 1) == 0 }) }
        }
    }

    func binomial(_ n: Int, _ k: Int) -> Int { k == 0 ? 1 : binomial(n - 1, k - 1) * n / k }

    /// Under the proposal, as the sampler draws it (`frg_importance_draw`, 2000 networks of 100
    /// neurons): `E_q[w] = 1`, `E_q[w A^k] = E_p[A^k]` for k = 2, 4, 6 (each `w A^k ≤ E[A^k]/π_k`,
    /// so these have finite variance), and `W0 ~ N(0, σ_W²/d)` untilted; each within 4 standard
    /// errors of the sample.
    func testWeightsAverageToOneUnderTheProposal() throws {
        let (sigmaW, sigmaB, width, networks) = (1.2, 1.0, 100, 2000)
        let layer = GaussNetArchitecture(sigmaW: sigmaW, sigmaB: sigmaB, inputDimension: 1)
            .hiddenLayer(inputs: SamplerSettings.paperInputs)
        let sampler = try XCTUnwrap(layer.importance)
        let tables = ImportanceTables(pointCount: 6, pointScale: layer.pointScale, usesPowerSums: true)
        let s = sigmaW * sigmaW / Double(width)
        let workspace = sampler.makeWorkspace(width: width, readoutScale: s.squareRoot(), tables: tables)
        let b2 = sigmaB * sigmaB
        let exact = [1, s, 3 * s * s * exp(4 * b2), 15 * s * s * s * exp(12 * b2)]
        var sums = [Double](repeating: 0, count: 5), squares = [Double](repeating: 0, count: 5)
        for net in 0..<networks {
            var stream = CounterRandomStream(seed: 17, stream: UInt64(net))
            workspace.draw(&stream)
            // Draws: W0, ε, the component, 1 … 7 normals for z, per neuron.
            XCTAssert(stream.index >= UInt64(4 * width) && stream.index <= UInt64(10 * width))
            for i in 0..<width {
                let u = workspace.z[i] * exp(workspace.beta[i])
                let a = s.squareRoot() * u
                let w = ImportanceProposal.standard.weight(u: u, sigmaB: sigmaB)
                let values = [w, w * a * a, w * pow(a, 4), w * pow(a, 6),
                              workspace.w0[i] * workspace.w0[i] / (sigmaW * sigmaW)]
                for k in values.indices {
                    sums[k] += values[k]
                    squares[k] += values[k] * values[k]
                }
            }
        }
        let n = Double(width * networks)
        for (k, expected) in (exact + [1]).enumerated() {
            let mean = sums[k] / n
            let error = ((squares[k] / n - mean * mean) / (n - 1)).squareRoot()
            XCTAssertLessThan(abs(mean - expected) / error, 4, "moment \(k): \(mean) ± \(error) vs \(expected)")
            XCTAssertLessThan(error, 0.05 * expected, "moment \(k) lacks resolution")
        }
    }

    // MARK: - Measurements at the paper's setting

    func paperSettings(width: Int, nets: Int, bags: Int, seed: UInt64, threads: Int = 2) -> SamplerSettings {
        SamplerSettings(sigmaW: 1, sigmaB: 1, width: width, inputs: SamplerSettings.paperInputs, netsPerBag: nets,
                        bags: bags, seed: seed, threads: threads, estimator: .importance)
    }

    /// Acceptance: σ_W = σ_b = 1, the paper's six inputs, N = 2, 10, 100, 16 bags × 2000 networks:
    /// ū4 and ū6 within 4 standard errors of the exact values (16 bags: Student's t with 15 degrees of
    /// freedom, P(|t| > 4) = 0.1 %), and the errors resolve the signal (the direct estimator at this
    /// setting is 60 to 130 of its own standard errors off in u6).
    func testPaperSettingAgreesWithExactCouplings() throws {
        for width in [2, 10, 100] {
            let m = try GaussNetSampler(settings: paperSettings(width: width, nets: 2000, bags: 16, seed: 21)).run()
            let pull4 = (m.u4.mean - m.u4.exactMean) / m.u4.standardError
            let pull6 = (m.u6.mean - m.u6.exactMean) / m.u6.standardError
            XCTAssertLessThan(abs(pull4), 4, "ū4 N=\(width): \(m.u4.mean) ± \(m.u4.standardError) vs \(m.u4.exactMean)")
            XCTAssertLessThan(abs(pull6), 4, "ū6 N=\(width): \(m.u6.mean) ± \(m.u6.standardError) vs \(m.u6.exactMean)")
            print(String(format: "importance N=%d: ū4 = %.5g ± %.3g (exact %.5g, pull %+.2f), ū6 = %.5g ± %.3g (exact %.5g, pull %+.2f)",
                         width, m.u4.mean, m.u4.standardError, m.u4.exactMean, pull4,
                         m.u6.mean, m.u6.standardError, m.u6.exactMean, pull6))
            XCTAssertGreaterThan(abs(m.u4.exactMean) / m.u4.standardError, 8, "ū4 N=\(width) lacks resolution")
            XCTAssertGreaterThan(abs(m.u6.exactMean) / m.u6.standardError, 8, "ū6 N=\(width) lacks resolution")
            // G^(2) = K at every width.
            let two = m.correlator(order: 2)
            for k in two.mean.indices {
                XCTAssertLessThan(abs(two.mean[k] - two.gaussian[k]) / two.standardError[k], 4, "G2[\(k)] N=\(width)")
            }
        }
    }

    /// Width sweep N = 2, 3, 5, 10, 20, 50, 100 (16 bags × 1000 networks each, one seed per width):
    /// χ² of the pulls of ū4 and of ū6 against the exact values, 7 points each, below the p = 0.001
    /// quantile 24.3 of χ² with 7 degrees of freedom.
    func testWidthSweepChiSquared() throws {
        var chi4 = 0.0, chi6 = 0.0
        var pulls: [String] = []
        for (k, width) in [2, 3, 5, 10, 20, 50, 100].enumerated() {
            let m = try GaussNetSampler(settings: paperSettings(width: width, nets: 1000, bags: 16, seed: 100 + UInt64(k))).run()
            let p4 = (m.u4.mean - m.u4.exactMean) / m.u4.standardError
            let p6 = (m.u6.mean - m.u6.exactMean) / m.u6.standardError
            chi4 += p4 * p4
            chi6 += p6 * p6
            pulls.append(String(format: "N=%d: %+.2f %+.2f", width, p4, p6))
        }
        print("importance width sweep: χ²(u4) = \(chi4), χ²(u6) = \(chi6); pulls (u4, u6) \(pulls)")
        XCTAssertLessThan(chi4, 24.3, "χ²(u4) = \(chi4) over 7 widths; pulls \(pulls)")
        XCTAssertLessThan(chi6, 24.3, "χ²(u6) = \(chi6) over 7 widths; pulls \(pulls)")
    }

    /// Same seed, 1 thread and 2 threads: identical bags, on both paths (power sums on the paper's
    /// inputs, one column per multiset on unequal ones), with a width that pads a partial 8-neuron
    /// block and a network count that ends in a partial 8-network block of a partial chunk.
    func testThreadCountDoesNotChangeBags() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for inputs in [SamplerSettings.paperInputs, [[-0.15], [0.05], [0.2]]] {
            func run(threads: Int, seed: UInt64 = 9) throws -> Data {
                var s = paperSettings(width: 13, nets: 1501, bags: 2, seed: seed, threads: threads)
                s.inputs = inputs
                let sampler = try GaussNetSampler(settings: s)
                XCTAssertGreaterThan(1501 / sampler.netsPerChunk, 1, "several chunks")
                return try encoder.encode(sampler.run().bags)
            }
            let one = try run(threads: 1)
            XCTAssertEqual(one, try run(threads: 2))
            XCTAssertNotEqual(one, try run(threads: 2, seed: 10))
        }
    }

    /// On equally spaced inputs the power sums and the per-multiset columns are two evaluations of the
    /// same block sums of the same networks: their bags agree to rounding.
    func testPowerSumsAndMultisetColumnsAgree() throws {
        let settings = paperSettings(width: 7, nets: 300, bags: 2, seed: 5, threads: 1)
        let sampler = try GaussNetSampler(settings: settings)
        let layer = GaussNetArchitecture(sigmaW: 1, sigmaB: 1, inputDimension: 1).hiddenLayer(inputs: settings.inputs)
        let fast = sampler.sampleBag(1)
        let general = GaussNetImportanceSampler(layer: layer, forceGeneral: true)
        let tables = ImportanceTables(pointCount: 6, pointScale: layer.pointScale, usesPowerSums: false)
        let slow = sampler.sampleImportanceBag(1, importance: general, tables: tables, pointScale: layer.pointScale)
        for (a, b) in zip(fast.fourPoint + fast.sixPoint + fast.twoPoint, slow.fourPoint + slow.sixPoint + slow.twoPoint) {
            XCTAssertEqual(a, b, accuracy: 1e-11 * abs(b))
        }
    }

    /// General inputs (unequal spacing, d = 2) and a small σ_b: G^(2) = K and G_c^(4), G_c^(6) per
    /// combination, and ū4, ū6, within 4 standard errors of the exact values.
    func testGeneralInputs() throws {
        let cases: [[[Double]]] = [[[-0.15], [0.05], [0.2]], [[-0.3, 0.2], [0.1, -0.2], [0.25, 0.3]]]
        for inputs in cases {
            let s = SamplerSettings(inputDimension: inputs[0].count, sigmaW: 1.5, sigmaB: 0.5, width: 3, inputs: inputs,
                                    netsPerBag: 4000, bags: 16, seed: 31, threads: 2, estimator: .importance)
            let m = try GaussNetSampler(settings: s).run()
            let two = m.correlator(order: 2)
            for k in two.mean.indices {
                XCTAssertLessThan(abs(two.mean[k] - two.gaussian[k]) / two.standardError[k], 4, "G2[\(k)] \(inputs)")
            }
            for k in m.u4.connected.indices {
                XCTAssertLessThan(abs(m.u4.connected[k] - m.u4.exactConnected[k]) / m.u4.connectedError[k], 4, "Gc4[\(k)] \(inputs)")
            }
            for k in m.u6.connected.indices {
                XCTAssertLessThan(abs(m.u6.connected[k] - m.u6.exactConnected[k]) / m.u6.connectedError[k], 4, "Gc6[\(k)] \(inputs)")
            }
            XCTAssertLessThan(abs(m.u4.mean - m.u4.exactMean) / m.u4.standardError, 4, "ū4 \(inputs)")
            XCTAssertLessThan(abs(m.u6.mean - m.u6.exactMean) / m.u6.standardError, 4, "ū6 \(inputs)")
            XCTAssertGreaterThan(abs(m.u4.exactMean) / m.u4.standardError, 6, "\(inputs) lacks resolution")
        }
    }

    // MARK: - Where it does not apply

    func testRefusals() {
        func reason(_ s: SamplerSettings) -> String? {
            do { try s.validate(); return nil } catch let SamplerError.estimatorUnsupported(why) { return why } catch {
                return "unexpected \(error)"
            }
        }
        var s = paperSettings(width: 3, nets: 10, bags: 2, seed: 1)
        XCTAssertNil(reason(s))
        s.architecture = .cosNet
        XCTAssertEqual(reason(s), "the importance estimator tilts the Gauss-net's heavy e^{b0} amplitude tail; the Cos-net's neuron is bounded (|g| ≤ √2) and its only tail is the Gaussian W1, so the direct and conditional estimators already have finite variance there")
        s.architecture = .gaussNet
        s.sigmaB = 3.5
        XCTAssertNil(reason(s))
        s.sigmaB = 3.6
        XCTAssert(reason(s)?.contains("would overflow double precision") == true, reason(s) ?? "accepted")
        XCTAssertThrowsError(try GaussNetSampler(settings: s))
    }
}
