import Foundation
import GaussNetKernels

// The importance estimator (`Estimator.importance`): whole networks sampled from a mixture proposal
// that over-samples large neuron amplitudes, each neuron carrying its importance weight; per network
// the tuple-weighted statistic T(c) of every multiset c of inputs, by a recursion over multisets.
//
// Why T(c) is unbiased: expand Π_{j∈c} f(x_j) = Π_j (Σ_i φ_i(x_j) + b1) over index tuples
// (neuron "b1" included). A tuple's product depends only on the distinct neurons it uses, which are
// independent, so weighting it by the product of their weights w_i = p/q makes its expectation under
// the proposal q that under the prior p. Summing over tuples with each distinct neuron's weight once
// is the exponential formula T(c) = Σ_{set partitions π of c} Π_{B∈π} κ_B with the block sums
// κ_B = Σ_i c_{|B|}(w_i) Π_{j∈B} φ_i(x_j) (+ b1 for |B| = 1), c_k the cumulants of a Bernoulli(w)
// variable X: by the moment–cumulant formula, the set partitions of the positions one neuron takes
// in a tuple sum to Π_B c_{|B|}(w) → E[X^m] = w, its weight once. With every w = 1, c_k(1) = 0 for
// k ≥ 2 and T(c) = Π f(x_j): the direct estimator.
//
// Why its errors are honest: the proposal mixes the amplitude's own tilts A^k/E[A^k] (k = 0, 2, 4, 6),
// so a neuron's weight bounds the amplitude powers of every tuple term it enters, w A^k ≤ E[A^k]/π_k.
// The rare large e^{b0} draws that make the direct estimator's sixth-order statistic effectively of
// infinite variance are drawn often by the tilted components and weighted down; the per-network
// statistic has a light tail, so the spread of bag means is the real spread.

/// The mixture proposal of the importance estimator: weights π_k of the components k = 0, 2, 4, 6.
/// Component k is the prior tilted by the amplitude power `A^k` (`A = W1 e^{b0 − σ_b²}`): b0 ~ N(kσ_b², σ_b²)
/// and `W1 = √s z` with `|z|² ~ χ²_{k+1}` (k = 0: the prior).
public struct ImportanceProposal: Sendable, Equatable {
    /// π_0, π_2, π_4, π_6 (non-negative, summing to 1, π_0 > 0).
    public let mixture: [Double]

    /// The mixture of the study (/work/research-estimator, "IS-amp"): π = (1/4, 1/4, 1/4, 1/4).
    public static let standard = ImportanceProposal(mixture: [0.25, 0.25, 0.25, 0.25])

    public init(mixture: [Double]) {
        precondition(mixture.count == 4 && mixture.allSatisfy { $0 >= 0 } && mixture[0] > 0)
        self.mixture = mixture
    }

    /// The kernels' constants: read-out scale `√s = σ_W/√N`, `W0`'s scale `σ_W/√d`, and `σ_b`.
    func parameters(readoutScale: Double, weightScale: Double, sigmaB: Double) -> frg_importance_params {
        let total = mixture.reduce(0, +)
        let pi = mixture.map { $0 / total }
        let b2 = sigmaB * sigmaB
        // E[A^k]/s^{k/2} = (k − 1)!! e^{(k²/2 − k) σ_b²} for k = 0, 2, 4, 6.
        let moments = [1, 1, 3 * exp(4 * b2), 15 * exp(12 * b2)]
        // Component c is the number of thresholds ≤ the uniform draw u ∈ (0, 1); threshold j is
        // π_0 + … + π_{j−1}, or 1 (never reached) when no later component has weight, so that
        // rounding of the cumulative sum cannot pick an empty component.
        func threshold(_ j: Int) -> Double {
            pi[j...].allSatisfy { $0 == 0 } ? 1 : pi[..<j].reduce(0, +)
        }
        return frg_importance_params(
            readout_scale: readoutScale,
            weight_scale: weightScale,
            bias_scale: sigmaB,
            threshold: (threshold(1), threshold(2), threshold(3)),
            centre: (-b2, b2, 3 * b2, 5 * b2),
            weight: (pi[0] / moments[0], pi[1] / moments[1], pi[2] / moments[2], pi[3] / moments[3]))
    }

    /// The weight of a neuron with `u = z e^{b0 − σ_b²}` (amplitude `A = √s u`), as the sampler
    /// computes it: `w = 1 / Σ_k π_k A^k / E[A^k]`.
    public func weight(u: Double, sigmaB: Double) -> Double {
        var p = parameters(readoutScale: 1, weightScale: 1, sigmaB: sigmaB)
        return frg_importance_weight(&p, u)
    }

    /// The k-th cumulant of a Bernoulli(w) variable (k = 1 … 6), as the kernels compute it.
    public static func bernoulliCumulant(_ k: Int, _ w: Double) -> Double {
        precondition((1...6).contains(k))
        return frg_bernoulli_cumulant(Int32(k), w)
    }
}

/// The importance estimator's per-network work (`Estimator.importance`), an optional capability of
/// a hidden layer (`HiddenLayerSampler.importance`).
///
/// Contract: `sumImportanceCumulants` draws one network's neurons from the proposal and writes the
/// columns of its block sums `κ̃` (one network's lane of `kappa`, every `stride`-th double) in the
/// layout `usesPowerSums` names (`ImportanceTables`): without `b1` and without the per-point factors
/// `pointScale`, which the recursion's coefficients and the sampler supply. `κ_1(p)` must come out as
/// `pointScale[p] · κ̃_1(p) + b1`, `κ_B = Π_{j∈B} pointScale[j] · κ̃_B` for `|B| ≥ 2`.
public protocol ImportanceSampler: Sendable {
    /// True: column `offset_k + m` holds `K_k(m) = Σ_i c_k(w_i) (A_i e^{W0_i x_0})^k r_i^m` for equally
    /// spaced 1-d inputs (a block's product depends only on the sum of its input indices). False: one
    /// column per multiset of inputs of size 1 … 6.
    var usesPowerSums: Bool { get }
    /// Per-worker buffers and constants for networks of `width` neurons.
    func makeWorkspace(width: Int, readoutScale: Double, tables: ImportanceTables) -> ImportanceWorkspace
    /// One network: draws its neurons from `stream` and writes its `κ̃` columns to `kappa[column · stride]`.
    func sumImportanceCumulants(_ stream: inout CounterRandomStream, width: Int, workspace: ImportanceWorkspace,
                                kappa: UnsafeMutablePointer<Double>, stride: Int)
}

/// The `Importance` of layers without an importance estimator: it has no values.
public enum NoImportanceSampler: ImportanceSampler {
    public var usesPowerSums: Bool { switch self {} }
    public func makeWorkspace(width: Int, readoutScale: Double, tables: ImportanceTables) -> ImportanceWorkspace {
        switch self {}
    }
    public func sumImportanceCumulants(_ stream: inout CounterRandomStream, width: Int, workspace: ImportanceWorkspace,
                                       kappa: UnsafeMutablePointer<Double>, stride: Int) {
        switch self {}
    }
}

extension HiddenLayerSampler where Importance == NoImportanceSampler {
    public var importance: NoImportanceSampler? { nil }
}

/// Per-worker buffers of one network's neurons (`frg_importance_draw`): W0 by component, `b0 − σ_b²`,
/// `z`, the normal draws, and the products kernel's work space; the proposal's constants.
public final class ImportanceWorkspace {
    let width: Int
    /// `width` rounded up to a multiple of 8 (the kernels' lanes).
    let capacity: Int
    let dimension: Int
    var parameters: frg_importance_params
    let normals: UnsafeMutablePointer<Double>
    /// Per neuron: 4 · (offset of its z normals) + component.
    let index: UnsafeMutablePointer<UInt64>
    /// `W0` component `j` of neuron `i` at `w0[j · capacity + i]`.
    let w0: UnsafeMutablePointer<Double>
    /// `b0 − σ_b²`.
    let beta: UnsafeMutablePointer<Double>
    let z: UnsafeMutablePointer<Double>
    /// `(2 · blocks + P) · 8` doubles for `frg_importance_products` (general inputs), else empty.
    let work: UnsafeMutablePointer<Double>
    /// The run's tables (the multisets' parents for general inputs).
    let tables: ImportanceTables

    init(width: Int, dimension: Int, parameters: frg_importance_params, tables: ImportanceTables) {
        self.width = width
        self.tables = tables
        let workCount = tables.usesPowerSums ? 0 : (2 * tables.blockCount + tables.pointCount) * 8
        capacity = (width + 7) / 8 * 8
        self.dimension = dimension
        self.parameters = parameters
        normals = .allocate(capacity: max(dimension * width, 7 * width + 6))
        index = .allocate(capacity: width)
        w0 = .allocate(capacity: dimension * capacity)
        beta = .allocate(capacity: capacity)
        z = .allocate(capacity: capacity)
        work = .allocate(capacity: max(workCount, 1))
    }

    deinit {
        normals.deallocate()
        index.deallocate()
        w0.deallocate()
        beta.deallocate()
        z.deallocate()
        work.deallocate()
    }

    /// Draws one network's neurons into `w0`, `beta`, `z` (padding to `capacity`).
    func draw(_ stream: inout CounterRandomStream) {
        let used = frg_importance_draw(stream.key, stream.stream, stream.position, Int32(width), Int32(dimension),
                                       &parameters, normals, index, capacity, w0, beta, z)
        stream.position += used
    }

    /// Sets the neurons by hand (tests): `W0` (by neuron, `d` components each), `b0 − σ_b²`, `z`.
    func setNeurons(w0 values: [[Double]], beta betas: [Double], z zs: [Double]) {
        precondition(values.count == width && betas.count == width && zs.count == width)
        for i in 0..<capacity {
            for j in 0..<dimension { w0[j * capacity + i] = i < width ? values[i][j] : 0 }
            beta[i] = i < width ? betas[i] : 0
            z[i] = i < width ? zs[i] : 0
        }
    }
}

/// Everything the importance estimator precomputes for a point count and a column layout, once per
/// run: the multisets of input indices of sizes 0 … 6 (sizes ascending, lexicographic within a
/// size), the recursion's operations, and for general inputs the multisets' parent table.
///
/// The recursion (`T(∅) = 1`, multisets in that order):
///
///     T(c) = Σ_S [Π_p C(m′_p, s_p)] · κ(c_1 ∪ S) · T(c ∖ (c_1 ∪ S)),
///
/// `S` over the sub-multisets of `c` with one copy of its first element `c_1` removed, `m′` the
/// multiplicities of that reduced multiset, `s` those of `S`: the subsets of the positions 2 … n that
/// give the same (block, rest) pair are merged into one operation with their count. `T(c)` is the sum
/// over index tuples of `Π_j φ_{i_j}(x_{c_j})` times the weight of each distinct neuron of the tuple
/// once (the set partitions of the positions of `c` grouped by the block that holds position 1).
/// For P = 6 it takes 11 087 multiply–adds per network.
public final class ImportanceTables: @unchecked Sendable {
    public let pointCount: Int
    public let usesPowerSums: Bool
    /// Multisets of sizes 0 … 6.
    let multisets: [[Int]]
    let index: [[Int]: Int]
    /// Columns of `κ̃` per network.
    public let columnCount: Int
    /// Recursion operations: those of multiset `t` are `start[t] ..< start[t + 1]`.
    public let operationCount: Int
    let start: UnsafeMutablePointer<Int32>
    let column: UnsafeMutablePointer<Int32>
    let rest: UnsafeMutablePointer<Int32>
    let coefficient: UnsafeMutablePointer<Double>
    /// Multisets of sizes 2, 4, 6, in that order (the layout of `BagResult`).
    public let outputCount: Int
    let output: UnsafeMutablePointer<Int32>
    /// General inputs: multiset `b + 1` (of sizes 1 … 6) is multiset `parent[b] + 1` with `last[b]` added.
    let blockParent: UnsafeMutablePointer<Int32>
    let blockLast: UnsafeMutablePointer<Int32>
    let blockSize: UnsafeMutablePointer<Int32>
    /// Number of multisets of sizes 1 … 6.
    var blockCount: Int { multisets.count - 1 }

    /// `pointScale`: the layer's per-point factors, folded into the coefficients of blocks of size ≥ 2.
    public init(pointCount p: Int, pointScale: [Double], usesPowerSums: Bool) {
        precondition(p >= 1 && p <= SamplerSettings.maximumInputCount && pointScale.count == p)
        pointCount = p
        self.usesPowerSums = usesPowerSums
        var all: [[Int]] = []
        for n in 0...6 { all += Combinatorics.multisets(of: p, size: n) }
        multisets = all
        var index: [[Int]: Int] = [:]
        for (k, c) in all.enumerated() { index[c] = k }
        self.index = index
        // Power-sum columns: size 1 → p; size k ≥ 2 → offset_k + Σ B with offset_2 = P.
        var powerOffset = [Int](repeating: 0, count: 8)
        powerOffset[1] = 0
        for k in 1...6 { powerOffset[k + 1] = powerOffset[k] + k * (p - 1) + 1 }
        columnCount = usesPowerSums ? powerOffset[7] : all.count - 1
        func columnOf(_ block: [Int]) -> Int {
            if block.count == 1 { return block[0] }
            return usesPowerSums ? powerOffset[block.count] + block.reduce(0, +) : index[block]! - 1
        }
        var start: [Int32] = [0, 0]
        var column: [Int32] = [], rest: [Int32] = [], coefficient: [Double] = []
        for c in all.dropFirst() {
            let n = c.count
            var counts: [[Int]: (block: [Int], rest: [Int], count: Int)] = [:]
            for mask in 0..<(1 << (n - 1)) {
                var block = [c[0]], remainder: [Int] = []
                for j in 1..<n {
                    if mask & (1 << (j - 1)) != 0 { block.append(c[j]) } else { remainder.append(c[j]) }
                }
                let key = block + [-1] + remainder
                counts[key, default: (block, remainder, 0)].count += 1
            }
            let merged = counts.values.sorted { a, b in
                a.block != b.block ? a.block.lexicographicallyPrecedes(b.block) : a.rest.lexicographicallyPrecedes(b.rest)
            }
            for op in merged {
                column.append(Int32(columnOf(op.block)))
                rest.append(Int32(index[op.rest]!))
                if op.block.count == 1 {
                    coefficient.append(Double(op.count))
                } else {
                    let scale = op.block.reduce(1.0) { $0 * pointScale[$1] }
                    coefficient.append(Double(op.count) * scale)
                }
            }
            start.append(Int32(column.count))
        }
        operationCount = column.count
        func copy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
            let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
            pointer.initialize(from: values, count: values.count)
            return pointer
        }
        self.start = copy(start)
        self.column = copy(column)
        self.rest = copy(rest)
        self.coefficient = copy(coefficient)
        let outputs = all.indices.filter { [2, 4, 6].contains(all[$0].count) }
            .sorted { all[$0].count != all[$1].count ? all[$0].count < all[$1].count : $0 < $1 }
        outputCount = outputs.count
        output = copy(outputs.map { Int32($0) })
        let blocks = Array(all.dropFirst())
        blockParent = copy(blocks.map { Int32($0.count == 1 ? -1 : index[Array($0.dropLast())]! - 1) })
        blockLast = copy(blocks.map { Int32($0.last!) })
        blockSize = copy(blocks.map { Int32($0.count) })
    }

    deinit {
        for pointer in [start, column, rest, output, blockParent, blockLast, blockSize] { pointer.deallocate() }
        coefficient.deallocate()
    }

    /// Number of multisets of sizes 0 … 6.
    public var multisetCount: Int { multisets.count }

    /// The multiset recursion on 16 networks (`kappa[16 · column + lane]`, `tuple[16 · multiset + lane]`),
    /// adding `T` of the outputs to `sums[16 · output + lane]`.
    func recursion(kappa: UnsafePointer<Double>, tuple: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>) {
        frg_importance_recursion(multisets.count, start, column, rest, coefficient, kappa, tuple, outputCount, output, sums)
    }

    /// `T(c)` of every multiset of sizes 0 … 6 for one network from its `κ` columns (tests).
    func tupleStatistics(kappa: [Double]) -> [Double] {
        precondition(kappa.count == columnCount)
        let width = Int(FRG_IMPORTANCE_LANES)
        let lanes = UnsafeMutablePointer<Double>.allocate(capacity: width * columnCount)
        let tuple = UnsafeMutablePointer<Double>.allocate(capacity: width * multisets.count)
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: width * max(outputCount, 1))
        defer { lanes.deallocate(); tuple.deallocate(); sums.deallocate() }
        lanes.update(repeating: 0, count: width * columnCount)
        sums.update(repeating: 0, count: width * max(outputCount, 1))
        for c in 0..<columnCount { lanes[width * c] = kappa[c] }
        recursion(kappa: lanes, tuple: tuple, sums: sums)
        return (0..<multisets.count).map { tuple[width * $0] }
    }
}
