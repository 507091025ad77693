import Diagnostics
import Foundation
import GaussNet

/// The parameter a sweep varies.
public enum SweepVariable: String, Sendable, Codable, CaseIterable {
    /// Hidden width `N`.
    case width
    /// Weight scale `σ_W`.
    case sigmaW
    /// Integration cutoff `Λ` of the coupling integrals (ReLU-net, Erf-net: `SamplerSettings.cutoff`).
    case cutoff

    public var symbol: String {
        switch self {
        case .width: return "N"
        case .sigmaW: return "σ_W"
        case .cutoff: return "Λ"
        }
    }
}

/// Why a sweep cannot run, or an observable cannot be compared: the user's input (exit status 2).
public enum SweepError: UserFacingError, Equatable {
    case tooFewValues(Int)
    case invalidValue(Double, SweepVariable)
    case duplicateValue(Double)
    case invalidSettings(String)
    /// A normalized coupling `λ = u/Z^n` was asked of an architecture whose kernel has no
    /// expansion `1/K̃(p) ≈ Z(m0² + p²)`.
    case noWavefunctionNormalization(observable: String, architecture: ArchitectureKind)
    /// The passive-flow mapping was asked of an architecture without a mass `m0²`.
    case noMass(architecture: ArchitectureKind)
    /// The passive-flow mapping cannot start from the chosen `u6` (`reason`: the flow's own error).
    case passiveStart(u6: Double, reason: String)

    public var category: ErrorCategory { .invalidInput }

    public var description: String {
        switch self {
        case .tooFewValues(let n): return "a sweep needs at least 3 values (two fitted parameters plus one degree of freedom), got \(n)"
        case let .invalidValue(v, variable): return "\(variable.symbol) = \(v) is not allowed (\(variable == .width ? "widths are integers ≥ 1" : "\(variable.symbol) must be finite and > 0"))"
        case .duplicateValue(let v): return "the sweep lists \(v) twice"
        case .invalidSettings(let what): return "invalid sampler settings: \(what)"
        case let .noWavefunctionNormalization(o, a):
            return "\(o) needs the wave-function normalization Z of the kernel, which \(a) does not have (its inverse kernel has no expansion Z(m0² + p²))"
        case .noMass(let a):
            return "the passive-flow mapping needs the mass m0² of the kernel, which \(a) does not have"
        case let .passiveStart(u6, reason):
            return "u6 = \(u6) is too large for the passive-flow mapping (\(reason)); choose a smaller |u6|"
        }
    }
}

/// A sweep over widths, `σ_W` or the cutoff `Λ`: the same sampler settings with one field varied.
/// (A cutoff changes only the coupling integrals, not the ensemble; each point is sampled with its
/// own seed all the same, so that the points are independent and their pulls add into one χ².)
public struct Sweep: Sendable {
    public var base: SamplerSettings
    public var variable: SweepVariable
    /// Values of the variable, in increasing order.
    public var values: [Double]
    /// A second estimator measured at every point and shown beside the primary one (for example
    /// `.marginal` beside the paper's `.direct`), or nil.
    public var companion: Estimator?

    public init(base: SamplerSettings, variable: SweepVariable, values: [Double], companion: Estimator? = nil) throws {
        guard values.count >= 3 else { throw SweepError.tooFewValues(values.count) }
        for v in values {
            let ok = variable == .width ? (v >= 1 && v == v.rounded() && v < Double(Int32.max)) : (v.isFinite && v > 0)
            guard ok else { throw SweepError.invalidValue(v, variable) }
        }
        let sorted = values.sorted()
        for (a, b) in zip(sorted, sorted.dropFirst()) where a == b { throw SweepError.duplicateValue(a) }
        self.base = base
        self.variable = variable
        self.values = sorted
        self.companion = companion
        for s in pointSettings(estimator: base.estimator) + (companion.map(pointSettings) ?? []) {
            do { try s.validate() } catch let error as SamplerError { throw SweepError.invalidSettings(error.description) }
        }
    }

    /// The settings at every point of the sweep, for the given estimator. Point `i` uses the seed
    /// `base.seed + i`: with one seed for all, neighbouring points would share random streams and
    /// their fluctuations would be correlated, which a χ² that sums independent pulls cannot allow.
    public func pointSettings(estimator: Estimator) -> [SamplerSettings] {
        values.enumerated().map { i, v in
            var s = base
            s.estimator = estimator
            s.seed = base.seed &+ UInt64(i)
            switch variable {
            case .width: s.width = Int(v)
            case .sigmaW: s.sigmaW = v
            case .cutoff: s.cutoff = v
            }
            return s
        }
    }

    /// Measures every point (primary and companion), each an `EnsembleJob` over `store`, so bags
    /// already stored are reused and a killed sweep resumes bag by bag. `progress(done, total,
    /// outcome)` is called after each measurement (`outcome.reused`: it sampled no bag;
    /// `outcome.rejectedBags`: saved bags it could not verify and sampled again).
    public func run(store: any BagStore = InMemoryBagStore(), executor: any BagExecutor = LocalBagExecutor(),
                    progress: ((Int, Int, EnsembleJob.Outcome) -> Void)? = nil) throws -> SweepResult {
        let primary = pointSettings(estimator: base.estimator)
        let second = companion.map(pointSettings)
        let total = primary.count + (second?.count ?? 0)
        var done = 0, reused = 0
        func measure(_ s: SamplerSettings) throws -> GaussNet.Measurement {
            let outcome = try EnsembleJob(settings: s, store: store, executor: executor).run()
            done += 1
            if outcome.reused { reused += 1 }
            progress?(done, total, outcome)
            return outcome.measurement
        }
        let measured = try primary.map(measure)
        let companions = try second?.map(measure)
        return SweepResult(sweep: self, measurements: measured, companionMeasurements: companions, reusedCount: reused)
    }
}

/// Measurements along a sweep.
public struct SweepResult: Sendable {
    public var sweep: Sweep
    /// One per value of the sweep, primary estimator.
    public var measurements: [GaussNet.Measurement]
    public var companionMeasurements: [GaussNet.Measurement]?
    /// How many measurements came whole from the store (no bag sampled).
    public var reusedCount: Int

    public init(sweep: Sweep, measurements: [GaussNet.Measurement], companionMeasurements: [GaussNet.Measurement]?, reusedCount: Int) {
        self.sweep = sweep
        self.measurements = measurements
        self.companionMeasurements = companionMeasurements
        self.reusedCount = reusedCount
    }

    public var x: [Double] { sweep.values }
}
