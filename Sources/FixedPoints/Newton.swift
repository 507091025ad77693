import Diagnostics
import Foundation
import Truncation

/// Settings of the damped Newton iteration `ū ← ū − λ J⁻¹ β(ū)`.
///
/// Tolerances are in natural units (see `newtonSolve`): a coupling is measured against its own
/// magnitude `c_j = max(|ū_j|, s_j)` (`s_j` the field's `naturalScales`), an equation against the
/// size of its terms `r_i = Σ_j |J_ij| c_j`. At high orders the couplings span dozens of decades
/// (φ⁶⁰ about the minimum: `κ ≈ 0.03`, `λ30 ≈ 10⁵⁸`), and one absolute yardstick for all of them
/// would let the large ones hide the small ones' errors.
public struct NewtonOptions: Sendable {
    /// Converged when every `|β_i|/r_i ≤ residualTolerance` and the last step moved every coupling
    /// by at most `stepTolerance · c_j`.
    public var residualTolerance: Double = 1e-11
    public var stepTolerance: Double = 1e-10
    public var maxIterations: Int = 100
    /// When no damped step decreases the residual any more (the rounding floor), the iterate is
    /// accepted if every `|β_i|/r_i ≤ noiseTolerance` and the full Newton step is below `1e-6 c_j`.
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

/// Solves `β(ū) = 0` by Newton's method with the exact Jacobian and a backtracking line search.
/// Returns the root and the final `max |β|`.
///
/// Every iteration works in natural units: the couplings as `x_j = ū_j/c_j` with
/// `c_j = max(|ū_j|, s_j)` (`s_j = field.naturalScales[j]`), the equations as `g_i = β_i/r_i` with
/// `r_i = Σ_j |J_ij| c_j`, the size of the terms that make up `β_i`. The linear system is solved in
/// those units (at φ⁴² about the minimum the raw Jacobian's condition number is 10⁶⁷, the scaled
/// one's 10³·⁷), the line search decreases `Σ g_i²`, and the tolerances of `NewtonOptions` are
/// read in them.
///
/// With `free`, only those coordinates move and only their equations are solved (the others are
/// held at their start values): the partial solve that starts a coupling new to a truncation.
public func newtonSolve(_ field: some VectorField, from start: [Double], freeing free: [Int]? = nil,
                        options: NewtonOptions = NewtonOptions()) -> Result<(root: [Double], residual: Double), NewtonFailure> {
    let full = field.dimension
    precondition(start.count == full, "start has \(start.count) couplings, the system \(full)")
    let active = free ?? Array(0..<full)
    let m = active.count
    let natural = field.naturalScales
    // β restricted to the active equations.
    func betaActive(_ u: [Double]) -> [Double] {
        let b = field.beta(at: u)
        return free == nil ? b : active.map { b[$0] }
    }
    func maxScaled(_ b: [Double], _ rows: [Double]) -> Double {
        zip(b, rows).reduce(0) { max($0, abs($1.0) / $1.1) }
    }
    func norm2(_ b: [Double], _ rows: [Double]) -> Double {
        zip(b, rows).reduce(0) { $0 + ($1.0 / $1.1) * ($1.0 / $1.1) }
    }
    /// The `max |β|` every outcome reports.
    func residual(_ b: [Double]) -> Double { b.map(abs).max() ?? 0 }
    var u = start
    var beta = betaActive(u)
    guard beta.allSatisfy(\.isFinite), field.isInDomain(u) else { return .failure(.leftDomain(iteration: 0)) }
    // A start that is a root already (the Gaussian point at the origin, where a marginal coupling
    // makes the Jacobian singular) needs no step.
    if beta.allSatisfy({ $0 == 0 }) { return .success((u, 0)) }

    for iteration in 1...options.maxIterations {
        let fullJacobian = field.jacobian(at: u)
        let columns = active.map { max(abs(u[$0]), natural[$0]) }
        // J restricted to the active block, in natural units: J_ij c_j / r_i.
        var scaled = [Double](repeating: 0, count: m * m)
        var rows = [Double](repeating: 0, count: m)
        for (a, i) in active.enumerated() {
            for (b, j) in active.enumerated() {
                let entry = fullJacobian[i * full + j] * columns[b]
                scaled[a * m + b] = entry
                rows[a] += abs(entry)
            }
            // A row without terms (an equation that does not depend on the active couplings) is
            // singular; keep the division finite and let the solve report it.
            if !(rows[a] > 0) { rows[a] = 1 }
            for b in 0..<m { scaled[a * m + b] /= rows[a] }
        }
        guard rows.allSatisfy(\.isFinite) else { return .failure(.leftDomain(iteration: iteration)) }
        var step: [Double]
        do {
            step = try solveLinearSystem(scaled, (0..<m).map { beta[$0] / rows[$0] })
        } catch {
            return .failure(.singularJacobian(iteration: iteration))
        }
        for b in 0..<m { step[b] *= columns[b] }

        let current = norm2(beta, rows)
        var lambda = 1.0
        var accepted = false
        var trial = u
        var trialBeta = beta
        while lambda >= options.minimumDamping {
            for (b, i) in active.enumerated() { trial[i] = u[i] - lambda * step[b] }
            if field.isInDomain(trial) {
                trialBeta = betaActive(trial)
                let trialNorm2 = norm2(trialBeta, rows)
                // Armijo condition: along the Newton direction the slope of Σ g² is −2 Σ g².
                if trialNorm2.isFinite, trialNorm2 <= (1 - 1e-4 * lambda) * current || trialNorm2 < 1e-300 {
                    accepted = true
                    break
                }
            }
            lambda /= 2
        }
        if !accepted {
            // At the rounding floor no strict descent is possible: accept the iterate if it is there.
            // At a true root the full Newton step is itself at rounding level; near a pole of the
            // equations (where the terms, and so the yardstick r_i, blow up) it is not.
            let stepIsTiny = (0..<m).allSatisfy { abs(step[$0]) <= 1e-6 * columns[$0] }
            let floor = maxScaled(beta, rows)
            if floor <= options.residualTolerance || (floor <= options.noiseTolerance && stepIsTiny) {
                return .success((u, residual(beta)))
            }
            return .failure(field.isInDomain(trial)
                ? .noDescent(iteration: iteration, residual: residual(beta))
                : .leftDomain(iteration: iteration))
        }
        let stepIsSmall = (0..<m).allSatisfy { abs(lambda * step[$0]) <= options.stepTolerance * columns[$0] }
        u = trial
        beta = trialBeta
        if stepIsSmall && maxScaled(beta, rows) <= options.residualTolerance {
            return .success((u, residual(beta)))
        }
    }
    return .failure(.tooManyIterations(residual: residual(beta)))
}
