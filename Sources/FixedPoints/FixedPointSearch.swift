import Diagnostics
import Dispatch
import Foundation
import Truncation

/// A box in coupling space: `lower[i] ≤ ū_i ≤ upper[i]`.
public struct SearchRegion: Sendable, Equatable {
    public var lower: [Double]
    public var upper: [Double]

    public init(lower: [Double], upper: [Double]) {
        precondition(lower.count == upper.count, "bounds differ in length")
        self.lower = lower
        self.upper = upper
    }

    public func contains(_ u: [Double]) -> Bool {
        u.indices.allSatisfy { lower[$0] <= u[$0] && u[$0] <= upper[$0] }
    }
}

/// Why a search could not run.
///
/// A start count or a region that the caller chose is invalid input; a region that does not fit
/// the truncation is a failure of the code that built it.
public enum FixedPointSearchError: UserFacingError, Equatable {
    case regionDimension(expected: Int, got: Int)
    case emptyRegion(coupling: String, lower: Double, upper: Double)
    case invalidStarts(Int)

    public var description: String {
        switch self {
        case let .regionDimension(e, g): return "search region has \(g) couplings, the truncation \(e)"
        case let .emptyRegion(c, l, u): return "search region for \(c) is empty or not finite: [\(l), \(u)]"
        case .invalidStarts(let s): return "the number of starts must be from 1 to \(FixedPointCensus.maximumStarts), got \(s)"
        }
    }

    public var category: ErrorCategory {
        switch self {
        case .regionDimension: return .runFailed
        case .emptyRegion, .invalidStarts: return .invalidInput
        }
    }
}

/// Multi-start Newton search for every real fixed point inside a region.
public struct FixedPointSearch: Sendable {
    public var region: SearchRegion
    /// Random starts, uniform in the region, plus the origin and any `extraStarts`.
    public var starts: Int = 400
    /// Reproducible: start `i` is drawn from a counter-based stream keyed by `(seed, i)`.
    public var seed: UInt64 = 1
    public var extraStarts: [[Double]] = []
    public var newton = NewtonOptions()
    public var classification = ClassificationOptions()
    /// Two roots are the same fixed point when `max_i |Δū_i| ≤ tolerance · (1 + max_i |ū_i|)`.
    public var duplicateTolerance: Double = 1e-7

    public init(region: SearchRegion) {
        self.region = region
    }

    /// What became of the starts of one search: the points found and the roots that were not
    /// kept, so that a search that found little can say why.
    public struct Outcome: Sendable {
        /// The fixed points, classified, ordered by kind and then by distance from the origin.
        public var points: [FixedPoint]
        /// Starts whose Newton iteration did not converge.
        public var unconverged: Int
        /// Roots from random starts that lie outside the region (dropped: the box is the search's scope).
        public var outsideRegion: Int
        /// Roots outside the field's domain (for example beyond a threshold pole).
        public var outsideDomain: Int
        /// The listed points that only `extraStarts` reached: the sampled starts (the origin and
        /// the random ones) missed them, in the order of `points`.
        public var missedBySampling: [FixedPoint] = []
    }

    /// Runs every start (in parallel), deduplicates, keeps roots inside the region and the
    /// field's domain, and returns them classified, ordered by kind and then by distance from the origin.
    public func run(_ field: some VectorField) throws -> [FixedPoint] {
        try survey(field).points
    }

    /// `run`, with the tally of the starts that gave no kept root. Roots reached from
    /// `extraStarts` are kept even outside the region: those starts are points the caller
    /// followed there (a branch continued in the order), not samples of the box.
    public func survey(_ field: some VectorField) throws -> Outcome {
        let n = field.dimension
        guard region.lower.count == n else { throw FixedPointSearchError.regionDimension(expected: n, got: region.lower.count) }
        for i in 0..<n where !(region.lower[i] <= region.upper[i]) || !region.lower[i].isFinite || !region.upper[i].isFinite {
            throw FixedPointSearchError.emptyRegion(coupling: field.coordinateNames[i], lower: region.lower[i], upper: region.upper[i])
        }
        guard starts >= 1 else { throw FixedPointSearchError.invalidStarts(starts) }

        var startPoints: [[Double]] = [[Double](repeating: 0, count: n)] + extraStarts
        for index in 0..<starts {
            var rng = CounterRandom(seed: seed, stream: UInt64(index))
            startPoints.append((0..<n).map { region.lower[$0] + (region.upper[$0] - region.lower[$0]) * rng.nextUniform() })
        }

        // Each start writes only its own slot, so the workers never share an element.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<[Double]?>.allocate(capacity: startPoints.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let options = newton
        let starting = startPoints
        DispatchQueue.concurrentPerform(iterations: starting.count) { index in
            if case .success(let root) = newtonSolve(field, from: starting[index], options: options) {
                results[index] = root.root
            }
        }

        // Deduplicate in start order, so the output does not depend on thread timing.
        var roots: [(point: [Double], basin: Int, followed: Bool, sampled: Bool)] = []
        var unconverged = 0, outsideDomain = 0
        // Numerically Gaussian roots are snapped onto the origin before they are compared: within
        // 1e-9 natural units of it (where a marginal coupling, ū6 in d = 3, makes Newton approach
        // the origin only linearly, the iteration stops about 1e-10 natural units short).
        let scales = field.naturalScales
        for (index, result) in UnsafeBufferPointer(results).enumerated() {
            guard var root = result else { unconverged += 1; continue }
            if zip(root, scales).allSatisfy({ abs($0) <= 1e-9 * $1 }) { root = root.map { _ in 0 } }
            guard field.isInDomain(root) else { outsideDomain += 1; continue }
            let followed = index >= 1 && index <= extraStarts.count
            let tolerance = duplicateTolerance * (1 + (root.map(abs).max() ?? 0))
            if let k = roots.firstIndex(where: { zip($0.point, root).allSatisfy { abs($0 - $1) <= tolerance } }) {
                roots[k].basin += 1
                roots[k].followed = roots[k].followed || followed
                roots[k].sampled = roots[k].sampled || !followed
            } else {
                roots.append((root, 1, followed, !followed))
            }
        }
        var kept: [(point: [Double], basin: Int, followed: Bool, sampled: Bool)] = []
        var outsideRegion = 0
        for root in roots {
            if root.followed || region.contains(root.point) || root.point.allSatisfy({ $0 == 0 }) {
                kept.append(root)
            } else {
                outsideRegion += root.basin
            }
        }
        let analyzed: [(point: FixedPoint, sampled: Bool)] = try kept.map { root in
            let residual = field.beta(at: root.point).map(abs).max() ?? 0
            return (try analyzeFixedPoint(field, at: root.point, residual: residual, basin: root.basin, options: classification),
                    root.sampled)
        }
        let order: [FixedPoint.Kind: Int] = [.gaussian: 0, .wilsonFisher: 1, .multicritical: 2, .other: 3]
        let sorted = analyzed.sorted {
            let a = order[$0.point.kind]!, b = order[$1.point.kind]!
            if a != b { return a < b }
            return norm($0.point.couplings) < norm($1.point.couplings)
        }
        return Outcome(points: sorted.map(\.point), unconverged: unconverged, outsideRegion: outsideRegion,
                       outsideDomain: outsideDomain, missedBySampling: sorted.filter { !$0.sampled }.map(\.point))
    }
}

private func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

/// SplitMix64 keyed by `(seed, stream)`: independent reproducible streams without shared state.
struct CounterRandom {
    private var state: UInt64

    init(seed: UInt64, stream: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 ^ (stream &+ 1) &* 0xBF58_476D_1CE4_E5B9
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
