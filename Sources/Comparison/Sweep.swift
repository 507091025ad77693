import Foundation
import GaussNet

/// The parameter a sweep varies.
public enum SweepVariable: String, Sendable, Codable, CaseIterable {
    /// Hidden width `N`.
    case width
    /// Weight scale `σ_W`.
    case sigmaW

    public var symbol: String { self == .width ? "N" : "σ_W" }
}

/// Why a sweep cannot run.
public enum SweepError: Error, CustomStringConvertible, Equatable {
    case tooFewValues(Int)
    case invalidValue(Double, SweepVariable)
    case duplicateValue(Double)
    case invalidSettings(String)

    public var description: String {
        switch self {
        case .tooFewValues(let n): return "a sweep needs at least 3 values (two fitted parameters plus one degree of freedom), got \(n)"
        case let .invalidValue(v, variable): return "\(variable.symbol) = \(v) is not allowed (\(variable == .width ? "widths are integers ≥ 1" : "σ_W must be finite and > 0"))"
        case .duplicateValue(let v): return "the sweep lists \(v) twice"
        case .invalidSettings(let what): return "invalid sampler settings: \(what)"
        }
    }
}

/// A sweep over widths or `σ_W`: the same sampler settings with one field varied.
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
            }
            return s
        }
    }

    /// Measures every point (primary and companion), reusing cached measurements.
    /// `progress(done, total, reused)` is called after each measurement.
    public func run(cache: MeasurementCache, progress: ((Int, Int, Bool) -> Void)? = nil) throws -> SweepResult {
        let primary = pointSettings(estimator: base.estimator)
        let second = companion.map(pointSettings)
        let total = primary.count + (second?.count ?? 0)
        var done = 0, reused = 0
        func measure(_ s: SamplerSettings) throws -> GaussNet.Measurement {
            let (m, wasCached) = try cache.measurement(for: s)
            done += 1
            if wasCached { reused += 1 }
            progress?(done, total, wasCached)
            return m
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
    /// How many measurements came from the cache.
    public var reusedCount: Int

    public init(sweep: Sweep, measurements: [GaussNet.Measurement], companionMeasurements: [GaussNet.Measurement]?, reusedCount: Int) {
        self.sweep = sweep
        self.measurements = measurements
        self.companionMeasurements = companionMeasurements
        self.reusedCount = reusedCount
    }

    public var x: [Double] { sweep.values }
}
