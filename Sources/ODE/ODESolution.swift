/// The result of ``ODEProblem/solve(from:to:initialState:output:events:options:)``.
public struct ODESolution: Sendable {
    /// Output times, in the order reached.
    public var times: [Double]
    /// `states[k][i] = y_i(times[k])`.
    public var states: [[Double]]
    /// Every event that fired, in order of time; simultaneous crossings appear in the order of
    /// the `events` argument.
    public var events: [ODEEventOccurrence]
    public var termination: ODETermination
    /// Where the integration ended: `end`, or the time of the terminal event.
    public var finalTime: Double
    public var finalState: [Double]
    public var statistics: ODEStatistics
    /// Warnings CVODE reported (e.g. "t + h = t on the next step"), and the last one.
    public var warningCount: Int
    public var lastWarning: String?
}

/// Why the integration ended.
public enum ODETermination: Equatable, Sendable {
    /// It reached `end`.
    case reachedEnd
    /// A terminal event fired (the first terminal one, when several fired at the same time);
    /// outputs requested after its time are not in the solution.
    case event(ODEEventOccurrence)
}

/// An event crossing located by CVODE's rootfinding.
public struct ODEEventOccurrence: Equatable, Sendable {
    public enum Crossing: Equatable, Sendable {
        /// g went from negative to positive.
        case increasing
        /// g went from positive to negative.
        case decreasing
    }

    /// Position of the event in the `events` argument.
    public var index: Int
    public var name: String
    public var crossing: Crossing
    public var isTerminal: Bool
    public var time: Double
    /// y at `time`.
    public var state: [Double]
}

/// CVODE's counters for one solve (its optional outputs).
public struct ODEStatistics: Equatable, Sendable {
    public var steps: Int
    /// Calls of f by the integrator (`CVodeGetNumRhsEvals`), excluding those for
    /// difference-quotient Jacobians.
    public var rightHandSideEvaluations: Int
    /// Calls of f to build difference-quotient Jacobians (0 with an exact Jacobian).
    public var rightHandSideEvaluationsForJacobian: Int
    public var jacobianEvaluations: Int
    public var errorTestFailures: Int
    public var nonlinearIterations: Int
    public var nonlinearConvergenceFailures: Int
    public var linearSolverSetups: Int
    /// Evaluations of the event functions (all of them at once count as one).
    public var eventFunctionEvaluations: Int
    /// Order of the method in the last step.
    public var lastOrder: Int
    public var initialStepSize: Double
    /// Signed: negative when integrating toward decreasing t.
    public var lastStepSize: Double
    /// CVODE's internal time, which may lie past the last output (CVODE interpolates back).
    public var internalTime: Double
    /// Steps taken with BDF (the others with Adams).
    public var bdfSteps: Int
    /// Switches between Adams and BDF (``ODEMethod/auto`` only; each restarts CVODE).
    public var methodSwitches: Int

    /// The counters of two consecutive stretches of one integration (`ODEMethod.auto` restarts
    /// CVODE at each switch): counts add up, the rest is the later stretch's.
    func followed(by later: ODEStatistics) -> ODEStatistics {
        var sum = later
        sum.steps += steps
        sum.rightHandSideEvaluations += rightHandSideEvaluations
        sum.rightHandSideEvaluationsForJacobian += rightHandSideEvaluationsForJacobian
        sum.jacobianEvaluations += jacobianEvaluations
        sum.errorTestFailures += errorTestFailures
        sum.nonlinearIterations += nonlinearIterations
        sum.nonlinearConvergenceFailures += nonlinearConvergenceFailures
        sum.linearSolverSetups += linearSolverSetups
        sum.eventFunctionEvaluations += eventFunctionEvaluations
        sum.initialStepSize = initialStepSize
        sum.bdfSteps += bdfSteps
        sum.methodSwitches += methodSwitches + 1
        return sum
    }
}
