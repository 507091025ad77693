import Foundation
import XCTest
@testable import GaussNet

/// What each architecture owns behind `Architecture`: the registry, the shared Gaussian weight
/// kernel, the infrared expansion of its inverse, the marginal estimator's amplitude cumulants and
/// which estimators apply.
final class ArchitectureTests: XCTestCase {
    /// Every registered kind maps to a type that reports that kind, with the hyperparameters given.
    func testRegistryIsConsistent() {
        for kind in ArchitectureKind.allCases {
            XCTAssertEqual(kind.architectureType.kind, kind)
            let arch = kind.architecture(sigmaW: 1.3, sigmaB: 0.4, inputDimension: 2)
            XCTAssertEqual(arch.kind, kind)
            XCTAssertEqual([arch.sigmaW, arch.sigmaB], [1.3, 0.4])
            XCTAssertEqual(arch.inputDimension, 2)
            XCTAssertEqual(ArchitectureKind(rawValue: kind.rawValue), kind)
        }
        XCTAssertEqual(ArchitectureKind.namesList(), "gaussnet, cosnet, relu or erf")
        XCTAssertEqual(ArchitectureKind.namesList(marking: .gaussNet), "gaussnet (default), cosnet, relu or erf")
        XCTAssertEqual(ArchitectureKind.marginalEstimatorRequirements,
                       "the Gauss-net with d = 1 and equally spaced inputs (at least two)")
    }

    /// Both architectures have `K_W(x,y) = σ_W² exp(−σ_W²|x−y|²/(2d))` (from their own H_2), and
    /// `K = σ_b² + K_W`; their coupling integrals are those of that Gaussian kernel.
    func testBothArchitecturesHaveTheGaussianWeightKernel() {
        let (sW, sB) = (1.7, 0.6)
        for d in [1, 3] {
            let x = (0..<d).map { 0.3 * Double($0 + 1) }, y = (0..<d).map { -0.2 * Double($0) + 0.1 }
            let distance2 = zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            let expected = sW * sW * exp(-sW * sW * distance2 / (2 * Double(d)))
            let points = (0..<6).map { k in (0..<d).map { c in 0.2 * sin(Double(2 * k + c + 1)) } }
            let gaussian = GaussianWeightKernel(sigmaW: sW, inputDimension: d)
            for arch in [GaussNetArchitecture(sigmaW: sW, sigmaB: sB, inputDimension: d) as any Architecture,
                         CosNetArchitecture(sigmaW: sW, sigmaB: sB, inputDimension: d)] {
                XCTAssertEqual(arch.weightKernel(x, y), expected, accuracy: 1e-14 * expected, "\(arch.kind) d = \(d)")
                XCTAssertEqual(arch.kernel(x, y), sB * sB + arch.weightKernel(x, y))
                XCTAssertEqual(arch.starIntegral(Array(points.prefix(4))), gaussian.star(Array(points.prefix(4))))
                XCTAssertEqual(arch.twoVertexIntegral(Array(points[0..<3]), Array(points[3..<6])),
                               gaussian.twoVertex(Array(points[0..<3]), Array(points[3..<6])))
            }
        }
    }

    /// `1/K̃(p) = Z (m0² + p²) + O(p⁴)` with `K̃(p) = ∫ d^d x e^{−ip·x} K_W(x)` by trapezoid
    /// quadrature (spectrally accurate for a Gaussian): `m0² = 2σ_W²/d`, and the architecture's `Z`
    /// is that of this standard transform (docs/conventions.md; seed 001's `Z_0` is `(2π)^d` times
    /// it). `Z` from a Richardson-extrapolated
    /// difference quotient; its O(p⁴) remainder is below 3e-7 relative here.
    func testInverseKernelExpansionByQuadrature() {
        let sW = 1.3
        for d in [1, 2] {
            let std = Double(d).squareRoot() / sW  // of exp(−σ_W²x²/(2d)) per component
            let m = 480, range = 12 * std
            let h = 2 * range / Double(m)
            let nodes = (0...m).map { -range + Double($0) * h }
            func transform(_ p: Double) -> Double {  // p along the first axis
                var total = 0.0
                if d == 1 {
                    for x in nodes { total += cos(p * x) * sW * sW * exp(-sW * sW * x * x / 2) }
                    return total * h
                }
                for x in nodes {
                    for y in nodes { total += cos(p * x) * sW * sW * exp(-sW * sW * (x * x + y * y) / 4) }
                }
                return total * h * h
            }
            let inverse0 = 1 / transform(0)
            let quotient = { (p: Double) in (1 / transform(p) - inverse0) / (p * p) }
            let p = 0.05 * sW
            let z = (4 * quotient(p / 2) - quotient(p)) / 3
            let arch = GaussNetArchitecture(sigmaW: sW, sigmaB: 1, inputDimension: d)
            let m0Squared = inverse0 / z
            XCTAssertEqual(arch.massSquared!, m0Squared, accuracy: 1e-6 * m0Squared, "m0², d = \(d)")
            XCTAssertEqual(arch.massSquared!, 2 * sW * sW / Double(d), accuracy: 1e-15)
            XCTAssertEqual(arch.wavefunctionNormalization!, z, accuracy: 1e-6 * z, "Z, d = \(d)")
            XCTAssertEqual(arch.sigmaW(massSquared: arch.massSquared!)!, sW, accuracy: 1e-15)
            XCTAssertNil(arch.sigmaW(massSquared: 0))
        }
    }

    /// λ4 = u4/Z² with raw u4 ∝ σ_W^{d−4} and Z ∝ σ_W^{d−4} gives λ4 ∝ σ_W^{4−d}: the paper's law of
    /// the active flow holds once the field is canonically normalized (PHYSICS.md §3).
    func testNormalizedCouplingsObeyThePaperLaw() {
        for d in [1, 2, 3] {
            let raw = { (sigma: Double) in pow(sigma, Double(d) - 4) }
            let z = { (sigma: Double) in
                GaussNetArchitecture(sigmaW: sigma, sigmaB: 1, inputDimension: d).wavefunctionNormalization!
            }
            let lambda = { (sigma: Double) in raw(sigma) / pow(z(sigma), 2) }
            let slope = log(lambda(10) / lambda(2)) / log(10.0 / 2)
            XCTAssertEqual(slope, 4 - Double(d), accuracy: 1e-12)
        }
    }

    /// The marginal estimator's amplitude `A = W1 e^{b0 − σ_b²}` (W1 ~ N(0, s), b0 ~ N(0, σ_b²)):
    /// its cumulants from moments computed by quadrature over b0, `E[A^k] = (k−1)!! s^{k/2} E[e^{k(b0−σ_b²)}]`.
    func testGaussNetAmplitudeCumulantsByQuadrature() throws {
        let (sW, sB, width) = (1.2, 0.7, 5)
        let layer = GaussNetArchitecture(sigmaW: sW, sigmaB: sB, inputDimension: 1).hiddenLayer(inputs: SamplerSettings.paperInputs)
        let marginal = try XCTUnwrap(layer.marginal)
        let s = sW * sW / Double(width)
        func expectation(_ k: Double) -> Double {  // E[e^{k(b0 − σ_b²)}] by the trapezoid rule
            let m = 2000, range = 14.0
            let h = 2 * range / Double(m)
            var total = 0.0
            for i in 0...m {
                let z = -range + Double(i) * h
                total += exp(-z * z / 2) * exp(k * (sB * z - sB * sB))
            }
            return total * h / (2 * Double.pi).squareRoot()
        }
        let a2 = s * expectation(2), a4 = 3 * s * s * expectation(4), a6 = 15 * s * s * s * expectation(6)
        let kappa4 = a4 - 3 * a2 * a2
        let kappa6 = a6 - 15 * a4 * a2 + 30 * a2 * a2 * a2
        let (k4, k6) = marginal.amplitudeCumulants(readoutVariance: s)
        XCTAssertEqual(k4, kappa4, accuracy: 1e-10 * abs(kappa4))
        XCTAssertEqual(k6, kappa6, accuracy: 1e-10 * abs(kappa6))
    }

    /// Which estimators apply comes from the architecture and its layer.
    func testEstimatorSupport() {
        let gauss = GaussNetArchitecture(sigmaW: 1, sigmaB: 1, inputDimension: 1)
        let cos = CosNetArchitecture(sigmaW: 1, sigmaB: 1, inputDimension: 1)
        let spaced = SamplerSettings.paperInputs, unequal: [[Double]] = [[-0.15], [0.05], [0.2]]
        let message = "the marginal estimator needs the Gauss-net with d = 1 and equally spaced inputs (at least two)"
        for arch in [gauss as any Architecture, cos] {
            for inputs in [spaced, unequal] {
                XCTAssertNil(arch.unsupportedReason(for: .direct, inputs: inputs))
                XCTAssertNil(arch.unsupportedReason(for: .conditional, inputs: inputs))
            }
        }
        XCTAssertNil(gauss.unsupportedReason(for: .marginal, inputs: spaced))
        XCTAssertEqual(gauss.unsupportedReason(for: .marginal, inputs: unequal), message)
        XCTAssertEqual(gauss.unsupportedReason(for: .marginal, inputs: [[0.1]]), message)
        XCTAssertEqual(GaussNetArchitecture(sigmaW: 1, sigmaB: 1, inputDimension: 2)
            .unsupportedReason(for: .marginal, inputs: [[0, 0], [0.1, 0.1]]), message)
        XCTAssertEqual(cos.unsupportedReason(for: .marginal, inputs: spaced), message)
        XCTAssertNil(cos.hiddenLayer(inputs: spaced).marginal)
        // Importance: the Gauss-net at any inputs (d = 1 equally spaced or not, d = 2), not the Cos-net.
        for inputs in [spaced, unequal, [[0.1]]] {
            XCTAssertNil(gauss.unsupportedReason(for: .importance, inputs: inputs))
        }
        XCTAssertNil(GaussNetArchitecture(sigmaW: 1, sigmaB: 1, inputDimension: 2)
            .unsupportedReason(for: .importance, inputs: [[0, 0], [0.1, 0.1]]))
        XCTAssertNotNil(gauss.hiddenLayer(inputs: unequal).importance)
        XCTAssertEqual(gauss.hiddenLayer(inputs: spaced).importance?.usesPowerSums, true)
        XCTAssertEqual(gauss.hiddenLayer(inputs: unequal).importance?.usesPowerSums, false)
        XCTAssert(cos.unsupportedReason(for: .importance, inputs: spaced)?.contains("the Cos-net's neuron is bounded") == true)
        XCTAssertNil(cos.hiddenLayer(inputs: spaced).importance)
        let paper = 30.0 * 30_000 * 10  // neurons of the paper's run at N = 10
        XCTAssertNil(gauss.estimatorCaveat(.importance, order: 4, neurons: paper))
        XCTAssertNotNil(gauss.estimatorCaveat(.direct, order: 4, neurons: paper))
        XCTAssertNil(gauss.estimatorCaveat(.marginal, order: 6, neurons: paper))
        XCTAssertNil(cos.estimatorCaveat(.direct, order: 6, neurons: paper))
    }

    /// The heavy-tail caveat is said only where the tail explains a disagreement: the direct and
    /// conditional estimators, when the sample holds less than one draw of the `b0 ≈ 2nσ_b²` region
    /// that dominates the variance (`neurons · P(z > 2nσ_b) < 1`). Without a tail (σ_b = 0), or with
    /// a mild one the sample resolves, a disagreement has another cause and gets no caveat.
    func testHeavyTailCaveatOnlyWhereTheTailIsTheCause() {
        func caveat(_ sigmaB: Double, _ estimator: Estimator = .direct, order: Int = 4, neurons: Double = 9e6) -> String? {
            GaussNetArchitecture(sigmaW: 1, sigmaB: sigmaB, inputDimension: 1)
                .estimatorCaveat(estimator, order: order, neurons: neurons)
        }
        XCTAssertTrue(caveat(1)?.contains("heavy tail") == true)
        XCTAssertNotNil(caveat(1, .conditional, order: 6))
        XCTAssertNil(caveat(0), "no e^{b0} tail at σ_b = 0")
        XCTAssertNil(caveat(0.3, order: 6), "P(z > 3.6) · 9e6 ≈ 1.4e3 draws: the tail is sampled")
        // σ_b = 0.5: the u4 region (z = 4, 3.2e-5) is sampled by 9e6 neurons, the u6 one (z = 6, 1e-9) is not.
        XCTAssertNil(caveat(0.5, order: 4))
        XCTAssertNotNil(caveat(0.5, order: 6))
        XCTAssertNil(caveat(0.5, order: 6, neurons: 1e11))
    }
}
