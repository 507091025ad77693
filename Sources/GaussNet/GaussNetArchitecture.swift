import Foundation
import TextOutput

/// The Gauss-net of seed 001 / PHYSICS.md §2: `g(x) = exp(W0·x + b0 − σ_b² − σ_W²|x|²/d)`.
///
/// Neuron correlators (Gaussian integral over `W0 ~ N(0, σ_W²/d · 1)`, `b0 ~ N(0, σ_b²)`):
///
///     H_n(x_1..x_n) = exp( σ_W²/(2d) |Σ_j x_j|² − σ_W²/d Σ_j |x_j|² + σ_b² (n²/2 − n) )
///
/// so `H_2(x,y) = exp(−σ_W²|x−y|²/(2d))` and `H_4(x,x,x,x) = e^{4σ_b²}`. Seed 003 writes the same
/// network with output weights of variance `σ_a²/(2N)`; its `G_c^(4)` prefactor `σ_a⁴/(4N)` is our
/// `σ_W⁴/N` with `σ_a² = 2σ_W²`, its `σ_b` is our `σ_W` and its `σ_c` our `σ_b`. For `d > 1` seed 003
/// sums `exp(b_ij x_j + c)` over input components, which would not give the translation-invariant
/// kernel; we follow PHYSICS.md (`exp(W0·x + b0)`).
///
/// Its weight kernel is the Gaussian one (`GaussianKernelArchitecture`). Its layer offers the
/// marginal estimator on equally spaced 1-d inputs: each neuron's term is `A v(x)` with the
/// amplitude `A = W1 e^{b0 − σ_b²}` and the shape `v(x) = exp(W0 x − σ_W² x²/d)`.
public struct GaussNetArchitecture: GaussianKernelArchitecture {
    public static let kind = ArchitectureKind.gaussNet
    public static let displayName = "Gauss-net"
    public static let neuronFormula = "g(x) = exp(W0·x + b0 − σ_b² − σ_W²|x|²/d), W0 ~ N(0, σ_W²/d), b0 ~ N(0, σ_b²)"
    public static let marginalEstimatorRequirement: String? = "the Gauss-net with d = 1 and equally spaced inputs (at least two)"

    public let sigmaW: Double
    public let sigmaB: Double
    public let inputDimension: Int

    public init(sigmaW: Double, sigmaB: Double, inputDimension: Int) {
        self.sigmaW = sigmaW
        self.sigmaB = sigmaB
        self.inputDimension = inputDimension
    }

    public func neuronCorrelator(_ points: [[Double]]) -> Double {
        let n = Double(points.count)
        let d = Double(inputDimension)
        let (sumSquared, squares) = sumAndSquares(points, dimension: inputDimension)
        let s2 = sigmaW * sigmaW
        return exp(s2 / (2 * d) * sumSquared - s2 / d * squares + sigmaB * sigmaB * (n * n / 2 - n))
    }

    public func hiddenLayer(inputs: [[Double]]) -> GaussNetLayer {
        GaussNetLayer(inputs: inputs, sigmaW: sigmaW, sigmaB: sigmaB, inputDimension: inputDimension)
    }

    /// The direct and conditional estimators sample `e^{b0}`. The variance of an order-`n` estimate
    /// is dominated by neurons with `b0 ≈ 2nσ_b²`, i.e. `2nσ_b` standard deviations out (the peak of
    /// `e^{2n b0}` times the normal density); when the sample holds less than one such draw in
    /// expectation, `neurons · P(z > 2nσ_b) < 1`, the estimate and its error bar are both set by draws
    /// it has not seen and come out too small (PHYSICS.md §2, heavy tails). Otherwise (small `σ_b`, or
    /// a sample large enough) the tail does not explain a disagreement and nothing is said.
    public func estimatorCaveat(_ estimator: Estimator, order: Int, neurons: Double) -> String? {
        guard estimator == .direct || estimator == .conditional else { return nil }
        let expectedDraws = neurons * 0.5 * erfc(2 * Double(order) * sigmaB / 2.0.squareRoot())
        guard expectedDraws < 1 else { return nil }
        return "heavy tail: at σ_b = \(formatNumber(sigmaB)) the rare large e^{b0} draws that dominate the \(estimator) estimator's G^(\(order)) and its error are seldom in a sample of \(Int(neurons)) neurons, so both come out too small; --estimator importance samples them"
    }
}

/// Hidden layer of the Gauss-net at fixed inputs.
///
/// Random numbers per neuron, in order: `d` normals for `W0`, one for `b0` (`drawNeuron`; the
/// conditional estimator draws these pairs neuron after neuron, the marginal one only `W0`).
/// We write `g̃_p = exp(W0·x_p + b0 − σ_b²)` and `pointScale[p] = exp(−σ_W²|x_p|²/d)`.
/// For `d = 1` and equally spaced inputs `x_p = x_0 + p h` (to 1e-12 relative), `g̃_p` is computed as
/// `exp(W0 x_0 + b0 − σ_b²) · exp(W0 h)^p`: two `exp` per neuron instead of `P`. The direct network
/// on such inputs runs in the C kernel `frg_gaussnet_direct`, which draws all `W0`, then all `b0`,
/// then all `W1` (draws `i`, `N + i`, `2N + i` of the network's stream for neuron `i`).
public struct GaussNetLayer: HiddenLayerSampler, MarginalPowerSampler {
    public let pointCount: Int
    public let pointScale: [Double]
    let dimension: Int
    let weightScale: Double
    let biasScale: Double
    let shift: Double
    /// Inputs, flattened `[p * d + k]`.
    let flatInputs: [Double]
    /// Non-nil when `d = 1` and the inputs form an arithmetic progression: (x_0, h).
    let progression: (start: Double, step: Double)?

    init(inputs: [[Double]], sigmaW: Double, sigmaB: Double, inputDimension d: Int) {
        pointCount = inputs.count
        dimension = d
        weightScale = sigmaW / Double(d).squareRoot()
        biasScale = sigmaB
        shift = sigmaB * sigmaB
        flatInputs = inputs.flatMap { $0 }
        pointScale = inputs.map { x in exp(-sigmaW * sigmaW * x.reduce(0) { $0 + $1 * $1 } / Double(d)) }
        progression = GaussNetLayer.arithmeticProgression(inputs, dimension: d)
    }

    /// The marginal estimator needs the power-sum structure of equally spaced 1-d inputs.
    public var marginal: GaussNetLayer? { progression == nil ? nil : self }

    /// `A = W1 e^{b0 − σ_b²}` with `E[e^{k(b0 − σ_b²)}] = e^{(k²/2 − k)σ_b²}`: `E[A²] = s`,
    /// `E[A⁴] = 3s² e^{4σ_b²}`, `E[A⁶] = 15s³ e^{12σ_b²}`, so
    /// `κ_4(A) = 3s²(e^{4σ_b²} − 1)` and `κ_6(A) = 15s³(e^{12σ_b²} − 3e^{4σ_b²} + 2)`.
    public func amplitudeCumulants(readoutVariance s: Double) -> (kappa4: Double, kappa6: Double) {
        let e4 = exp(4 * biasScale * biasScale)
        return (3 * s * s * (e4 - 1), 15 * s * s * s * (exp(12 * biasScale * biasScale) - 3 * e4 + 2))
    }

    static func arithmeticProgression(_ inputs: [[Double]], dimension: Int) -> (start: Double, step: Double)? {
        guard dimension == 1, inputs.count >= 2 else { return nil }
        let xs = inputs.map { $0[0] }
        let h = (xs[xs.count - 1] - xs[0]) / Double(xs.count - 1)
        guard h != 0 else { return nil }
        let scale = xs.map { abs($0) }.max()!
        for (p, x) in xs.enumerated() where abs(x - (xs[0] + Double(p) * h)) > 1e-12 * scale {
            return nil
        }
        return (xs[0], h)
    }

    @inline(__always)
    public func drawNeuron(_ stream: inout CounterRandomStream, into out: UnsafeMutablePointer<Double>) {
        if let progression {
            let w = weightScale * stream.nextNormal()
            let b = biasScale * stream.nextNormal()
            var value = exp(w * progression.start + b - shift)
            let ratio = exp(w * progression.step)
            for p in 0..<pointCount {
                out[p] = value
                value *= ratio
            }
            return
        }
        flatInputs.withUnsafeBufferPointer { xs in
            if dimension == 1 {
                let w = weightScale * stream.nextNormal()
                let b = biasScale * stream.nextNormal() - shift
                for p in 0..<pointCount { out[p] = exp(w * xs[p] + b) }
                return
            }
            // d > 1: draw W0 one component at a time and accumulate W0·x_p for every point, so no
            // buffer of size d is needed.
            for p in 0..<pointCount { out[p] = 0 }
            for k in 0..<dimension {
                let w = weightScale * stream.nextNormal()
                for p in 0..<pointCount { out[p] += w * xs[p * dimension + k] }
            }
            let b = biasScale * stream.nextNormal() - shift
            for p in 0..<pointCount { out[p] = exp(out[p] + b) }
        }
    }

    /// Direct network: for equally spaced 1-d inputs the C kernel (vectorized normals, two `exp`
    /// per neuron: `c = W1 exp(W0 x_0 + b0 − σ_b²)`, `f_p += c · exp(W0 h)^p`; it draws all `W0`,
    /// then all `b0`, then all `W1`); otherwise neuron by neuron (`W0`, `b0`, `W1` for each).
    public func sumNeurons(_ stream: inout CounterRandomStream, width: Int, readoutScale: Double,
                           workspace: NeuronWorkspace, field f: UnsafeMutablePointer<Double>) {
        guard let progression, pointCount <= CounterRandomStream.directMaxPoints else {
            return sumNeuronsOneByOne(&stream, width: width, readoutScale: readoutScale, workspace: workspace, field: f)
        }
        stream.directGaussNet(width: width, points: pointCount, start: progression.start, step: progression.step,
                              weightScale: weightScale, biasScale: biasScale, readoutScale: readoutScale,
                              shift: shift, scratch: workspace.normals, field: f)
    }

    /// One network of the marginal estimator (equally spaced inputs only): draws `W0_i` for each
    /// neuron and writes the power sums `Q_k(m) = Σ_i exp(W0_i (k x_0 + m h))` for k = 2, 4, 6 and
    /// `m = 0 … k(P−1)` to `q2`, `q4`, `q6` (`c_i = e^{W0_i x_0}`, `r_i = e^{W0_i h}`). The product of
    /// `v_i` over any multiset of `k` inputs is `Π pointScale · Q`-summand at `m` = the sum of the
    /// input indices.
    public func sumMarginalPowers(_ stream: inout CounterRandomStream, width: Int, workspace: NeuronWorkspace,
                           q2: UnsafeMutablePointer<Double>, q4: UnsafeMutablePointer<Double>,
                           q6: UnsafeMutablePointer<Double>) {
        guard let progression else { preconditionFailure("validated: marginal needs equally spaced inputs") }
        let w = workspace.weights
        stream.fillNormals(w, count: width)
        for i in 0..<width { w[i] *= weightScale }
        let p = pointCount
        let n2 = 2 * (p - 1) + 1, n4 = 4 * (p - 1) + 1, n6 = 6 * (p - 1) + 1
        let acc = workspace.lanes  // capacity ≥ n2 + n4 + n6 (allocated by NeuronWorkspace)
        for k in 0..<(n2 + n4 + n6) { acc[k] = .zero }
        let start = SIMD4(repeating: progression.start), step = SIMD4(repeating: progression.step)
        let wv = UnsafeRawPointer(w).assumingMemoryBound(to: SIMD4<Double>.self)
        let blocks = (width + 3) / 4
        // Padding lanes: zero their contribution through a mask rather than extreme exponents.
        let lastMask: SIMD4<Double> = {
            let r = width - (blocks - 1) * 4
            return SIMD4((0..<4).map { $0 < r ? 1.0 : 0.0 })
        }()
        for i in width..<workspace.capacity { w[i] = 0 }
        for block in 0..<blocks {
            let weight = wv[block]
            let e = fastExp(weight * start)
            let ratio = fastExp(weight * step)
            let mask = block == blocks - 1 ? lastMask : SIMD4(repeating: 1)
            let e2 = e * e * mask
            let e4 = e2 * e * e
            let e6 = e4 * e * e
            var power = SIMD4<Double>(repeating: 1)
            for m in 0..<n6 {
                if m < n2 { acc[m] += e2 * power }
                if m < n4 { acc[n2 + m] += e4 * power }
                acc[n2 + n4 + m] += e6 * power
                power *= ratio
            }
        }
        func fold(_ v: SIMD4<Double>) -> Double { (v[0] + v[1]) + (v[2] + v[3]) }
        for m in 0..<n2 { q2[m] = fold(acc[m]) }
        for m in 0..<n4 { q4[m] = fold(acc[n2 + m]) }
        for m in 0..<n6 { q6[m] = fold(acc[n2 + n4 + m]) }
    }

    /// Batched conditional network for equally spaced 1-d inputs (as `sumNeurons`, without `W1`).
    public func sumNeuronPairs(_ stream: inout CounterRandomStream, width: Int, pairs: UnsafePointer<Int>,
                               pairCount q: Int, workspace: NeuronWorkspace, products: UnsafeMutablePointer<Double>) {
        guard let progression, pointCount <= 12 else {
            return sumNeuronPairsOneByOne(&stream, width: width, pairs: pairs, pairCount: q, workspace: workspace,
                                          products: products)
        }
        let w = workspace.weights, b = workspace.biases, z = workspace.normals
        stream.fillNormals(z, count: 2 * width)
        for i in 0..<width {
            w[i] = weightScale * z[2 * i]
            b[i] = biasScale * z[2 * i + 1]
        }
        // Padding neurons: g = e^{−600} (inside fastExp's range), whose pair products underflow to 0.
        for i in width..<workspace.capacity { w[i] = 0; b[i] = -600 }
        let acc = workspace.lanes
        for k in 0..<q { acc[k] = .zero }
        let p = pointCount
        let start = SIMD4(repeating: progression.start), step = SIMD4(repeating: progression.step)
        let shiftVector = SIMD4(repeating: shift)
        let wv = UnsafeRawPointer(w).assumingMemoryBound(to: SIMD4<Double>.self)
        let bv = UnsafeRawPointer(b).assumingMemoryBound(to: SIMD4<Double>.self)
        var g = (SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero,
                 SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero,
                 SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero)
        withUnsafeMutableBytes(of: &g) { raw in
            let gv = raw.baseAddress!.assumingMemoryBound(to: SIMD4<Double>.self)
            for block in 0..<(workspace.capacity / 4) {
                let weight = wv[block]
                var c = fastExp(weight * start + bv[block] - shiftVector)
                let ratio = fastExp(weight * step)
                gv[0] = c
                for k in 1..<p {
                    c *= ratio
                    gv[k] = c
                }
                for k in 0..<q { acc[k] += gv[pairs[2 * k]] * gv[pairs[2 * k + 1]] }
            }
        }
        for k in 0..<q { products[k] = (acc[k][0] + acc[k][1]) + (acc[k][2] + acc[k][3]) }
    }
}
