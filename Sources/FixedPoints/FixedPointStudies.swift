import Diagnostics
import Foundation
import TextOutput
import Truncation

/// The Wilson–Fisher fixed point followed through a parameter — the order of the truncation or
/// the dimension — and where the branch was lost, if it was. A lost branch is a result of the
/// study (the stages done and the reason), not an error.
public struct BranchStudy: Sendable {
    public enum Parameter: String, Sendable {
        /// The order `2n` of the field expansion.
        case order
        /// The dimension `d`.
        case dimension = "d"
        /// The regulator prefactor `α` (`R_k = α Z_k k² r(y)`).
        case prefactor = "alpha"
    }

    /// The truncation at the study's last stage.
    public var spec: TruncationSpec
    public var parameter: Parameter
    public var steps: [ContinuationStep]
    /// Why the branch ended before the last stage, nil when it reached it.
    public var stopped: String?
    /// In the order: whether the branch converges (judged on the steps reached); in the
    /// dimension: nil (each step carries its own check).
    public var persistence: Persistence?

    /// The Wilson–Fisher point found at φ⁴ by a search and followed order by order up to
    /// `spec.order`; the steps below `fromOrder` are dropped from the result.
    public static func byOrder(_ spec: TruncationSpec, fromOrder: Int = 2, starts: Int = 400, seed: UInt64 = 1,
                               progress: StudyProgress? = nil) throws -> BranchStudy {
        var study = try BranchStudy(spec: spec, parameter: .order) {
            try TruncationStudies.wilsonFisherByOrder(spec, starts: starts, seed: seed, progress: progress)
        }
        // The study is its own persistence check when it reaches the target order of the check
        // for its first point (or was stopped on the way); otherwise its last point is followed
        // on. Following the last point of a long study instead would ask for orders beyond the
        // reach of double precision and judge nothing.
        let verdict: Persistence
        var firstSpec = spec
        firstSpec.order = study.steps.first.map { Int($0.parameter) } ?? spec.order
        if let last = study.steps.last, Int(last.parameter) < Persistence.targetOrder(for: firstSpec), study.stopped == nil {
            var s = spec
            s.order = Int(last.parameter)
            verdict = Persistence.assess(last.fixedPoint, of: s, progress: progress)
        } else {
            verdict = Persistence.judge(study.steps, of: spec, lost: study.stopped)
        }
        study.persistence = verdict
        study.steps = study.steps.filter { Int($0.parameter) >= fromOrder }.map { step in
            var step = step
            step.fixedPoint.persistence = verdict
            return step
        }
        return study
    }

    /// The Wilson–Fisher point of `spec` (at its order) followed through `dimensions`, starting
    /// from a search at the first of them.
    public static func byDimension(_ spec: TruncationSpec, dimensions: [Double], starts: Int = 400,
                                   seed: UInt64 = 1) throws -> BranchStudy {
        var first = spec
        first.dimension = dimensions.first ?? spec.dimension
        var study = try BranchStudy(spec: first, parameter: .dimension) {
            try TruncationStudies.wilsonFisherByDimension(spec, dimensions: dimensions, starts: starts, seed: seed)
        }
        // Each dimension gets its own check: the LPA point persists for 2 < d < 4, not below.
        study.steps = study.steps.map { step in
            var step = step, s = spec
            s.dimension = step.parameter
            step.fixedPoint.persistence = Persistence.assess(step.fixedPoint, of: s)
            return step
        }
        return study
    }

    /// The Wilson–Fisher point of `spec` (at its order) followed through regulator prefactors
    /// `alphas` (a PMS scan); each step gets its persistence check in the order.
    public static func byPrefactor(_ spec: TruncationSpec, prefactors alphas: [Double], starts: Int = 400,
                                   seed: UInt64 = 1, progress: StudyProgress? = nil) throws -> BranchStudy {
        var first = spec
        first.regulatorPrefactor = alphas.first ?? spec.regulatorPrefactor
        return try BranchStudy(spec: first, parameter: .prefactor) {
            try TruncationStudies.wilsonFisherByPrefactor(spec, prefactors: alphas, starts: starts, seed: seed, progress: progress)
        }
    }

    private init(spec: TruncationSpec, parameter: Parameter, _ follow: () throws -> [ContinuationStep]) throws {
        self.spec = spec
        self.parameter = parameter
        do {
            steps = try follow()
        } catch let failure as ContinuationFailure {
            steps = failure.completed
            stopped = failure.description
        }
    }
}

/// Dimensions from `from` to `to` in steps of `step` (the last one `to` itself), for a study in `d`.
public struct DimensionGrid: Sendable, Equatable {
    public var from: Double
    public var to: Double
    public var step: Double

    /// Most dimensions a grid may hold; a study follows the branch through every one.
    public static let maximumCount = 100_000

    public init(from: Double, to: Double, step: Double) {
        self.from = from
        self.to = to
        self.step = step
    }

    /// The dimensions, checked before anything is allocated.
    public func dimensions() throws -> [Double] {
        guard from.isFinite, to.isFinite, from > 0, to > 0, step.isFinite, step > 0 else {
            throw DimensionGridError.invalid(self)
        }
        let intervals = (abs(from - to) / step + 1e-9).rounded(.down)
        guard intervals < Double(Self.maximumCount) else { throw DimensionGridError.tooMany(self, count: intervals + 1) }
        let count = Int(intervals)
        let direction: Double = to < from ? -1 : 1
        // Snapped to 12 significant digits: 3.9 − 2·0.1 is 3.7, as typed, not 3.6999999999999997
        // (the value is printed, written to files and compared across runs).
        var dimensions = (0...count).map { Double(String(format: "%.12g", from + direction * Double($0) * step))! }
        if abs(dimensions.last! - to) > 1e-9 * step { dimensions.append(to) }
        return dimensions
    }
}

/// A dimension grid that cannot be used.
public enum DimensionGridError: UserFacingError, Equatable {
    case invalid(DimensionGrid)
    case tooMany(DimensionGrid, count: Double)

    public var category: ErrorCategory { .invalidInput }

    public var description: String {
        switch self {
        case .invalid(let g):
            return "a dimension sweep needs positive, finite dimensions and step, got \(g.from):\(g.to):\(g.step)"
        case let .tooMany(g, count):
            return "the dimension sweep \(g.from):\(g.to):\(g.step) has \(String(format: "%.3g", count)) points; at most \(DimensionGrid.maximumCount) are followed"
        }
    }
}

/// Every real fixed point of a truncation that a multi-start search finds.
public struct FixedPointCensus: Sendable {
    public var spec: TruncationSpec
    public var beta: BetaFunctions
    public var points: [FixedPoint]
    /// Newton starts run: the random ones, the origin, and the Wilson–Fisher branch followed from φ⁴.
    public var startCount: Int
    /// What became of the starts that gave no listed point.
    public var unconverged: Int, outsideRegion: Int, outsideDomain: Int
    /// Why the Wilson–Fisher branch followed from φ⁴ did not reach `spec.order`, nil when it did
    /// (or when the order is the starting one).
    public var branchLost: String?
    /// Listed points that the random starts missed and only the branch followed from φ⁴ reached.
    public var missedBySampling: [FixedPoint] = []
    /// The half-width of the search box, in natural units, and the number of random starts in it.
    public var width: Double, randomStarts: Int

    /// Most random starts a search accepts (each is one Newton iteration, run on all cores).
    public static let maximumStarts = 1_000_000

    /// Searches a box of `±width` natural units (`TruncationStudies.defaultRegion`) from `starts`
    /// reproducible random points and the origin. At orders above φ⁴ the Wilson–Fisher point
    /// followed order by order from φ⁴ is a start too: at high orders random starts rarely land
    /// in its basin.
    public init(_ spec: TruncationSpec, starts: Int = 400, seed: UInt64 = 1, width: Double = 3,
                progress: StudyProgress? = nil) throws {
        guard (1...Self.maximumStarts).contains(starts) else { throw FixedPointSearchError.invalidStarts(starts) }
        let beta = try BetaFunctions(spec)
        var search = FixedPointSearch(region: TruncationStudies.defaultRegion(beta, width: width))
        search.starts = starts
        search.seed = seed
        if spec.order > TruncationStudies.startingOrder(spec) {
            do {
                if let wf = try TruncationStudies.wilsonFisherByOrder(spec, starts: starts, seed: seed, progress: progress).last {
                    search.extraStarts = [wf.fixedPoint.couplings]
                }
            } catch let error as ContinuationFailure {
                branchLost = error.description
            } catch let error as TruncationStudyError {
                branchLost = error.description
            }
        }
        self.spec = spec
        self.beta = beta
        progress?("search: \(search.starts + 1 + search.extraStarts.count) Newton starts at φ^\(spec.order)")
        let outcome = try search.survey(beta)
        // Every non-Gaussian point is followed to higher orders: only those that converge are named.
        points = outcome.points.map { point in
            var point = point
            if point.kind != .gaussian { point.persistence = Persistence.assess(point, of: spec, progress: progress) }
            return point
        }
        startCount = search.starts + 1 + search.extraStarts.count
        unconverged = outcome.unconverged
        outsideRegion = outcome.outsideRegion
        outsideDomain = outcome.outsideDomain
        missedBySampling = outcome.missedBySampling
        self.width = width
        randomStarts = starts
    }

    /// Which listed points the random starts did not find on their own, and why they could not:
    /// how far outside the search box they lie, in natural units. Nil when the sampled starts
    /// found every listed point.
    public var searchMissed: String? {
        guard !missedBySampling.isEmpty else { return nil }
        let scales = TruncationStudies.naturalScales(beta)
        let region = TruncationStudies.defaultRegion(beta, width: width)
        let parts = missedBySampling.map { point -> String in
            let farthest = zip(point.couplings, scales).map { abs($0) / $1 }.max() ?? 0
            let inside = region.contains(point.couplings)
            let nu = point.nu.map { " (ν = \(formatNumber($0, significant: 6)))" } ?? ""
            return "the \(point.kind.rawValue) point\(nu) was reached only by following the branch from φ^\(TruncationStudies.startingOrder(spec)): "
                + (inside ? "none of the \(randomStarts) random starts converged to it"
                          : "it lies outside the search box (a coupling at \(formatNumber(farthest, significant: 2)) natural units, the box ±\(formatNumber(width))), where random starts are not drawn")
        }
        return parts.joined(separator: "; ")
    }

    /// Why the census lists no interacting fixed point, when it lists none: the fate of the
    /// starts and of the Wilson–Fisher branch, so that an empty table is never unexplained.
    public var shortfall: String? {
        guard !points.contains(where: { $0.kind != .gaussian }) else { return nil }
        var parts = ["\(points.isEmpty ? "no fixed point" : "only the Gaussian fixed point") found from \(startCount) Newton starts",
                     "\(unconverged) did not converge"]
        if outsideRegion > 0 { parts.append("\(outsideRegion) converged outside the search box (widen it with --width)") }
        if outsideDomain > 0 { parts.append("\(outsideDomain) beyond a threshold pole") }
        var text = parts.joined(separator: "; ")
        if let branchLost {
            text += "; the Wilson–Fisher branch followed from φ^\(TruncationStudies.startingOrder(spec)) was lost: \(branchLost)"
        }
        return text
    }
}
