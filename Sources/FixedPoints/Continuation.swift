import Diagnostics
import Truncation

/// One stage of a continuation: the parameter value and the fixed point followed to it.
public struct ContinuationStep: Sendable {
    /// The parameter of this stage: the order `2n`, or the dimension `d`.
    public var parameter: Double
    public var fixedPoint: FixedPoint
}

/// Why a continuation stopped early: a result of a study rather than a mistake in its input
/// (`ErrorCategory.runFailed`).
public struct ContinuationFailure: UserFacingError, Sendable {
    public enum Reason: UserFacingError, Sendable {
        /// Newton's method did not converge from the predicted start.
        case newton(NewtonFailure)
        /// Newton's method converged, but to a fixed point of another kind (for example the
        /// Wilson–Fisher start fell onto the Gaussian fixed point): the branch ends or turns here.
        case changedKind(from: FixedPoint.Kind, to: FixedPoint.Kind)

        public var description: String {
            switch self {
            case .newton(let failure): return failure.description
            case let .changedKind(from, to):
                return "Newton's method converged to a \(to.rawValue) fixed point instead of the \(from.rawValue) one being followed"
            }
        }

        public var category: ErrorCategory { .runFailed }
    }

    /// Parameter value at which the branch was lost.
    public var parameter: Double
    public var reason: Reason
    /// The stages completed before the failure.
    public var completed: [ContinuationStep]

    public var description: String {
        "lost the fixed-point branch at parameter \(parameter): \(reason)"
    }

    public var category: ErrorCategory { .runFailed }
}

/// Follows a fixed point through a sequence of systems: in the order (φ⁴ → φ⁶ → …, each order
/// started from the previous one's fixed point, which is how the Wilson–Fisher branch is followed
/// reliably) or in the dimension (small steps in `d`).
///
/// Couplings are matched between stages by name, so truncations of different size connect. A
/// coupling new at a stage starts where its own beta function vanishes with the others held
/// fixed. With `extrapolate`, a secant prediction from the two previous stages is tried first
/// (useful in a continuous parameter like `d`). Each stage must converge to a fixed point of the
/// same kind as `start`; otherwise the branch is lost. With `subdivide`, a failed step is halved (up to `maxBisections` times) by
/// inserting intermediate parameter values, which `field` must then be able to build (the
/// dimension can; the order cannot).
///
/// - Throws: `ContinuationFailure` (carrying the stages done) when the branch is lost.
public func followFixedPoint<Field: VectorField>(
    from start: FixedPoint,
    at startParameter: Double,
    through parameters: [Double],
    field: (Double) throws -> Field,
    subdivide: Bool = false,
    extrapolate: Bool = false,
    maxBisections: Int = 12,
    newton: NewtonOptions = NewtonOptions(),
    classification: ClassificationOptions = ClassificationOptions()
) throws -> [ContinuationStep] {
    var completed: [ContinuationStep] = []
    var current = (parameter: startParameter, point: start)
    var previous: (parameter: Double, point: FixedPoint)?

    /// One attempt from the current stage to `target`: Newton from the secant prediction (when
    /// enabled and two stages are known), then from the last fixed point itself.
    func attempt(_ target: Double) throws -> Result<FixedPoint, ContinuationFailure.Reason> {
        let system = try field(target)
        let last = Dictionary(uniqueKeysWithValues: zip(current.point.couplingNames, current.point.couplings))
        var guesses = [system.coordinateNames.map { last[$0] ?? 0 }]
        if extrapolate, let previous, previous.parameter != current.parameter {
            let older = Dictionary(uniqueKeysWithValues: zip(previous.point.couplingNames, previous.point.couplings))
            let ratio = (target - current.parameter) / (current.parameter - previous.parameter)
            guesses.insert(system.coordinateNames.map { name in
                let value = last[name] ?? 0
                return older[name].map { value + (value - $0) * ratio } ?? value
            }, at: 0)
        }
        let fresh = system.coordinateNames.indices.filter { last[system.coordinateNames[$0]] == nil }
        var reason = ContinuationFailure.Reason.newton(.tooManyIterations(residual: .infinity))
        for var guess in guesses {
            if !fresh.isEmpty, case .success(let partial) = newtonSolve(system, from: guess, freeing: fresh, options: newton) {
                guess = partial.root
            }
            switch newtonSolve(system, from: guess, options: newton) {
            case .failure(let failure):
                reason = .newton(failure)
            case .success(let root):
                let point = try analyzeFixedPoint(system, at: root.root, residual: root.residual, options: classification)
                if point.kind == start.kind { return .success(point) }
                reason = .changedKind(from: start.kind, to: point.kind)
            }
        }
        return .failure(reason)
    }

    for target in parameters {
        var pending = [target]
        var bisections = 0
        while let next = pending.last {
            switch try attempt(next) {
            case .success(let point):
                pending.removeLast()
                previous = current
                current = (next, point)
                if pending.isEmpty { completed.append(ContinuationStep(parameter: next, fixedPoint: point)) }
            case .failure(let reason):
                guard subdivide, bisections < maxBisections else {
                    throw ContinuationFailure(parameter: next, reason: reason, completed: completed)
                }
                bisections += 1
                pending.append((current.parameter + next) / 2)
            }
        }
    }
    return completed
}
