import Diagnostics
import Foundation

/// How `G^(n)` is estimated from each network.
public enum Estimator: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Sample `W0, b0, W1, b1`, evaluate `f`, average `f(x_1)⋯f(x_n)` (what NumPy does).
    case direct
    /// Sample only the hidden layer; integrate `W1` and `b1` out exactly. Conditionally on the
    /// hidden layer `f` is Gaussian with covariance
    /// `Σ(x,y) = (σ_W²/N) Σ_i g_i(x) g_i(y) + σ_b²`, so `E[f(x_1)⋯f(x_n) | hidden]` is the Wick sum
    /// over pairings of `Σ`. Unbiased for the same `G^(n)`, with smaller variance (Rao–Blackwell).
    case conditional
    /// Where the architecture's layer offers it (`HiddenLayerSampler.marginal`; today the Gauss-net
    /// with equally spaced 1-d inputs): sample `W0` alone; integrate `b0`, `W1`, `b1` out exactly.
    /// Given `W0`, each neuron's term is `A_i v_i(x)` with a deterministic shape
    /// `v_i(x) = exp(W0_i x − σ_W² x²/d)` and an i.i.d. scalar amplitude `A = W1 e^{b0 − σ_b²}`, so the
    /// conditional cumulants of `f` are `κ_2 = s Σ_i v_i v_i + σ_b²`, `κ_4 = κ_4(A) Σ_i v_i v_i v_i v_i`,
    /// `κ_6 = κ_6(A) Σ_i v_i⁶…` with `s = σ_W²/N`, `κ_4(A) = 3s²(e^{4σ_b²} − 1)`,
    /// `κ_6(A) = 15s³(e^{12σ_b²} − 3e^{4σ_b²} + 2)`, and `G^(n) | W0` follows from the moment–cumulant
    /// formula. The heavy `e^{b0}` tail is integrated analytically, so the remaining variance
    /// (from `W0` only) is small at small inputs.
    case marginal
    /// Samples whole networks (every `W0`, `b0`, `W1`, `b1`) from a proposal that over-samples the
    /// Gauss-net's heavy `e^{b0}` amplitude tail — per neuron a mixture of the prior and its tilts by
    /// `A^2`, `A^4`, `A^6` (`A = W1 e^{b0 − σ_b²}`, weights π = 1/4 each) — and gives each neuron its
    /// importance weight `w = 1/Σ_k π_k A^k/E[A^k]`; each network contributes the tuple-weighted
    /// statistic `T(c)` (the products of `f` expanded over neurons, every distinct neuron weighted once),
    /// whose expectation is `E[f(x_1)⋯f(x_n)]` exactly (`ImportanceTables`, `GaussNetImportanceSampler`).
    /// Since `w A^k ≤ E[A^k]/π_k`, the rare large amplitudes that make the direct estimator's variance
    /// effectively infinite are sampled often and weighted down: the per-network statistic has a light
    /// tail, so bag spreads, and hence `u4`, `u6` errors, are honest. Gauss-net only, any inputs (power
    /// sums on equally spaced 1-d inputs, otherwise one column per multiset of inputs, slower);
    /// `σ_b` up to about 3.5.
    case importance

    public var description: String { rawValue }
}

/// Typed errors of the sampler's settings and analysis. Settings problems are the user's input
/// (`.invalidInput`); bags that do not fit their run, or a run that overflowed, are failures of the
/// run (`.runFailed`).
public enum SamplerError: UserFacingError, Equatable, Sendable {
    case invalidInputDimension(Int)
    case invalidSigmaW(Double)
    /// `σ_W` outside `SamplerSettings.sigmaWRange`.
    case sigmaWOutOfRange(Double)
    case invalidSigmaB(Double)
    case invalidWidth(Int)
    case noInputs
    case tooManyInputs(count: Int, limit: Int)
    case inputDimensionMismatch(point: Int, components: Int, expected: Int)
    case nonFiniteInput(point: Int)
    case invalidNetsPerBag(Int)
    case invalidBagCount(Int)
    case invalidThreadCount(Int)
    case tooManyNetworks(total: Int)
    case widthTooLarge(width: Int, inputDimension: Int)
    /// A neuron moment overflows because of `σ_b` (its `e^{b0}` tail).
    case overflow(String)
    /// A neuron moment overflows because of `σ_W` at these inputs (the `e^{W0·x}` factor).
    case sigmaWOverflow(String)
    case invalidGrid(String)
    case bagMismatch(String)
    case estimatorUnsupported(String)
    /// `SamplerSettings.cutoff` is not finite and > 0.
    case invalidCutoff(Double)
    /// The architecture cannot normalize the couplings at these settings (`Architecture.couplingUnsupportedReason`).
    case couplingsUnsupported(String)
    /// A bag's `G^(n)` came out non-finite (products of outputs beyond double range).
    case nonFiniteResult(bag: Int)
    /// A quantity of the analysis (`u4`, its error, `G_0`, …) is not finite at these settings.
    case nonFiniteAnalysis(String)

    public var category: ErrorCategory {
        switch self {
        case .bagMismatch, .nonFiniteResult, .nonFiniteAnalysis: return .runFailed
        case .invalidInputDimension, .invalidSigmaW, .sigmaWOutOfRange, .sigmaWOverflow, .invalidSigmaB, .invalidWidth, .noInputs, .tooManyInputs,
             .inputDimensionMismatch, .nonFiniteInput, .invalidNetsPerBag, .invalidBagCount, .invalidThreadCount,
             .tooManyNetworks, .widthTooLarge, .overflow, .invalidGrid, .estimatorUnsupported, .invalidCutoff, .couplingsUnsupported:
            return .invalidInput
        }
    }

    public var description: String {
        switch self {
        case .invalidInputDimension(let d): return "input dimension must be an integer ≥ 1, got \(d)"
        case .invalidSigmaW(let s): return "σ_W must be finite and > 0, got \(s)"
        case .sigmaWOutOfRange(let s):
            return "σ_W must lie between 1e-6 and 1e6, got \(s): the measured and exact quantities scale like powers of σ_W up to about σ_W^24 (the spread of six-point functions), which outside that range leave double precision"
        case .invalidSigmaB(let s): return "σ_b must be finite and ≥ 0, got \(s)"
        case .invalidWidth(let n): return "width N must be ≥ 1, got \(n)"
        case .noInputs: return "at least one input point is required"
        case .tooManyInputs(let count, let limit): return "\(count == Int.max ? "more than 10¹⁸" : "\(count)") input points given; at most \(limit) are supported (the six-point combinations grow as P⁶/720)"
        case .inputDimensionMismatch(let p, let c, let e): return "input point \(p + 1) has \(c) components, expected d = \(e)"
        case .nonFiniteInput(let p): return "input point \(p + 1) is not finite"
        case .invalidNetsPerBag(let n): return "at least \(SamplerSettings.minimumNetsPerBag) networks per bag are needed, got \(n): the error bars are the spread of the bags' averages, and fewer networks give a bag a few products of outputs whose spread is no standard error"
        case .invalidBagCount(let n): return "at least 2 bags are needed for a standard deviation over bags, got \(n)"
        case .invalidThreadCount(let n): return "threads must be from 0 (all cores) to \(SamplerSettings.maximumThreads), got \(n)"
        case .tooManyNetworks(let total): return "bags × networks = \(total) exceeds 2³² (one random stream per network)"
        case .widthTooLarge(let n, let d): return "width \(n) with d = \(d) needs more than 2³⁰ random numbers per network"
        case .overflow(let what), .sigmaWOverflow(let what): return "overflow: \(what)"
        case .invalidGrid(let what): return "invalid input grid: \(what)"
        case .bagMismatch(let what): return "bag results do not match the settings: \(what)"
        case .estimatorUnsupported(let what): return "estimator not available: \(what)"
        case .invalidCutoff(let c): return "the integration cutoff Λ must be finite and > 0, got \(c)"
        case .couplingsUnsupported(let what): return "couplings not available: \(what)"
        case .nonFiniteResult(let bag): return "overflow: bag \(bag) produced a non-finite G^(n) (products of outputs exceed double range)"
        case .nonFiniteAnalysis(let what): return "overflow: \(what) is not representable in double precision (the analysis scales like powers of σ_W whose exponents grow with d)"
        }
    }
}

/// Everything that defines a sampling run. `threads` does not change the result.
public struct SamplerSettings: Codable, Hashable, Sendable {
    public var architecture: ArchitectureKind
    /// Input dimension `d ≥ 1`.
    public var inputDimension: Int
    /// Weight scale `σ_W` (W0 ~ N(0, σ_W²/d), W1 ~ N(0, σ_W²/N)).
    public var sigmaW: Double
    /// Bias scale `σ_b` (b0, b1 ~ N(0, σ_b²)).
    public var sigmaB: Double
    /// Hidden width `N`.
    public var width: Int
    /// Input points, each with `inputDimension` components.
    public var inputs: [[Double]]
    /// Networks per bag, `n_nets ≥ minimumNetsPerBag`.
    public var netsPerBag: Int
    /// Number of bags (independent ensembles), `n_bags ≥ 2`.
    public var bags: Int
    /// Seed of the counter-based random streams.
    public var seed: UInt64
    /// Worker threads; 0 means all active processors (`allCoresThreadCount`). Never changes the numbers.
    public var threads: Int
    public var estimator: Estimator
    /// Integration cutoff `Λ` of the coupling integrals of architectures whose weight kernel is not
    /// translation invariant (`ActivationNetArchitecture`; the cube `[−Λ, Λ]^d`); nil: their default,
    /// `defaultIntegrationCutoff`. Ignored by the Gauss-net and the Cos-net.
    public var cutoff: Double?

    /// Fewest networks per bag accepted. Every error bar (and the paper's "background") is the
    /// spread over bags of the bags' averages `G^(n)|_A`, read as the spread of roughly normal means.
    /// A bag of one network is one product `f(x_1)⋯f(x_n)`, a single heavy-tailed draw: at the
    /// paper's inputs two such bags gave `u4 = 9.5714 ± 0.0033` against the exact −12.83 (pull
    /// +6706), because two small outputs make a tiny spread. The estimates themselves are unbiased
    /// for any bag size (`G_0` is analytic, nothing is subtracted per bag); the limit is for the errors.
    public static let minimumNetsPerBag = 10

    /// The `σ_W` accepted. What frg computes from a run scales like powers of `σ_W`: the kernel
    /// `σ_W²`, the star integrals `N_K ∝ σ_W^{8−d}`, `I_6 ∝ σ_W^{12−d}`, `Σ I_{3|3} ∝ σ_W^{14−2d}`,
    /// the six-point functions `∝ σ_W^{12}` and their spread over bags, squared in the errors,
    /// `∝ σ_W^{±24}`. Within `10^{±6}` all of them stay far inside double precision
    /// (`10^{±308}`) for the inputs and widths frg takes; outside it the first to go are the
    /// squared spreads, which would turn into infinities or zeros.
    public static let sigmaWRange: ClosedRange<Double> = 1e-6...1e6

    /// Most worker threads accepted (each has a stack; more than the cores only queue).
    public static let maximumThreads = 4096

    /// Most input points accepted (`P = 12` gives 12 376 six-point combinations).
    public static let maximumInputCount = 12

    /// Most components an input point may have (the `--dimension` flag and the configs' `inputDimension`).
    public static let maximumInputDimension = 64

    /// The six inputs of the paper (d = 1).
    public static let paperInputs: [[Double]] = [-0.01, -0.006, -0.002, 0.002, 0.006, 0.01].map { [$0] }

    public init(
        architecture: ArchitectureKind = .gaussNet, inputDimension: Int = 1, sigmaW: Double = 1,
        sigmaB: Double = 1, width: Int, inputs: [[Double]] = SamplerSettings.paperInputs,
        netsPerBag: Int = 30_000, bags: Int = 30, seed: UInt64 = 1, threads: Int = 0,
        estimator: Estimator = .direct, cutoff: Double? = nil
    ) {
        self.architecture = architecture
        self.inputDimension = inputDimension
        self.sigmaW = sigmaW
        self.sigmaB = sigmaB
        self.width = width
        self.inputs = inputs
        self.netsPerBag = netsPerBag
        self.bags = bags
        self.seed = seed
        self.threads = threads
        self.estimator = estimator
        self.cutoff = cutoff
    }

    /// A regular grid of inputs: the Cartesian product, in `d` dimensions, of `count` equally spaced
    /// values from `lower` to `upper` inclusive (`count = 1` gives `lower`). First component slowest.
    public static func gridInputs(lower: Double, upper: Double, count: Int, inputDimension d: Int) throws -> [[Double]] {
        guard d >= 1 else { throw SamplerError.invalidInputDimension(d) }
        guard count >= 1 else { throw SamplerError.invalidGrid("count must be ≥ 1, got \(count)") }
        guard lower.isFinite, upper.isFinite, lower <= upper else {
            throw SamplerError.invalidGrid("need finite lower ≤ upper, got \(lower)…\(upper)")
        }
        // count^d points: checked before any is built (a 3-point axis in 20 dimensions is 3.5e9).
        if count > 1 {
            let total = pow(Double(count), Double(d))
            guard total <= Double(maximumInputCount) else {
                throw SamplerError.tooManyInputs(count: total < 1e18 ? Int(total) : Int.max, limit: maximumInputCount)
            }
        }
        let axis = (0..<count).map { k in count == 1 ? lower : lower + (upper - lower) * Double(k) / Double(count - 1) }
        var points: [[Double]] = [[]]
        for _ in 0..<d { points = points.flatMap { p in axis.map { p + [$0] } } }
        return points
    }

    /// Worker threads a bag uses: `threads`, or `SamplerSettings.allCoresThreadCount` when it is 0.
    public var threadCount: Int {
        threads > 0 ? threads : SamplerSettings.allCoresThreadCount
    }

    /// What `threads: 0` ("all cores") means in this process: the active processors, or this
    /// process's share of them when several processes sample on one machine (an MPI job sets it to
    /// `max(1, cores / ranks on this node)` at start-up, before any sampling, so that the ranks'
    /// threads together do not exceed the cores). Threads never change the numbers.
    nonisolated(unsafe) public static var allCoresThreadCount = ProcessInfo.processInfo.activeProcessorCount

    /// The architecture's exact formulas at these hyperparameters.
    public func makeArchitecture() -> any Architecture {
        architecture.architecture(sigmaW: sigmaW, sigmaB: sigmaB, inputDimension: inputDimension, cutoff: cutoff)
    }

    /// Checks every field; throws the first problem found.
    public func validate() throws {
        guard inputDimension >= 1 else { throw SamplerError.invalidInputDimension(inputDimension) }
        guard sigmaW.isFinite, sigmaW > 0 else { throw SamplerError.invalidSigmaW(sigmaW) }
        guard SamplerSettings.sigmaWRange.contains(sigmaW) else { throw SamplerError.sigmaWOutOfRange(sigmaW) }
        guard sigmaB.isFinite, sigmaB >= 0 else { throw SamplerError.invalidSigmaB(sigmaB) }
        guard width >= 1 else { throw SamplerError.invalidWidth(width) }
        guard !inputs.isEmpty else { throw SamplerError.noInputs }
        guard inputs.count <= SamplerSettings.maximumInputCount else {
            throw SamplerError.tooManyInputs(count: inputs.count, limit: SamplerSettings.maximumInputCount)
        }
        for (p, x) in inputs.enumerated() {
            guard x.count == inputDimension else {
                throw SamplerError.inputDimensionMismatch(point: p, components: x.count, expected: inputDimension)
            }
            guard x.allSatisfy(\.isFinite) else { throw SamplerError.nonFiniteInput(point: p) }
        }
        guard netsPerBag >= SamplerSettings.minimumNetsPerBag else { throw SamplerError.invalidNetsPerBag(netsPerBag) }
        guard bags >= 2 else { throw SamplerError.invalidBagCount(bags) }
        guard (0...SamplerSettings.maximumThreads).contains(threads) else { throw SamplerError.invalidThreadCount(threads) }
        let (total, overflow) = bags.multipliedReportingOverflow(by: netsPerBag)
        guard !overflow, total < 1 << 32 else { throw SamplerError.tooManyNetworks(total: overflow ? Int.max : total) }
        guard width <= (1 << 30) / (inputDimension + 2) / 2 else {
            throw SamplerError.widthTooLarge(width: width, inputDimension: inputDimension)
        }
        if let cutoff { guard cutoff.isFinite, cutoff > 0 else { throw SamplerError.invalidCutoff(cutoff) } }
        let arch = makeArchitecture()
        if let reason = arch.couplingUnsupportedReason(inputs: inputs) { throw SamplerError.couplingsUnsupported(reason) }
        if let reason = arch.unsupportedReason(for: estimator, inputs: inputs) {
            throw SamplerError.estimatorUnsupported(reason)
        }
        // The six-point moment of one neuron must be representable; for the Gauss-net it is
        // e^{12 σ_b² + 12 σ_W²|x|²/d}, so σ_b ≳ 7.7 overflows, and so does σ_W|x|/√d ≳ 7.7. The
        // message blames σ_W (with the inputs) when the moment is finite at σ_W ≤ 1, else σ_b.
        for x in inputs {
            let h6 = arch.neuronCorrelator(Array(repeating: x, count: 6))
            guard h6.isFinite else {
                let smallWeights = architecture.architecture(sigmaW: min(sigmaW, 1), sigmaB: sigmaB, inputDimension: inputDimension)
                if smallWeights.neuronCorrelator(Array(repeating: x, count: 6)).isFinite {
                    throw SamplerError.sigmaWOverflow("the neuron six-point moment E[g(x)⁶] at x = \(x) is not representable in double precision: σ_W = \(sigmaW) is too large for inputs this far from 0 (σ_b = \(sigmaB))")
                }
                throw SamplerError.overflow("the neuron six-point moment E[g(x)⁶] at x = \(x) is not representable in double precision (σ_b = \(sigmaB), σ_W = \(sigmaW))")
            }
        }
    }

    /// Identifies the random streams and the per-network arithmetic; part of `runKey`, so bags saved
    /// by a sampler that would draw different numbers are never mixed into a resumed run.
    public static let algorithmVersion = "splitmix-ziggurat512packed-tangexp-fma-3"

    /// A stable 64-bit hash (FNV-1a over the canonical JSON of every field except `threads`, and
    /// `algorithmVersion`), as 16 hex digits: the key of a run's resumable state.
    public var runKey: String {
        var copy = self
        copy.threads = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = ((try? encoder.encode(copy)) ?? Data()) + Data(SamplerSettings.algorithmVersion.utf8)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16).leftPadded(to: 16)
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
