import Dispatch
import GaussNetKernels
import Foundation

/// The bag-level estimates `G^(n)_exp|_A = (1/n_nets) Σ_α f_α(x_1)⋯f_α(x_n)` for n = 2, 4, 6, each over
/// every multiset of input indices in lexicographic order (`Combinatorics.multisets`).
public struct BagResult: Codable, Sendable, Equatable {
    /// Bag index `A`, 0-based.
    public var bag: Int
    /// `SamplerSettings.runKey` of the run that produced it.
    public var runKey: String
    public var twoPoint: [Double]
    public var fourPoint: [Double]
    public var sixPoint: [Double]

    public init(bag: Int, runKey: String, twoPoint: [Double], fourPoint: [Double], sixPoint: [Double]) {
        self.bag = bag
        self.runKey = runKey
        self.twoPoint = twoPoint
        self.fourPoint = fourPoint
        self.sixPoint = sixPoint
    }

    /// `G^(n)` for n = 2, 4 or 6.
    public func correlator(order n: Int) -> [Double] {
        switch n {
        case 2: return twoPoint
        case 4: return fourPoint
        default: return sixPoint
        }
    }
}

/// The embedded ensemble sampler: one bag at a time (`sampleBag`). Create it from validated
/// settings; `EnsembleJob` runs the bags of a run through a `BagStore` and a `BagExecutor`, and
/// `run` is the shortcut for an in-memory run.
///
/// Reproducibility: network `α` of bag `A` draws all its parameters from
/// `CounterRandomStream(seed: seed, stream: A · n_nets + α)`; networks are summed in blocks of 32
/// (the importance estimator: 16) and chunks of a fixed size that depends on the settings only, and
/// chunk sums are added in chunk order. The result is bit-identical for any number of threads.
public struct GaussNetSampler: Sendable {
    public let settings: SamplerSettings
    let architecture: any Architecture
    let pointCount: Int
    let netsPerChunk: Int
    /// Importance estimator: its multisets and recursion, built once per sampler.
    let importanceTables: ImportanceTables?

    public init(settings: SamplerSettings) throws {
        try settings.validate()
        self.settings = settings
        architecture = settings.makeArchitecture()
        pointCount = settings.inputs.count
        // About 2¹⁸ neuron evaluations per chunk (≈ 1 ms), a multiple of the 32-network block.
        var perNet = settings.width * (settings.inputDimension + 2) + 64
        if settings.estimator == .importance {
            func tables<A: Architecture>(_ arch: A) -> ImportanceTables? {
                let layer = arch.hiddenLayer(inputs: settings.inputs)
                guard let importance = layer.importance else { return nil }
                return ImportanceTables(pointCount: layer.pointCount, pointScale: layer.pointScale,
                                        usesPowerSums: importance.usesPowerSums)
            }
            guard let built = tables(architecture) else {
                throw SamplerError.estimatorUnsupported("the \(settings.architecture) layer has no importance sampler")
            }
            importanceTables = built
            // Measured (release, one core): a power-sum neuron costs about 4 direct ones (twice the
            // normals, three exp, the power sums), a per-multiset neuron P exp and two multiply–adds
            // per multiset on 8 lanes; the recursion about 1/25 unit per operation and network.
            let d = settings.inputDimension
            let perNeuron = built.usesPowerSums ? 4 * (d + 2) : (d + 2) * pointCount + built.blockCount / 4
            perNet = settings.width * perNeuron + built.operationCount / 25 + 64
        } else {
            importanceTables = nil
        }
        netsPerChunk = max(32, min(4096, (1 << 18) / perNet / 32 * 32))
    }

    /// Number of worker threads actually used.
    public var threadCount: Int { settings.threadCount }

    /// Samples bag `bag` (0-based) and returns its `G^(n)` estimates. Uses `threadCount` threads.
    public func sampleBag(_ bag: Int) -> BagResult {
        func open<A: Architecture>(_ arch: A) -> BagResult {
            sampleBag(bag, layer: arch.hiddenLayer(inputs: settings.inputs))
        }
        return open(architecture)
    }

    /// Samples every bag (one after another, in memory, nothing persisted) and analyses them;
    /// `progress(finished, total)` is called after each bag. `EnsembleJob` is the general form
    /// (stores, resuming, other executors).
    public func run(progress: ((Int, Int) -> Void)? = nil) throws -> Measurement {
        try EnsembleJob(settings: settings).run { progress?($0.finished, $0.total) }.measurement
    }

    // MARK: - Implementation

    func sampleBag<L: HiddenLayerSampler>(_ bag: Int, layer: L) -> BagResult {
        if settings.estimator == .importance {
            guard let importance = layer.importance, let tables = importanceTables else {
                preconditionFailure("validated: the importance estimator has a sampler on this layer")
            }
            return sampleImportanceBag(bag, importance: importance, tables: tables, pointScale: layer.pointScale)
        }
        let plan = EstimatorPlan(settings: settings, layer: layer)
        let outputs = plan.accumulator.outputCount + plan.extraCount
        let moments = chunkMeans(outputs: outputs) {
            let context = ChunkContext(plan: plan, pointCount: self.pointCount, width: self.settings.width)
            return { nets, out in
                self.sampleChunk(bag: bag, nets: nets, layer: layer, context: context, into: out)
            }
        }
        let (g2, g4, g6) = plan.correlators(fromMoments: moments)
        return BagResult(bag: bag, runKey: settings.runKey, twoPoint: g2, fourPoint: g4, sixPoint: g6)
    }

    /// Splits the bag's networks into chunks of `netsPerChunk`, runs them on the workers and returns
    /// the bag means of the `outputs` per-network sums. Each worker calls `makeWorker` once (its
    /// buffers) and then the returned closure per chunk it claims, which writes the chunk's sums to
    /// its own slot; the slots are added in chunk order, so the result does not depend on the threads.
    func chunkMeans(outputs: Int, makeWorker: @escaping () -> (Range<Int>, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let nets = settings.netsPerBag
        let chunkCount = (nets + netsPerChunk - 1) / netsPerChunk
        let chunkSums = UnsafeMutablePointer<Double>.allocate(capacity: chunkCount * outputs)
        defer { chunkSums.deallocate() }
        let workers = min(threadCount, chunkCount)
        // Workers take the next unclaimed chunk (dynamic balance); each chunk writes its own slot,
        // so which worker ran it does not matter.
        let claim = ChunkCounter()
        let work = { (_: Int) in
            let run = makeWorker()
            while let chunk = claim.next(below: chunkCount) {
                let start = chunk * self.netsPerChunk
                let end = min(nets, start + self.netsPerChunk)
                run(start..<end, chunkSums + chunk * outputs)
            }
        }
        if workers <= 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: work)
        }
        var totals = [Double](repeating: 0, count: outputs)
        for chunk in 0..<chunkCount {
            for o in 0..<outputs { totals[o] += chunkSums[chunk * outputs + o] }
        }
        let scale = 1 / Double(nets)
        return totals.map { $0 * scale }
    }

    /// The importance estimator's bag: per network the tuple statistics `T(c)` of the multisets of
    /// sizes 2, 4, 6, averaged over the bag's networks.
    func sampleImportanceBag<I: ImportanceSampler>(_ bag: Int, importance: I, tables: ImportanceTables,
                                                  pointScale: [Double]) -> BagResult {
        let readoutScale = settings.sigmaW / Double(settings.width).squareRoot()
        let moments = chunkMeans(outputs: tables.outputCount) {
            let buffers = ImportanceChunkBuffers(
                tables: tables, workspace: importance.makeWorkspace(width: self.settings.width, readoutScale: readoutScale,
                                                                    tables: tables))
            return { nets, out in
                self.sampleImportanceChunk(bag: bag, nets: nets, importance: importance, pointScale: pointScale,
                                           buffers: buffers, into: out)
            }
        }
        let p = pointCount
        let n2 = Combinatorics.multisetCount(p, 2), n4 = Combinatorics.multisetCount(p, 4)
        return BagResult(bag: bag, runKey: settings.runKey, twoPoint: Array(moments[0..<n2]),
                         fourPoint: Array(moments[n2..<(n2 + n4)]), sixPoint: Array(moments[(n2 + n4)...]))
    }

    /// Networks in blocks of 16 (the recursion's lanes; lane = position in the block): each network
    /// writes its `κ̃` columns into its lane, `κ_1(p) = pointScale[p] κ̃_1(p) + b1`, then the recursion
    /// runs on the block and adds `T` to the chunk's 16-lane sums, folded pairwise at the end.
    func sampleImportanceChunk<I: ImportanceSampler>(
        bag: Int, nets: Range<Int>, importance: I, pointScale scales: [Double], buffers: ImportanceChunkBuffers,
        into out: UnsafeMutablePointer<Double>
    ) {
        let lanes = ImportanceChunkBuffers.lanes
        let tables = buffers.tables
        let kappa = buffers.kappa, sums = buffers.sums
        let columns = tables.columnCount, outputs = tables.outputCount
        let p = pointCount
        let width = settings.width
        let sigmaB = settings.sigmaB
        let workspace = buffers.workspace
        sums.update(repeating: 0, count: lanes * outputs)
        let baseStream = UInt64(bag) * UInt64(settings.netsPerBag)
        var blockStart = nets.lowerBound
        while blockStart < nets.upperBound {
            let blockEnd = min(nets.upperBound, blockStart + lanes)
            // Lanes of a partial block stay 0: κ = 0 gives T(c) = 0 for every non-empty c.
            kappa.update(repeating: 0, count: lanes * columns)
            for net in blockStart..<blockEnd {
                let lane = net - blockStart
                var stream = CounterRandomStream(seed: settings.seed, stream: baseStream + UInt64(net))
                importance.sumImportanceCumulants(&stream, width: width, workspace: workspace, kappa: kappa + lane,
                                                  stride: lanes)
                let b1 = sigmaB * stream.nextNormal()
                for k in 0..<p { kappa[k * lanes + lane] = scales[k] * kappa[k * lanes + lane] + b1 }
            }
            tables.recursion(kappa: kappa, tuple: buffers.tuple, sums: sums)
            blockStart = blockEnd
        }
        for o in 0..<outputs {
            let s = sums + lanes * o
            let low = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
            let high = ((s[8] + s[9]) + (s[10] + s[11])) + ((s[12] + s[13]) + (s[14] + s[15]))
            out[o] = low + high
        }
    }

    func sampleChunk<L: HiddenLayerSampler>(
        bag: Int, nets: Range<Int>, layer: L, context: ChunkContext, into out: UnsafeMutablePointer<Double>
    ) {
        let plan = context.plan
        let outputs = plan.accumulator.outputCount
        let extras = context.extras
        for o in 0..<plan.extraCount { extras[o] = 0 }
        let marginalLayer = plan.estimator == .marginal ? layer.marginal : nil
        let (q2, q4, q6) = (context.powers, context.powers + 2 * pointCount, context.powers + 6 * pointCount)
        let n4 = 4 * (pointCount - 1) + 1, n6 = 6 * (pointCount - 1) + 1
        let lanes = ProductAccumulator.lanes
        let p = pointCount
        let q = plan.itemCount
        let width = settings.width
        let w1Scale = settings.sigmaW / Double(width).squareRoot()
        let sigmaB = settings.sigmaB
        let varianceScale = settings.sigmaW * settings.sigmaW / Double(width)
        let biasVariance = sigmaB * sigmaB
        let sums = context.sums
        for o in 0..<outputs { sums[o] = .zero }
        let values = context.values
        let valueLanes = UnsafeMutableRawPointer(values).assumingMemoryBound(to: Double.self)
        let f = context.field
        let scales = layer.pointScale
        let pairs = context.pairs
        let workspace = context.workspace
        let baseStream = UInt64(bag) * UInt64(settings.netsPerBag)
        var blockStart = nets.lowerBound
        while blockStart < nets.upperBound {
            let blockEnd = min(nets.upperBound, blockStart + lanes)
            for i in 0..<(q * ProductAccumulator.vectors) { values[i] = .zero }
            for net in blockStart..<blockEnd {
                let lane = net - blockStart
                var stream = CounterRandomStream(seed: settings.seed, stream: baseStream + UInt64(net))
                switch plan.estimator {
                case .direct:
                    layer.sumNeurons(&stream, width: width, readoutScale: w1Scale, workspace: workspace, field: f)
                    let b1 = sigmaB * stream.nextNormal()
                    for k in 0..<p { valueLanes[k * lanes + lane] = scales[k] * f[k] + b1 }
                case .conditional:
                    layer.sumNeuronPairs(&stream, width: width, pairs: pairs, pairCount: q,
                                         workspace: workspace, products: f)
                    for k in 0..<q {
                        let a = pairs[2 * k], b = pairs[2 * k + 1]
                        valueLanes[k * lanes + lane] = varianceScale * scales[a] * scales[b] * f[k] + biasVariance
                    }
                case .marginal:
                    marginalLayer!.sumMarginalPowers(&stream, width: width, workspace: workspace, q2: q2, q4: q4, q6: q6)
                    for k in 0..<q {
                        let a = pairs[2 * k], b = pairs[2 * k + 1]
                        let kernel = varianceScale * scales[a] * scales[b] * q2[a + b] + biasVariance
                        f[k] = kernel
                        valueLanes[k * lanes + lane] = kernel
                    }
                    for m in 0..<n4 { extras[m] += q4[m] }
                    for m in 0..<n6 { extras[n4 + m] += q6[m] }
                    let products = extras + n4 + n6
                    for m in 0..<n4 {
                        let row = products + m * q
                        let power = q4[m]
                        for k in 0..<q { row[k] += power * f[k] }
                    }
                case .importance:
                    preconditionFailure("the importance estimator has its own chunks (sampleImportanceChunk)")
                }
            }
            plan.accumulator.accumulate(values: values, sums: sums, scratch: context.scratch)
            blockStart = blockEnd
        }
        for o in 0..<outputs {
            let s = sums[o]
            out[o] = (s[0] + s[1]) + (s[2] + s[3])
        }
        for o in 0..<plan.extraCount { out[outputs + o] = extras[o] }
    }
}

/// What is accumulated per network, and how bag moments become `G^(n)`.
struct EstimatorPlan: Sendable {
    let estimator: Estimator
    let pointCount: Int
    /// Number of per-network values fed to the accumulator: `P` (direct) or `P(P+1)/2` (conditional).
    let itemCount: Int
    let accumulator: ProductAccumulator
    /// Flattened pairs `(a, b)`, `a ≤ b`, in multiset order (conditional and marginal estimators).
    let pairs: [Int]
    /// Marginal estimator: per-network sums accumulated besides the products of `Σ`: the power sums
    /// `Q_4(m)`, `Q_6(m)` and the products `Q_4(m) Σ_pair` (so `4(P−1)+1 + 6(P−1)+1 + (4(P−1)+1)·P(P+1)/2`).
    let extraCount: Int
    /// Per-point factors `exp(−σ_W² x_p²/d)` of the layer.
    let pointScale: [Double]
    /// Marginal estimator: cumulants `κ_4(A)`, `κ_6(A)` of the neuron amplitude (the layer's
    /// `MarginalPowerSampler.amplitudeCumulants`); 0 for the other estimators.
    let amplitudeKappa4: Double
    let amplitudeKappa6: Double

    init<L: HiddenLayerSampler>(settings: SamplerSettings, layer: L) {
        let pointCount = settings.inputs.count
        estimator = settings.estimator
        self.pointCount = pointCount
        pointScale = layer.pointScale
        let pairList = Combinatorics.multisets(of: pointCount, size: 2)
        pairs = pairList.flatMap { $0 }
        let s = settings.sigmaW * settings.sigmaW / Double(settings.width)
        let cumulants = estimator == .marginal ? layer.marginal?.amplitudeCumulants(readoutVariance: s) : nil
        amplitudeKappa4 = cumulants?.kappa4 ?? 0
        amplitudeKappa6 = cumulants?.kappa6 ?? 0
        switch estimator {
        case .direct:
            itemCount = pointCount
            accumulator = ProductAccumulator(itemCount: pointCount, depth: 6, outputDepths: [2, 4, 6])
            extraCount = 0
        case .importance:
            preconditionFailure("the importance estimator has its own plan (ImportanceTables)")
        case .conditional, .marginal:
            itemCount = pairList.count
            accumulator = ProductAccumulator(itemCount: pairList.count, depth: 3, outputDepths: [1, 2, 3])
            let n4 = 4 * (pointCount - 1) + 1, n6 = 6 * (pointCount - 1) + 1
            extraCount = estimator == .marginal ? n4 + n6 + n4 * pairList.count : 0
        }
    }

    /// Maps bag-averaged accumulator outputs to `G^(2)`, `G^(4)`, `G^(6)`.
    ///
    /// Conditional estimator: the outputs are bag averages of `Σ_{p1}`, `Σ_{p1}Σ_{p2}`,
    /// `Σ_{p1}Σ_{p2}Σ_{p3}` over sorted multisets of pairs; `G^(n)` is their Wick combination
    /// `Σ_{pairings} ⟨Π Σ⟩` (3 pairings for n = 4, 15 for n = 6).
    func correlators(fromMoments m: [Double]) -> ([Double], [Double], [Double]) {
        let p = pointCount
        let n2 = Combinatorics.multisetCount(p, 2)
        let n4 = Combinatorics.multisetCount(p, 4)
        switch estimator {
        case .direct, .importance:
            return (Array(m[0..<n2]), Array(m[n2..<(n2 + n4)]), Array(m[(n2 + n4)...]))
        case .conditional, .marginal:
            let q = itemCount
            let pairIndex = Combinatorics.MultisetIndex(count: p, size: 2)
            let second = Combinatorics.MultisetIndex(count: q, size: 2)
            let third = Combinatorics.MultisetIndex(count: q, size: 3)
            let o2 = accumulator.offsets[2], o3 = accumulator.offsets[3]
            func wick(_ legs: [Int]) -> Double {
                var total = 0.0
                for pairing in Combinatorics.pairings(of: legs.count) {
                    let ids = pairing.map { pairIndex.index([legs[$0.0], legs[$0.1]]) }
                    switch ids.count {
                    case 1: total += m[ids[0]]
                    case 2: total += m[o2 + second.index(ids)]
                    default: total += m[o3 + third.index(ids)]
                    }
                }
                return total
            }
            guard estimator == .marginal else {
                return (Combinatorics.multisets(of: p, size: 2).map(wick),
                        Combinatorics.multisets(of: p, size: 4).map(wick),
                        Combinatorics.multisets(of: p, size: 6).map(wick))
            }
            // Marginal: add the connected parts κ_4(A) Σ_i Π v_i and κ_6(A) Σ_i Π v_i (+ κ_4 κ_2 terms).
            let extra = Array(m[accumulator.outputCount...])
            let n4 = 4 * (p - 1) + 1, n6 = 6 * (p - 1) + 1
            let q4 = extra[0..<n4], q6 = extra[n4..<(n4 + n6)]
            let q4Kernel = Array(extra[(n4 + n6)...])
            func scale(_ legs: [Int]) -> Double { legs.reduce(1.0) { $0 * pointScale[$1] } }
            let g4 = Combinatorics.multisets(of: p, size: 4).map { legs in
                wick(legs) + amplitudeKappa4 * scale(legs) * q4[q4.startIndex + legs.reduce(0, +)]
            }
            let g6 = Combinatorics.multisets(of: p, size: 6).map { legs -> Double in
                var total = wick(legs) + amplitudeKappa6 * scale(legs) * q6[q6.startIndex + legs.reduce(0, +)]
                for pair in Combinatorics.pairs(of: 6) {
                    let four = (0..<6).filter { $0 != pair.0 && $0 != pair.1 }.map { legs[$0] }
                    let kernel = pairIndex.index([legs[pair.0], legs[pair.1]])
                    total += amplitudeKappa4 * scale(four) * q4Kernel[four.reduce(0, +) * q + kernel]
                }
                return total
            }
            return (Combinatorics.multisets(of: p, size: 2).map(wick), g4, g6)
        }
    }
}

/// Hands out chunk indices 0, 1, 2, … to workers.
final class ChunkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// Per-worker buffers, allocated once per worker and bag, never per network.
final class ChunkContext {
    let plan: EstimatorPlan
    let values: UnsafeMutablePointer<SIMD4<Double>>
    let sums: UnsafeMutablePointer<SIMD4<Double>>
    let field: UnsafeMutablePointer<Double>
    let pairs: UnsafeMutablePointer<Int>
    let scratch: ProductAccumulator.Scratch
    let workspace: NeuronWorkspace
    /// Marginal estimator: per-chunk extra sums, and one network's power sums Q_2, Q_4, Q_6.
    let extras: UnsafeMutablePointer<Double>
    let powers: UnsafeMutablePointer<Double>

    init(plan: EstimatorPlan, pointCount: Int, width: Int) {
        self.plan = plan
        values = .allocate(capacity: plan.itemCount * ProductAccumulator.vectors)
        sums = .allocate(capacity: plan.accumulator.outputCount)
        field = .allocate(capacity: plan.itemCount)
        pairs = .allocate(capacity: max(plan.pairs.count, 1))
        for k in plan.pairs.indices { pairs[k] = plan.pairs[k] }
        scratch = ProductAccumulator.Scratch(plan.accumulator)
        workspace = NeuronWorkspace(width: width, pointCount: pointCount)
        extras = .allocate(capacity: max(plan.extraCount, 1))
        powers = .allocate(capacity: 12 * pointCount + 3)
    }

    deinit {
        values.deallocate()
        sums.deallocate()
        field.deallocate()
        pairs.deallocate()
        extras.deallocate()
        powers.deallocate()
    }
}

/// Per-worker buffers of the importance estimator: one block of 16 networks' `κ` columns and tuple
/// statistics, the chunk's 16-lane sums, and the neuron workspace.
final class ImportanceChunkBuffers {
    static let lanes = Int(FRG_IMPORTANCE_LANES)
    let tables: ImportanceTables
    let workspace: ImportanceWorkspace
    let kappa: UnsafeMutablePointer<Double>
    let tuple: UnsafeMutablePointer<Double>
    let sums: UnsafeMutablePointer<Double>

    init(tables: ImportanceTables, workspace: ImportanceWorkspace) {
        self.tables = tables
        self.workspace = workspace
        kappa = .allocate(capacity: Self.lanes * tables.columnCount)
        tuple = .allocate(capacity: Self.lanes * tables.multisetCount)
        sums = .allocate(capacity: Self.lanes * tables.outputCount)
    }

    deinit {
        kappa.deallocate()
        tuple.deallocate()
        sums.deallocate()
    }
}
