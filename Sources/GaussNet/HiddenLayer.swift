/// Draws hidden neurons of one architecture evaluated at a fixed list of inputs.
///
/// The sampler's contract: `drawNeuron` consumes random numbers from `stream` in a fixed order and
/// writes `g̃(x_p)` for every input `p`, where the true neuron is `g(x_p) = pointScale[p] · g̃(x_p)`.
/// Factoring a per-point constant out lets an implementation keep it out of the per-neuron work.
public protocol HiddenLayerSampler: Sendable {
    /// The marginal estimator's sampler of this layer (`NoMarginalSampler` when it has none).
    associatedtype Marginal: MarginalPowerSampler = NoMarginalSampler
    /// The importance estimator's sampler of this layer (`NoImportanceSampler` when it has none).
    associatedtype Importance: ImportanceSampler = NoImportanceSampler

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

    /// The marginal estimator at these inputs, or nil when this layer cannot integrate its neurons'
    /// amplitude out here (the default). `Architecture.unsupportedReason` is derived from it.
    var marginal: Marginal? { get }

    /// The importance estimator at these inputs, or nil when this layer has none (the default).
    /// `Architecture.importanceUnsupportedReason` is derived from it.
    var importance: Importance? { get }
}

/// The marginal estimator's per-network work (`Estimator.marginal`), an optional capability of a
/// hidden layer.
///
/// Contract: each neuron's term is `W1_i g_i(x) = A_i v_i(x)` with an i.i.d. scalar amplitude `A`
/// (it carries `W1` and every hidden parameter but the shape's) independent of a random shape `v_i`;
/// on the layer's (equally spaced) inputs `x_p`, the shape is `v_i(x_p) = pointScale[p] · c_i r_i^p`,
/// so the product of `v̂_i = c_i r_i^p` over any multiset of `k` inputs depends only on the sum `m`
/// of their indices.
public protocol MarginalPowerSampler: Sendable {
    /// The amplitude's cumulants `κ_4(A)`, `κ_6(A)` for the read-out variance `s = σ_W²/N`.
    func amplitudeCumulants(readoutVariance s: Double) -> (kappa4: Double, kappa6: Double)

    /// One network: draws the shapes of `width` neurons and writes the power sums
    /// `Q_k(m) = Σ_i c_i^k r_i^m` for k = 2, 4, 6 and `m = 0 … k(P−1)` to `q2`, `q4`, `q6`.
    func sumMarginalPowers(_ stream: inout CounterRandomStream, width: Int, workspace: NeuronWorkspace,
                           q2: UnsafeMutablePointer<Double>, q4: UnsafeMutablePointer<Double>,
                           q6: UnsafeMutablePointer<Double>)
}

/// The `Marginal` of layers without a marginal estimator: it has no values.
public enum NoMarginalSampler: MarginalPowerSampler {
    public func amplitudeCumulants(readoutVariance s: Double) -> (kappa4: Double, kappa6: Double) {
        switch self {}
    }

    public func sumMarginalPowers(_ stream: inout CounterRandomStream, width: Int, workspace: NeuronWorkspace,
                                  q2: UnsafeMutablePointer<Double>, q4: UnsafeMutablePointer<Double>,
                                  q6: UnsafeMutablePointer<Double>) {
        switch self {}
    }
}

extension HiddenLayerSampler where Marginal == NoMarginalSampler {
    public var marginal: NoMarginalSampler? { nil }
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
        sumNeuronsOneByOne(&stream, width: width, readoutScale: readoutScale, workspace: workspace, field: f)
    }

    @inline(__always)
    public func sumNeuronPairs(_ stream: inout CounterRandomStream, width: Int, pairs: UnsafePointer<Int>,
                               pairCount q: Int, workspace: NeuronWorkspace, products: UnsafeMutablePointer<Double>) {
        sumNeuronPairsOneByOne(&stream, width: width, pairs: pairs, pairCount: q, workspace: workspace, products: products)
    }

    /// `sumNeurons` neuron by neuron through `drawNeuron` (hidden parameters, then `W1`): the
    /// default, and the fallback of layers with a batched kernel for some inputs only.
    @inline(__always)
    func sumNeuronsOneByOne(_ stream: inout CounterRandomStream, width: Int, readoutScale: Double,
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

    /// `sumNeuronPairs` neuron by neuron through `drawNeuron`: the default, and the fallback of
    /// layers with a batched kernel for some inputs only.
    @inline(__always)
    func sumNeuronPairsOneByOne(_ stream: inout CounterRandomStream, width: Int, pairs: UnsafePointer<Int>,
                                pairCount q: Int, workspace: NeuronWorkspace, products: UnsafeMutablePointer<Double>) {
        let g = workspace.neuron
        for k in 0..<q { products[k] = 0 }
        for _ in 0..<width {
            drawNeuron(&stream, into: g)
            for k in 0..<q { products[k] += g[pairs[2 * k]] * g[pairs[2 * k + 1]] }
        }
    }
}
