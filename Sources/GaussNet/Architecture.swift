import Foundation

/// The architectures the sampler knows. Both are one-hidden-layer networks
///
///     f(x) = Σ_{i=1..N} W1_i g_i(x) + b1,   W1_i ~ N(0, σ_W²/N),   b1 ~ N(0, σ_b²),
///
/// with i.i.d. neurons `g_i`; they differ in the neuron. Both are normalized so that the
/// single-neuron two-point function is `H_2(x,y) = exp(−σ_W² |x−y|²/(2d))`, hence both have the
/// Gaussian-process kernel `K(x,y) = σ_b² + σ_W² exp(−σ_W² |x−y|²/(2d))` (PHYSICS.md §2) — the
/// "dual" pair of seed 003 — and differ only at finite width.
public enum ArchitectureKind: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// `g(x) = exp(W0·x + b0) / exp(σ_b² + σ_W² |x|²/d)`, `W0 ~ N(0, σ_W²/d)`, `b0 ~ N(0, σ_b²)`.
    case gaussNet = "gaussnet"
    /// `g(x) = √2 cos(W0·x + c)`, `W0 ~ N(0, σ_W²/d)`, `c ~ U[−π, π)`. `σ_b` enters only through `b1`.
    case cosNet = "cosnet"

    public var description: String { rawValue }

    /// The architecture's exact formulas at the given hyperparameters.
    public func architecture(sigmaW: Double, sigmaB: Double, inputDimension: Int) -> any Architecture {
        switch self {
        case .gaussNet: return GaussNetArchitecture(sigmaW: sigmaW, sigmaB: sigmaB, inputDimension: inputDimension)
        case .cosNet: return CosNetArchitecture(sigmaW: sigmaW, sigmaB: sigmaB, inputDimension: inputDimension)
        }
    }
}

/// A one-hidden-layer architecture: its neuron, the neuron correlators `H_n` in closed form, and
/// a sampler of hidden layers specialized to a fixed set of inputs.
///
/// Conventions (PHYSICS.md §2): `d` is the input dimension, `W0 ~ N(0, σ_W²/d)` componentwise,
/// the read-out weights `W1 ~ N(0, σ_W²/N)` and bias `b1 ~ N(0, σ_b²)` are common to every
/// architecture and are not part of the neuron.
public protocol Architecture: Sendable {
    associatedtype Layer: HiddenLayerSampler

    var kind: ArchitectureKind { get }
    /// Standard deviation scale `σ_W` of the weights (dimensionless).
    var sigmaW: Double { get }
    /// Standard deviation `σ_b` of the biases.
    var sigmaB: Double { get }
    /// Input dimension `d ≥ 1`.
    var inputDimension: Int { get }

    /// Exact neuron correlator `H_n(x_1, …, x_n) = E[g(x_1) ⋯ g(x_n)]` over the hidden parameters
    /// of one neuron. Each point has `inputDimension` components.
    func neuronCorrelator(_ points: [[Double]]) -> Double

    /// A sampler of this architecture's hidden neurons evaluated at `inputs`.
    func hiddenLayer(inputs: [[Double]]) -> Layer
}

extension Architecture {
    /// The weight part of the kernel, `K_W(x,y) = σ_W² H_2(x,y) = σ_W² exp(−σ_W²|x−y|²/(2d))`:
    /// the propagator used on external legs and internal lines of tree diagrams.
    public func weightKernel(_ x: [Double], _ y: [Double]) -> Double {
        sigmaW * sigmaW * neuronCorrelator([x, y])
    }

    /// The Gaussian-process kernel `K(x,y) = σ_b² + K_W(x,y)`, exact at every width.
    public func kernel(_ x: [Double], _ y: [Double]) -> Double {
        sigmaB * sigmaB + weightKernel(x, y)
    }

    /// Exact connected four-point function at width `N` (seed 003, PHYSICS.md §2):
    ///
    ///     G_c^(4) = (σ_W⁴/N) [3 H_4(1234) − H_2(12)H_2(34) − H_2(13)H_2(24) − H_2(14)H_2(23)]
    ///
    /// It is `N` times the fourth joint cumulant of one term `W1 g(x)`, using `E[W1⁴] = 3(σ_W²/N)²`;
    /// the Gaussian bias `b1` has no connected part beyond two points.
    public func exactConnectedFourPoint(_ x: [[Double]], width: Int) -> Double {
        precondition(x.count == 4)
        let s4 = pow(sigmaW, 4) / Double(width)
        let h = { (a: Int, b: Int) in self.neuronCorrelator([x[a], x[b]]) }
        return s4 * (3 * neuronCorrelator(x) - h(0, 1) * h(2, 3) - h(0, 2) * h(1, 3) - h(0, 3) * h(1, 2))
    }

    /// Exact connected six-point function at width `N`:
    ///
    ///     G_c^(6) = (σ_W⁶/N²) [15 H_6 − 3 Σ_{15 splits A|B, |A|=4} H_4(A) H_2(B) + 2 Σ_{15 pairings} H_2 H_2 H_2]
    ///
    /// Derivation: `f − b1` is a sum of `N` i.i.d. terms `φ = W1 g`, so its joint cumulants are `N`
    /// times those of `φ`, whose moments are `E[W1^n] H_n` with `E[W1²] = s`, `E[W1⁴] = 3s²`,
    /// `E[W1⁶] = 15s³`, `s = σ_W²/N`. The moment–cumulant formula
    /// `κ_6 = m_6 − Σ_15 κ_4 κ_2 − Σ_15 κ_2κ_2κ_2` with `κ_4 = s²(3H_4 − Σ_3 H_2H_2)` gives the bracket
    /// (each full pairing arises 3 times from the `κ_4 κ_2` terms). Check: for a deterministic neuron
    /// (`H_n` factorizing) the bracket is `15 − 45 + 30 = 0`, as it must for Gaussian `W1`.
    public func exactConnectedSixPoint(_ x: [[Double]], width: Int) -> Double {
        precondition(x.count == 6)
        let s6 = pow(sigmaW, 6) / (Double(width) * Double(width))
        let h2 = { (a: Int, b: Int) in self.neuronCorrelator([x[a], x[b]]) }
        var fourTwo = 0.0
        for pair in Combinatorics.pairs(of: 6) {
            let rest = (0..<6).filter { $0 != pair.0 && $0 != pair.1 }.map { x[$0] }
            fourTwo += neuronCorrelator(rest) * h2(pair.0, pair.1)
        }
        var twoTwoTwo = 0.0
        for pairing in Combinatorics.pairings(of: 6) {
            var product = 1.0
            for p in pairing { product *= h2(p.0, p.1) }
            twoTwoTwo += product
        }
        return s6 * (15 * neuronCorrelator(x) - 3 * fourTwo + 2 * twoTwoTwo)
    }
}

/// Draws hidden neurons of one architecture evaluated at a fixed list of inputs.
///
/// The sampler's contract: `drawNeuron` consumes random numbers from `stream` in a fixed order and
/// writes `g̃(x_p)` for every input `p`, where the true neuron is `g(x_p) = pointScale[p] · g̃(x_p)`.
/// Factoring a per-point constant out lets an implementation keep it out of the per-neuron work.
public protocol HiddenLayerSampler: Sendable {
    /// Number of inputs `P`.
    var pointCount: Int { get }
    /// Per-point constant factor applied after summing over neurons.
    var pointScale: [Double] { get }
    /// Draws one neuron's hidden parameters from `stream` and writes `g̃(x_p)` to `out[0..<P]`.
    func drawNeuron(_ stream: inout CounterRandomStream, into out: UnsafeMutablePointer<Double>)

    /// One network of the direct estimator: draws the hidden parameters and `W1 = readoutScale · z`
    /// of `width` neurons (default: neuron by neuron, hidden parameters then `W1`; an implementation
    /// may fix another order, see `GaussNetLayer`), and writes `Σ_i W1_i g̃_i(x_p)` to `field[0..<P]`.
    func sumNeurons(_ stream: inout CounterRandomStream, width: Int, readoutScale: Double,
                    workspace: NeuronWorkspace, field: UnsafeMutablePointer<Double>)

    /// One network of the conditional estimator: writes `Σ_i g̃_i(x_a) g̃_i(x_b)` for each pair
    /// `(a, b) = (pairs[2k], pairs[2k+1])` to `products[k]`.
    func sumNeuronPairs(_ stream: inout CounterRandomStream, width: Int, pairs: UnsafePointer<Int>,
                        pairCount: Int, workspace: NeuronWorkspace, products: UnsafeMutablePointer<Double>)
}

/// Per-worker buffers for batched neuron evaluation (sized once for a width and point count).
public final class NeuronWorkspace {
    let capacity: Int
    /// Normal draws of one network (conditional: 2 per neuron) or the direct kernel's scratch.
    let normals: UnsafeMutablePointer<Double>
    let weights: UnsafeMutablePointer<Double>
    let biases: UnsafeMutablePointer<Double>
    let neuron: UnsafeMutablePointer<Double>
    let lanes: UnsafeMutablePointer<SIMD4<Double>>

    init(width: Int, pointCount: Int) {
        capacity = (width + 3) / 4 * 4
        normals = .allocate(capacity: max(2 * capacity, CounterRandomStream.directScratchCount(width: width)))
        weights = .allocate(capacity: capacity)
        biases = .allocate(capacity: capacity)
        neuron = .allocate(capacity: max(pointCount, 1))
        // Pair accumulators (conditional) or the 12(P−1)+3 power sums (marginal).
        lanes = .allocate(capacity: max(pointCount * (pointCount + 1) / 2, 12 * pointCount + 3, 1))
    }

    deinit {
        normals.deallocate()
        weights.deallocate()
        biases.deallocate()
        neuron.deallocate()
        lanes.deallocate()
    }
}

extension HiddenLayerSampler {
    @inline(__always)
    public func sumNeurons(_ stream: inout CounterRandomStream, width: Int, readoutScale: Double,
                           workspace: NeuronWorkspace, field f: UnsafeMutablePointer<Double>) {
        let g = workspace.neuron
        let p = pointCount
        for k in 0..<p { f[k] = 0 }
        for _ in 0..<width {
            drawNeuron(&stream, into: g)
            let w = readoutScale * stream.nextNormal()
            for k in 0..<p { f[k] += w * g[k] }
        }
    }

    @inline(__always)
    public func sumNeuronPairs(_ stream: inout CounterRandomStream, width: Int, pairs: UnsafePointer<Int>,
                               pairCount q: Int, workspace: NeuronWorkspace, products: UnsafeMutablePointer<Double>) {
        let g = workspace.neuron
        for k in 0..<q { products[k] = 0 }
        for _ in 0..<width {
            drawNeuron(&stream, into: g)
            for k in 0..<q { products[k] += g[pairs[2 * k]] * g[pairs[2 * k + 1]] }
        }
    }
}

// MARK: - Gauss-net

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
public struct GaussNetArchitecture: Architecture {
    public let sigmaW: Double
    public let sigmaB: Double
    public let inputDimension: Int
    public var kind: ArchitectureKind { .gaussNet }

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
public struct GaussNetLayer: HiddenLayerSampler {
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
            let g = workspace.neuron
            for k in 0..<pointCount { f[k] = 0 }
            for _ in 0..<width {
                drawNeuron(&stream, into: g)
                let w = readoutScale * stream.nextNormal()
                for k in 0..<pointCount { f[k] += w * g[k] }
            }
            return
        }
        stream.directGaussNet(width: width, points: pointCount, start: progression.start, step: progression.step,
                              weightScale: weightScale, biasScale: biasScale, readoutScale: readoutScale,
                              shift: shift, scratch: workspace.normals, field: f)
    }

    /// One network of the marginal estimator (equally spaced inputs only): draws `W0_i` for each
    /// neuron and writes the power sums `Q_k(m) = Σ_i exp(W0_i (k x_0 + m h))` for k = 2, 4, 6 and
    /// `m = 0 … k(P−1)` to `q2`, `q4`, `q6`. The product of `v_i` over any multiset of `k` inputs is
    /// `Π pointScale · Q`-summand at `m` = the sum of the input indices.
    func sumMarginalPowers(_ stream: inout CounterRandomStream, width: Int, workspace: NeuronWorkspace,
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
            let g = workspace.neuron
            for k in 0..<q { products[k] = 0 }
            for _ in 0..<width {
                drawNeuron(&stream, into: g)
                for k in 0..<q { products[k] += g[pairs[2 * k]] * g[pairs[2 * k + 1]] }
            }
            return
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

// MARK: - Cos-net

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
public struct CosNetArchitecture: Architecture {
    public let sigmaW: Double
    public let sigmaB: Double
    public let inputDimension: Int
    public var kind: ArchitectureKind { .cosNet }

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
