import Diagnostics
import Foundation
import Truncation

/// Settings of the damped Newton iteration `ū ← ū − λ J⁻¹ β(ū)`.
public struct NewtonOptions: Sendable {
    /// Converged when `max_i |β_i| ≤ residualTolerance · (1 + max_i |ū_i|)` and the last step is
    /// below `stepTolerance · (1 + max_i |ū_i|)`: relative, because couplings of high order are
    /// large numbers in dimensionless units.
    public var residualTolerance: Double = 1e-11
    public var stepTolerance: Double = 1e-10
    public var maxIterations: Int = 100
    /// When no damped step decreases `|β|` any more (the rounding floor), the iterate is accepted if
    /// every `|β_i| ≤ noiseTolerance · (1 + Σ_j |J_ij ū_j|)`, i.e. at the level of rounding in the
    /// terms that make up `β_i`.
    public var noiseTolerance: Double = 1e-9
    /// Smallest damping factor tried by the backtracking line search before giving up.
    public var minimumDamping: Double = 1.0 / 1024

    public init() {}
}

/// Why a Newton iteration did not converge. These are ordinary outcomes of a multi-start search;
/// thrown on, they are failures of the run (`ErrorCategory.runFailed`).
public enum NewtonFailure: UserFacingError, Equatable {
    case singularJacobian(iteration: Int)
    case noDescent(iteration: Int, residual: Double)
    case leftDomain(iteration: Int)
    case tooManyIterations(residual: Double)

    public var description: String {
        switch self {
        case .singularJacobian(let k): return "singular Jacobian at Newton iteration \(k)"
        case .noDescent(let k, let r): return "line search found no descent at iteration \(k) (max |β| = \(r))"
        case .leftDomain(let k): return "left the domain of the equations at iteration \(k)"
        case .tooManyIterations(let r): return "no convergence within the iteration budget (max |β| = \(r))"
        }
    }

    public var category: ErrorCategory { .runFailed }
}

/// Solves `β(ū) = 0` by Newton's method with the exact Jacobian and a backtracking line search on
/// `|β|²`. Returns the root and the final `max |β|`.
///
/// With `free`, only those coordinates move and only their equations are solved (the others are
/// held at their start values): the partial solve that starts a coupling new to a truncation.
public func newtonSolve(_ field: some VectorField, from start: [Double], freeing free: [Int]? = nil,
                        options: NewtonOptions = NewtonOptions()) -> Result<(root: [Double], residual: Double), NewtonFailure> {
    let full = field.dimension
    precondition(start.count == full, "start has \(start.count) couplings, the system \(full)")
    let active = free ?? Array(0..<full)
    // β restricted to the active equations.
    func betaActive(_ u: [Double]) -> [Double] {
        let b = field.beta(at: u)
        return free == nil ? b : active.map { b[$0] }
    }
    var u = start
    var beta = betaActive(u)
    guard beta.allSatisfy(\.isFinite), field.isInDomain(u) else { return .failure(.leftDomain(iteration: 0)) }
    var residual = beta.map(abs).max() ?? 0
    // The line search measures β_i relative to 1 + |ū_i| (a diagonal weight keeps the Newton step a
    // descent direction): couplings of high order are large, and an unweighted norm lets their
    // equations dominate and the damping crawl.
    func weightedNorm2(_ b: [Double], _ weights: [Double]) -> Double {
        zip(b, weights).reduce(0) { $0 + $1.0 * $1.0 * $1.1 }
    }
    var weights = active.map { 1 / ((1 + abs(u[$0])) * (1 + abs(u[$0]))) }
    var norm2 = weightedNorm2(beta, weights)

    for iteration in 1...options.maxIterations {
        let fullJacobian = field.jacobian(at: u)
        var jac = fullJacobian
        if free != nil {
            jac = active.flatMap { i in active.map { j in fullJacobian[i * full + j] } }
        }
        let step: [Double]
        do {
            step = try solveLinearSystem(jac, beta)
        } catch {
            return .failure(.singularJacobian(iteration: iteration))
        }
        var lambda = 1.0
        var accepted = false
        var trial = u
        while lambda >= options.minimumDamping {
            for (k, i) in active.enumerated() { trial[i] = u[i] - lambda * step[k] }
            if field.isInDomain(trial) {
                let trialBeta = betaActive(trial)
                let trialNorm2 = weightedNorm2(trialBeta, weights)
                // Armijo condition on |β|²: the Newton direction gives slope −2|β|².
                if trialNorm2.isFinite, trialNorm2 <= (1 - 1e-4 * lambda) * norm2 || trialNorm2 < 1e-300 {
                    beta = trialBeta
                    norm2 = trialNorm2
                    accepted = true
                    break
                }
            }
            lambda /= 2
        }
        if !accepted {
            // At machine precision no strict descent is possible: accept convergence if we are there.
            // Rounding noise in β_i grows with the size of the terms in it (couplings of high order
            // reach 10³⁰ in dimensionless units); Σ_j |J_ij ū_j| measures that size.
            var relative = 0.0
            for (k, i) in active.enumerated() {
                var size = 1.0
                for j in 0..<full { size += abs(fullJacobian[i * full + j] * u[j]) }
                relative = max(relative, abs(beta[k]) / size)
            }
            // At a true root the full Newton step is itself at rounding level; near a pole of the
            // equations (where the terms, and so `relative`'s yardstick, blow up) it is not.
            let newtonStepIsTiny = zip(active, step).allSatisfy { abs($1) <= 1e-6 * (1 + abs(u[$0])) }
            if residual <= options.residualTolerance * (1 + (u.map(abs).max() ?? 0))
                || (relative <= options.noiseTolerance && newtonStepIsTiny) {
                return .success((u, residual))
            }
            return .failure(field.isInDomain(trial) ? .noDescent(iteration: iteration, residual: residual)
                                                   : .leftDomain(iteration: iteration))
        }
        let scale = 1 + (u.map(abs).max() ?? 0)
        let stepSize = lambda * (step.map(abs).max() ?? 0)
        u = trial
        residual = beta.map(abs).max() ?? 0
        weights = active.map { 1 / ((1 + abs(u[$0])) * (1 + abs(u[$0]))) }
        norm2 = weightedNorm2(beta, weights)
        if residual <= options.residualTolerance * scale && stepSize <= options.stepTolerance * scale {
            return .success((u, residual))
        }
    }
    return .failure(.tooManyIterations(residual: residual))
}
