import Foundation
import GaussNetKernels

/// The activation `σ` of an activation network (`ActivationNetArchitecture`), as the C kernels
/// compute it: ReLU `max(z, 0)`, the kernels' erf (`frg_erf`, a few ulp from libm's) and tanh.
/// Tanh has kernels and exact moments but no architecture yet: without a closed-form `H_2` its
/// cutoff integrals need `H_2` by quadrature at every pair of grid nodes (~10⁹ evaluations).
public enum Activation: Int32, Sendable {
    case relu = 0, erf = 1, tanh = 2

    /// `σ(z)`, bit-identical to the direct kernel's.
    @inline(__always)
    public func callAsFunction(_ z: Double) -> Double {
        switch self {
        case .relu: return z > 0 ? z : 0
        case .erf: return frg_erf(z)
        case .tanh: return frg_tanh(z)
        }
    }
}

/// A single-layer network of seed 003 / HMS (2008.08601) with a pointwise activation:
///
///     f(x) = Σ_i W1_i σ(W0_i·x + b0_i) + b1,   W0 ~ N(0, σ_W²/d · 1), b0, b1 ~ N(0, σ_b²), W1 ~ N(0, σ_W²/N)
///
/// (the Gauss-net's distributions; `σ_b = 0` allowed). Its neuron moments are Gaussian integrals over
/// the preactivations (`NeuronMoments`); `H_2` has a closed form for ReLU and erf. The weight kernel
/// `K_W = σ_W² H_2` is not translation invariant, so the coupling integrals are taken over the cube
/// `[−Λ, Λ]^d` (`cutoff`, `CutoffIntegrals`) and there is no infrared expansion (`massSquared` nil).
public protocol ActivationNetArchitecture: Architecture where Layer == ActivationLayer {
    static var activation: Activation { get }
    /// The integration cutoff `Λ` of `N_K`, `I_6`, `I_{3|3}` (input units).
    var cutoff: Double { get set }
    /// `H_2(x, y)` in closed form, nil when there is none (then: quadrature).
    func closedFormTwoPoint(_ x: [Double], _ y: [Double]) -> Double?
}

/// The default integration cutoff `Λ = 1`.
public let defaultIntegrationCutoff = 1.0

extension ActivationNetArchitecture {
    public static var marginalEstimatorRequirement: String? { nil }

    /// `c(x, y) = σ_b² + σ_W² x·y/d`: the covariance of the preactivations at `x` and `y`.
    func preactivationCovariance(_ x: [Double], _ y: [Double]) -> Double {
        sigmaB * sigmaB + sigmaW * sigmaW * NeuronMoments.dot(x, y) / Double(inputDimension)
    }

    public func neuronCorrelator(_ points: [[Double]]) -> Double {
        if points.isEmpty { return 1 }
        if points.count == 2, let h = closedFormTwoPoint(points[0], points[1]) { return h }
        let rows = NeuronMoments.factor(points, sigmaW: sigmaW, sigmaB: sigmaB)
        switch Self.activation {
        case .relu: return NeuronMoments.relu(rows)
        case .erf, .tanh: return NeuronMoments.smooth(rows, Self.activation)
        }
    }

    public func hiddenLayer(inputs: [[Double]]) -> ActivationLayer {
        ActivationLayer(inputs: inputs, activation: Self.activation, sigmaW: sigmaW, sigmaB: sigmaB,
                        inputDimension: inputDimension)
    }

    public func starIntegral(_ points: [[Double]]) -> Double {
        let grid = CutoffIntegrals(cutoff: cutoff, dimension: inputDimension, inputs: points)
        return zip(grid.nodes, grid.weights).reduce(0) { total, node in
            total + node.1 * points.reduce(1.0) { $0 * weightKernel(node.0, $1) }
        }
    }

    public func twoVertexIntegral(_ left: [[Double]], _ right: [[Double]]) -> Double {
        let grid = CutoffIntegrals(cutoff: cutoff, dimension: inputDimension, inputs: left + right)
        let a = zip(grid.nodes, grid.weights).map { x, w in w * left.reduce(1.0) { $0 * weightKernel(x, $1) } }
        let b = zip(grid.nodes, grid.weights).map { y, w in w * right.reduce(1.0) { $0 * weightKernel(y, $1) } }
        var total = 0.0
        for (i, x) in grid.nodes.enumerated() where a[i] != 0 {
            for (j, y) in grid.nodes.enumerated() { total += a[i] * weightKernel(x, y) * b[j] }
        }
        return total
    }

    public func couplingIntegrals(inputs: [[Double]], four: [[Int]], six: [[Int]]) -> CouplingIntegrals {
        CutoffIntegrals.integrals(kernel: weightKernel, cutoff: cutoff, dimension: inputDimension,
                                  inputs: inputs, four: four, six: six)
    }

    public var massSquared: Double? { nil }
    public var wavefunctionNormalization: Double? { nil }
    public func sigmaW(massSquared: Double) -> Double? { nil }

    public func importanceUnsupportedReason(inputs: [[Double]]) -> String? {
        "the importance estimator tilts the Gauss-net's heavy e^{b0} amplitude tail; the \(Self.displayName)'s neuron has Gaussian tails, so the direct and conditional estimators already have finite variance"
    }

    /// Refused: d > 3 (the product rule of `CutoffIntegrals`), and an input whose preactivation
    /// vanishes identically (x = 0 at σ_b = 0: `K(x, ·) = 0`, so `G_0 = 0` and `m_n` is undefined).
    /// The ReLU-net adds inputs of both signs at σ_b = 0, d = 1 (see `ReLUNetArchitecture`).
    public func couplingUnsupportedReason(inputs: [[Double]]) -> String? {
        if inputDimension > CutoffIntegrals.maximumDimension {
            return "the \(Self.displayName)'s coupling integrals over [−Λ, Λ]^d are offered for d ≤ \(CutoffIntegrals.maximumDimension) (a product rule; got d = \(inputDimension))"
        }
        if let p = inputs.firstIndex(where: { preactivationCovariance($0, $0) == 0 }) {
            return "input point \(p + 1) is 0 at σ_b = 0: the \(Self.displayName)'s neuron vanishes there for every draw, so K = 0 and m_n = ΔG/G_0 is undefined"
        }
        if Self.activation == .relu, sigmaB == 0, inputDimension == 1, inputs.contains(where: { $0[0] < 0 }),
           inputs.contains(where: { $0[0] > 0 }) {
            return "at σ_b = 0 a 1-d ReLU neuron max(W0 x, 0) vanishes on one side of 0 in every draw, so inputs of opposite signs have K_W = 0 and N_K = 0 for any combination mixing them: give inputs of one sign, or σ_b > 0"
        }
        return nil
    }
}

/// ReLU-net: `σ(z) = max(z, 0)`. Arc-cosine kernel (Cho & Saul 2009; seed 003 writes it with the
/// square root misplaced over the angular factor):
///
///     H_2(x, y) = (1/2π) √(q_x q_y) (sin θ + (π − θ) cos θ),   cos θ = c(x,y)/√(q_x q_y),
///
/// `c(x,y) = σ_b² + σ_W² x·y/d`, `q_x = c(x,x)`; `H_2 = 0` when `q_x q_y = 0`.
/// At σ_b = 0, d = 1 and positive inputs every neuron is `x_a max(W0, 0)`, so
/// `H_n = σ_W^n Π_a x_a · E[max(z,0)^n] = σ_W^n Π x_a (n−1)!!/2` (n even) and, with `K = K_W`,
/// `m_4 = 5/N` and `m_6 = 15/N + 44/N²` for every combination.
public struct ReLUNetArchitecture: ActivationNetArchitecture {
    public static let kind = ArchitectureKind.reluNet
    public static let displayName = "ReLU-net"
    public static let neuronFormula = "g(x) = max(W0·x + b0, 0), W0 ~ N(0, σ_W²/d), b0 ~ N(0, σ_b²)"
    public static let activation = Activation.relu
    /// HMS's ReLU inputs.
    public static let defaultInputs: [[Double]] = [0.2, 0.4, 0.6, 0.8, 1.0, 1.2].map { [$0] }

    public let sigmaW: Double
    public let sigmaB: Double
    public let inputDimension: Int
    public var cutoff = defaultIntegrationCutoff

    public init(sigmaW: Double, sigmaB: Double, inputDimension: Int) {
        self.sigmaW = sigmaW
        self.sigmaB = sigmaB
        self.inputDimension = inputDimension
    }

    public func closedFormTwoPoint(_ x: [Double], _ y: [Double]) -> Double? {
        let q = (preactivationCovariance(x, x) * preactivationCovariance(y, y)).squareRoot()
        guard q > 0 else { return 0 }
        let cosine = min(max(preactivationCovariance(x, y) / q, -1), 1)
        let theta = acos(cosine)
        return q * (sin(theta) + (Double.pi - theta) * cosine) / (2 * Double.pi)
    }
}

/// Erf-net: `σ(z) = erf(z)`. Arcsine kernel (Williams 1997; seed 003):
///
///     H_2(x, y) = (2/π) arcsin(2c(x,y) / √((1 + 2q_x)(1 + 2q_y))),   c, q as for the ReLU-net.
public struct ErfNetArchitecture: ActivationNetArchitecture {
    public static let kind = ArchitectureKind.erfNet
    public static let displayName = "Erf-net"
    public static let neuronFormula = "g(x) = erf(W0·x + b0), W0 ~ N(0, σ_W²/d), b0 ~ N(0, σ_b²)"
    public static let activation = Activation.erf
    /// HMS's Erf inputs.
    public static let defaultInputs: [[Double]] = [-1, -0.6, -0.2, 0.2, 0.6, 1].map { [$0] }

    public let sigmaW: Double
    public let sigmaB: Double
    public let inputDimension: Int
    public var cutoff = defaultIntegrationCutoff

    public init(sigmaW: Double, sigmaB: Double, inputDimension: Int) {
        self.sigmaW = sigmaW
        self.sigmaB = sigmaB
        self.inputDimension = inputDimension
    }

    public func closedFormTwoPoint(_ x: [Double], _ y: [Double]) -> Double? {
        let denominator = ((1 + 2 * preactivationCovariance(x, x)) * (1 + 2 * preactivationCovariance(y, y))).squareRoot()
        return 2 / Double.pi * asin(min(max(2 * preactivationCovariance(x, y) / denominator, -1), 1))
    }
}

/// Hidden layer of an activation network at fixed inputs (`pointScale` = 1).
///
/// Random numbers: `drawNeuron` (conditional estimator) draws per neuron `d` normals for `W0`, then
/// one for `b0`. The direct network (`sumNeurons`, up to 64 inputs) runs in the C kernel
/// `frg_activation_direct`, which draws all `W0` (neuron `i`'s component `j` at `i·d + j`), then all
/// `b0` (skipped at σ_b = 0, where they would be multiplied by 0), then all `W1`.
public struct ActivationLayer: HiddenLayerSampler {
    public let pointCount: Int
    public let pointScale: [Double]
    let activation: Activation
    let dimension: Int
    let weightScale: Double
    let biasScale: Double
    /// Inputs, flattened `[p * d + k]`.
    let flatInputs: [Double]

    init(inputs: [[Double]], activation: Activation, sigmaW: Double, sigmaB: Double, inputDimension d: Int) {
        pointCount = inputs.count
        pointScale = [Double](repeating: 1, count: inputs.count)
        self.activation = activation
        dimension = d
        weightScale = sigmaW / Double(d).squareRoot()
        biasScale = sigmaB
        flatInputs = inputs.flatMap { $0 }
    }

    @inline(__always)
    public func drawNeuron(_ stream: inout CounterRandomStream, into out: UnsafeMutablePointer<Double>) {
        flatInputs.withUnsafeBufferPointer { xs in
            var w = [Double](repeating: 0, count: dimension)
            for k in 0..<dimension { w[k] = weightScale * stream.nextNormal() }
            let b = biasScale * stream.nextNormal()
            for p in 0..<pointCount {
                var z = b
                for k in 0..<dimension { z = z.addingProduct(w[k], xs[p * dimension + k]) }  // as the C kernel
                out[p] = activation(z)
            }
        }
    }

    public func sumNeurons(_ stream: inout CounterRandomStream, width: Int, readoutScale: Double,
                           workspace: NeuronWorkspace, field f: UnsafeMutablePointer<Double>) {
        guard pointCount <= Int(FRG_ACTIVATION_MAX_POINTS) else {
            return sumNeuronsOneByOne(&stream, width: width, readoutScale: readoutScale, workspace: workspace, field: f)
        }
        stream.directActivation(width: width, points: pointCount, dimension: dimension, inputs: flatInputs,
                                activation: activation, weightScale: weightScale, biasScale: biasScale,
                                readoutScale: readoutScale, field: f)
    }
}
