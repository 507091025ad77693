import Diagnostics
import Foundation
import Truncation

/// Fixed-point studies of derived truncations: default search regions, the Wilson–Fisher branch
/// followed in the order and in the dimension.
public enum TruncationStudies {
    /// The natural magnitude of each coupling, `K_d^p` with `p` its
    /// `CouplingDescriptor.naturalScaleExponent`: rescaling `φ = √K_d ψ`, `u = K_d w` removes `K_d`
    /// from the Wetterich flow, so `ū_{2m} ~ K_d^{1−m}`, `κ ~ K_d`, `λ_j ~ K_d^{1−j}` and the
    /// couplings `z_j` of `Z_k(φ)` (derivative2) `~ K_d^{−j}`; the normalized Polchinski couplings
    /// are of order one.
    public static func naturalScales(_ beta: BetaFunctions) -> [Double] {
        beta.naturalScales
    }

    /// A box of `±width` natural units around the origin, with `κ ≥ 0` and, where the equations
    /// have the threshold pole `1 + ū2 = 0` (Wetterich about `φ = 0`), the mass `ū2 > −1`.
    public static func defaultRegion(_ beta: BetaFunctions, width: Double = 3) -> SearchRegion {
        let scales = naturalScales(beta)
        var lower = scales.map { -width * $0 }, upper = scales.map { width * $0 }
        if let kappa = beta.index(of: .minimumLocation) { lower[kappa] = 0 }
        if beta.hasThresholds, let mass = beta.index(of: .potential(order: 2)) { lower[mass] = -0.999 }
        return SearchRegion(lower: lower, upper: upper)
    }

    /// The lowest order at which a truncation's Wilson–Fisher fixed point is found by a search.
    public static func startingOrder(_ spec: TruncationSpec) -> Int { 4 }

    /// Finds the Wilson–Fisher fixed point at the lowest order by a multi-start search, then follows
    /// it order by order (each started from the previous order's fixed point) up to `spec.order`.
    ///
    /// - Returns: one step per order from `startingOrder` to `spec.order` (every even order).
    /// - Throws: `TruncationStudyError.noWilsonFisher` when the search at the lowest order finds
    ///   none; `ContinuationFailure` (with the orders done) when the branch is lost.
    public static func wilsonFisherByOrder(_ spec: TruncationSpec, starts: Int = 400, seed: UInt64 = 1,
                                           progress: StudyProgress? = nil) throws -> [ContinuationStep] {
        var low = spec
        low.order = min(startingOrder(spec), spec.order)
        let beta = try BetaFunctions(low)
        var search = FixedPointSearch(region: defaultRegion(beta))
        search.starts = starts
        search.seed = seed
        let found = try search.run(beta)
        // Of several points with a Wilson–Fisher spectrum at the lowest order, the one farthest
        // from the threshold pole: a point pressed against 1 + w = 0 (the exponential regulator
        // about φ = 0 has one at φ⁴, ν ≈ 0.003) is an artifact of the pole, lost at the next order.
        let candidates = found.filter { $0.kind == .wilsonFisher }
        let margin = { (p: FixedPoint) in beta.thresholdMargin(at: p.couplings) ?? .infinity }
        guard let wf = candidates.enumerated().max(by: { a, b in
            margin(a.element) < margin(b.element) || (margin(a.element) == margin(b.element) && a.offset > b.offset)
        })?.element else {
            throw TruncationStudyError.noWilsonFisher(order: low.order, dimension: spec.dimension, found: found.map(\.kind))
        }
        var steps = [ContinuationStep(parameter: Double(low.order), fixedPoint: wf)]
        do {
            steps += try followInOrder(wf, of: low, to: spec.order, progress: prefixed(progress, "Wilson–Fisher branch"))
        } catch var failure as ContinuationFailure {
            failure.completed = steps + failure.completed
            throw failure
        }
        return steps
    }

    /// Follows `point`, a fixed point of `spec`, order by order (φ^{2n+2}, φ^{2n+4}, …) up to
    /// `target`, or down to it (φ^{2n−2}, …) when `target < spec.order`: one step per order after
    /// `spec.order`, in the order followed. Throws `ContinuationFailure` when lost.
    /// `progress` hears of each order before it is derived (the exact derivation dominates at
    /// high orders).
    public static func followInOrder(_ point: FixedPoint, of spec: TruncationSpec, to target: Int,
                                     progress: StudyProgress? = nil) throws -> [ContinuationStep] {
        guard target != spec.order else { return [] }
        let step = target > spec.order ? 2 : -2
        let orders = stride(from: spec.order + step, through: target, by: step).map(Double.init)
        return try followFixedPoint(from: point, at: Double(spec.order), through: orders) { order in
            var s = spec
            s.order = Int(order)
            progress?("φ^\(s.order) of φ^\(target)")
            return try BetaFunctions(s)
        }
    }

    /// Follows the Wilson–Fisher fixed point of `spec` (at its order) in the dimension, through
    /// `dimensions` (for example 3.9, 3.8, …, 1), starting from a search at the first dimension.
    public static func wilsonFisherByDimension(_ spec: TruncationSpec, dimensions: [Double], starts: Int = 400,
                                               seed: UInt64 = 1) throws -> [ContinuationStep] {
        // Steps in d are halved where the branch moves fast (near d = 4 the fixed point leaves the
        // origin like 4 − d).
        try wilsonFisher(spec, along: \.dimension, through: dimensions, starts: starts, seed: seed)
    }
}

extension TruncationStudies {
    /// The Wilson–Fisher point of `spec` (at its order) followed through regulator prefactors
    /// `alphas` (`R_k = α Z_k k² r(y)`), starting from the order-by-order search at the first one:
    /// the data of a principle-of-minimal-sensitivity scan.
    public static func wilsonFisherByPrefactor(_ spec: TruncationSpec, prefactors alphas: [Double], starts: Int = 400,
                                               seed: UInt64 = 1, progress: StudyProgress? = nil) throws -> [ContinuationStep] {
        try wilsonFisher(spec, along: \.regulatorPrefactor, through: alphas, starts: starts, seed: seed, progress: progress,
                         stage: { "α = \($0)" })
    }

    /// The Wilson–Fisher point found by the order-by-order search at the first of `values` of the
    /// parameter `parameter`, then followed through the rest (steps subdivided and extrapolated).
    static func wilsonFisher(_ spec: TruncationSpec, along parameter: WritableKeyPath<TruncationSpec, Double>,
                             through values: [Double], starts: Int, seed: UInt64, progress: StudyProgress? = nil,
                             stage: ((Double) -> String)? = nil) throws -> [ContinuationStep] {
        guard let first = values.first else { return [] }
        var s = spec
        s[keyPath: parameter] = first
        let start = try wilsonFisherByOrder(s, starts: starts, seed: seed, progress: progress).last!.fixedPoint
        let head = ContinuationStep(parameter: first, fixedPoint: start)
        do {
            return [head] + (try followFixedPoint(from: start, at: first, through: Array(values.dropFirst()),
                                                  field: { value in
                                                      var sv = spec
                                                      sv[keyPath: parameter] = value
                                                      if let stage { progress?(stage(value)) }
                                                      return try BetaFunctions(sv)
                                                  }, subdivide: true, extrapolate: true))
        } catch var failure as ContinuationFailure {
            failure.completed = [head] + failure.completed
            throw failure
        }
    }

    /// Where a quantity sampled on a parameter grid is stationary (principle of minimal
    /// sensitivity): at each interior grid point where the centred slope changes sign, the vertex
    /// of the parabola through the three neighbouring samples. Returns (parameter, value) pairs.
    public static func stationaryPoints(parameters x: [Double], values y: [Double]) -> [(parameter: Double, value: Double)] {
        precondition(x.count == y.count)
        guard x.count >= 3 else { return [] }
        var result: [(Double, Double)] = []
        for i in 1..<(x.count - 1) {
            let left = (y[i] - y[i - 1]) / (x[i] - x[i - 1]), right = (y[i + 1] - y[i]) / (x[i + 1] - x[i])
            guard left * right <= 0, left != right else { continue }
            // Parabola through the three points: y = a (t − x_i)² + b (t − x_i) + y_i.
            let h1 = x[i - 1] - x[i], h2 = x[i + 1] - x[i]
            let a = (left - right) / (h1 - h2)
            let b = right - a * h2
            guard a != 0 else { continue }
            let t = -b / (2 * a)
            guard t >= h1, t <= h2 else { continue }
            result.append((x[i] + t, y[i] + a * t * t + b * t))
        }
        return result
    }
}

/// Told what a long study is doing (one short phrase per stage, e.g. "persistence check: φ^30 of
/// φ^40"); for progress lines, never for results.
public typealias StudyProgress = @Sendable (String) -> Void

/// `progress` with the stage's name in front.
func prefixed(_ progress: StudyProgress?, _ stage: String) -> StudyProgress? {
    guard let progress else { return nil }
    return { progress("\(stage): \($0)") }
}

/// Why a fixed-point study could not start: a result of the search (`ErrorCategory.runFailed`).
public enum TruncationStudyError: UserFacingError, Equatable {
    case noWilsonFisher(order: Int, dimension: Double, found: [FixedPoint.Kind])

    public var description: String {
        switch self {
        case let .noWilsonFisher(order, d, found):
            return "no Wilson–Fisher fixed point found at order \(order) in d = \(d) (found: \(found.map(\.rawValue).joined(separator: ", ")))"
        }
    }

    public var category: ErrorCategory { .runFailed }
}
