import Truncation
/// One stage of a continuation: the parameter value and the fixed point followed to it.
public struct ContinuationStep: Sendable {
    /// The parameter of this stage: the order `2n`, or the dimension `d`.
    public var parameter: Double
    public var fixedPoint: FixedPoint
}

/// Why a continuation stopped early.
public struct ContinuationFailure: Error, CustomStringConvertible, Sendable {
    /// Parameter value at which Newton's method lost the branch.
    public var parameter: Double
    public var reason: NewtonFailure
    /// The stages completed before the failure.
    public var completed: [ContinuationStep]

    public var description: String {
        "lost the fixed-point branch at parameter \(parameter): \(reason)"
    }
}

/// Follows a fixed point through a sequence of systems: in the order (φ⁴ → φ⁶ → …, each order
/// started from the previous one's fixed point with the new couplings at zero, which is how the
/// Wilson–Fisher branch is followed reliably) or in the dimension (small steps in `d`, each started
/// from a linear extrapolation of the previous two).
///
/// Couplings are matched between stages by name, so truncations of different size connect.
/// Throws `ContinuationFailure` (carrying the stages done) when Newton's method loses the branch.
public func followFixedPoint<Field: VectorField>(
    from start: FixedPoint,
    through stages: [(parameter: Double, field: Field)],
    newton: NewtonOptions = NewtonOptions(),
    classification: ClassificationOptions = ClassificationOptions()
) throws -> [ContinuationStep] {
    var completed: [ContinuationStep] = []
    var previous: [String: Double] = Dictionary(uniqueKeysWithValues: zip(start.couplingNames, start.couplings))
    var beforePrevious: [String: Double]?
    var previousParameter: Double?, beforePreviousParameter: Double?

    for (parameter, field) in stages {
        var guess = field.coordinateNames.map { name -> Double in
            let last = previous[name] ?? 0
            // Linear extrapolation in the parameter when two earlier stages know this coupling.
            if let older = beforePrevious?[name], let p1 = previousParameter, let p0 = beforePreviousParameter, p1 != p0 {
                return last + (last - older) * (parameter - p1) / (p1 - p0)
            }
            return last
        }
        // Couplings new at this stage start where their own beta functions vanish with the old
        // couplings held fixed: a zero start can fall into the Gaussian basin.
        let fresh = field.coordinateNames.indices.filter { previous[field.coordinateNames[$0]] == nil }
        if !fresh.isEmpty, case .success(let partial) = newtonSolve(field, from: guess, freeing: fresh, options: newton) {
            guess = partial.root
        }
        var result = newtonSolve(field, from: guess, options: newton)
        if case .failure = result, beforePrevious != nil {
            // The extrapolation can overshoot near a turning point; retry from the last point.
            result = newtonSolve(field, from: field.coordinateNames.map { previous[$0] ?? 0 }, options: newton)
        }
        switch result {
        case .failure(let reason):
            throw ContinuationFailure(parameter: parameter, reason: reason, completed: completed)
        case .success(let root):
            let point = try analyzeFixedPoint(field, at: root.root, residual: root.residual, options: classification)
            completed.append(ContinuationStep(parameter: parameter, fixedPoint: point))
            beforePrevious = previous
            beforePreviousParameter = previousParameter
            previous = Dictionary(uniqueKeysWithValues: zip(point.couplingNames, point.couplings))
            previousParameter = parameter
        }
    }
    return completed
}
