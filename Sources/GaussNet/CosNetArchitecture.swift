import Foundation

/// The Cos-net of seed 003, normalized like the Gauss-net: `g(x) = √2 cos(W0·x + c)`,
/// `W0 ~ N(0, σ_W²/d)`, `c ~ U[−π, π)`.
///
/// Neuron correlators: writing `Π_j cos θ_j = 2^{1−n} Σ_{s ∈ {±1}^n, s_1 = +1} cos(Σ_j s_j θ_j)`, the
/// phase average kills every term with `Σ_j s_j ≠ 0`, and `E cos(W0·y) = exp(−σ_W²|y|²/(2d))`:
///
///     H_n(x_1..x_n) = 2^{1 − n/2} Σ_{s_1 = +1, Σ s_j = 0} exp(−σ_W²/(2d) |Σ_j s_j x_j|²)   (n even; 0 for n odd)
///
/// e.g. `H_2 = exp(−σ_W²|x−y|²/(2d))`, `H_4 = ½ Σ_3 exp(−σ_W²|x_1 ± x_2 ∓ …|²/(2d))`.
/// Seed 003 uses `cos` without `√2` and output variance `σ_a²/N`; its `G_c^(4)` prefactor `σ_a⁴/(8N)`
/// is our `σ_W⁴/N` with `σ_a² = 2σ_W²` (its `σ_b` is our `σ_W`). Its formula agrees term by term with
/// `(σ_W⁴/N)[3H_4 − Σ_3 H_2H_2]` with the `H_n` above.
///
/// Its weight kernel is the Gaussian one (`GaussianKernelArchitecture`); it has no marginal
/// estimator (the neuron has no separate amplitude to integrate out) and no importance estimator
/// (nothing heavy-tailed to tilt).
public struct CosNetArchitecture: GaussianKernelArchitecture {
    public static let kind = ArchitectureKind.cosNet
    public static let displayName = "Cos-net"
    public static let neuronFormula = "g(x) = √2 cos(W0·x + c), W0 ~ N(0, σ_W²/d), c ~ U[−π, π)"
    public static let marginalEstimatorRequirement: String? = nil

    public let sigmaW: Double
    public let sigmaB: Double
    public let inputDimension: Int

    public init(sigmaW: Double, sigmaB: Double, inputDimension: Int) {
        self.sigmaW = sigmaW
        self.sigmaB = sigmaB
        self.inputDimension = inputDimension
    }

    public func neuronCorrelator(_ points: [[Double]]) -> Double {
        let n = points.count
        guard n % 2 == 0 else { return 0 }
        if n == 0 { return 1 }
        let d = inputDimension
        let alpha = sigmaW * sigmaW / (2 * Double(d))
        var total = 0.0
        // Sign patterns with s_0 = +1: bit j of `mask` (j = 1..n-1) set means s_j = −1.
        for mask in 0..<(1 << (n - 1)) {
            let negatives = (mask).nonzeroBitCount
            guard n - negatives == negatives else { continue }
            var y = [Double](repeating: 0, count: d)
            for (j, x) in points.enumerated() {
                let sign: Double = j > 0 && (mask >> (j - 1)) & 1 == 1 ? -1 : 1
                for k in 0..<d { y[k] += sign * x[k] }
            }
            total += exp(-alpha * y.reduce(0) { $0 + $1 * $1 })
        }
        return pow(2, 1 - Double(n) / 2) * total
    }

    public func hiddenLayer(inputs: [[Double]]) -> CosNetLayer {
        CosNetLayer(inputs: inputs, sigmaW: sigmaW, inputDimension: inputDimension)
    }

    /// The importance estimator tilts the Gauss-net's heavy `e^{b0}` amplitude; the Cos-net has none.
    public func importanceUnsupportedReason(inputs: [[Double]]) -> String? {
        "the importance estimator tilts the Gauss-net's heavy e^{b0} amplitude tail; the Cos-net's neuron is bounded (|g| ≤ √2) and its only tail is the Gaussian W1, so the direct and conditional estimators already have finite variance there"
    }
}

/// Hidden layer of the Cos-net at fixed inputs. Random numbers per neuron, in order: `d` normals
/// for `W0`, one uniform for the phase `c`.
public struct CosNetLayer: HiddenLayerSampler {
    public let pointCount: Int
    public let pointScale: [Double]
    let dimension: Int
    let weightScale: Double
    let flatInputs: [Double]

    init(inputs: [[Double]], sigmaW: Double, inputDimension d: Int) {
        pointCount = inputs.count
        pointScale = [Double](repeating: 2.0.squareRoot(), count: inputs.count)
        dimension = d
        weightScale = sigmaW / Double(d).squareRoot()
        flatInputs = inputs.flatMap { $0 }
    }

    @inline(__always)
    public func drawNeuron(_ stream: inout CounterRandomStream, into out: UnsafeMutablePointer<Double>) {
        flatInputs.withUnsafeBufferPointer { xs in
            for p in 0..<pointCount { out[p] = 0 }
            for k in 0..<dimension {
                let w = weightScale * stream.nextNormal()
                for p in 0..<pointCount { out[p] += w * xs[p * dimension + k] }
            }
            let phase = Double.pi * (2 * stream.nextUniform() - 1)
            for p in 0..<pointCount { out[p] = cos(out[p] + phase) }
        }
    }
}
