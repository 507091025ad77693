import Diagnostics

/// Errors of ``ODEProblem/solve(from:to:initialState:output:events:options:)``.
///
/// All cases except ``solverFailed(_:)`` are found by validating the input before CVODE is
/// called.
public enum ODEError: UserFacingError {
    case invalidDimension(Int)
    case initialStateCount(expected: Int, actual: Int)
    case nonFiniteInitialState(component: Int, value: Double)
    /// start and end must be finite and distinct.
    case invalidTimeSpan(start: Double, end: Double)
    case invalidRelativeTolerance(Double)
    /// `component` is nil for a scalar absolute tolerance.
    case invalidAbsoluteTolerance(component: Int?, value: Double)
    case absoluteToleranceCount(expected: Int, actual: Int)
    case invalidBandwidth(upper: Int, lower: Int, dimension: Int)
    case invalidOutputCount(Int)
    /// An output time that is not finite, lies outside [start, end], or breaks monotonicity.
    case invalidOutputTime(index: Int, time: Double)
    case invalidMaxSteps(Int)
    case invalidStopTime(Double, end: Double)
    /// CVODE returned a failure flag.
    case solverFailed(CVodeFailure)

    /// Validation errors are the caller's input; a CVODE failure is a failed run.
    public var category: ErrorCategory { flagName == nil ? .invalidInput : .runFailed }

    /// CVODE's flag name for ``solverFailed(_:)``, nil for validation errors.
    public var flagName: String? {
        if case .solverFailed(let failure) = self { return failure.flagName }
        return nil
    }

    public var description: String {
        switch self {
        case .invalidDimension(let n):
            return "ODE dimension must be at least 1, got \(n)"
        case .initialStateCount(let expected, let actual):
            return "initial state has \(actual) components, the problem has \(expected)"
        case .nonFiniteInitialState(let i, let value):
            return "initial state component \(i) is \(value)"
        case .invalidTimeSpan(let start, let end):
            return "time span [\(start), \(end)] must have finite, distinct ends"
        case .invalidRelativeTolerance(let value):
            return "relative tolerance must be finite and ≥ 0, got \(value)"
        case .invalidAbsoluteTolerance(let component, let value):
            let which = component.map { " (component \($0))" } ?? ""
            return "absolute tolerance\(which) must be finite and ≥ 0, got \(value)"
        case .absoluteToleranceCount(let expected, let actual):
            return "\(actual) absolute tolerances given for \(expected) components"
        case .invalidBandwidth(let upper, let lower, let n):
            return "half-bandwidths upper \(upper), lower \(lower) must lie in 0..<\(n)"
        case .invalidOutputCount(let count):
            return "output needs at least 1 listed time or 2 evenly spaced ones, got \(count)"
        case .invalidOutputTime(let index, let time):
            return "output time #\(index) = \(time) is not finite, outside [start, end], "
                + "or not strictly monotone in the direction of integration"
        case .invalidMaxSteps(let steps):
            return "maximum number of steps must be at least 1, got \(steps)"
        case .invalidStopTime(let stop, let end):
            return "stop time \(stop) must be finite and not before the end time \(end)"
        case .solverFailed(let failure):
            return failure.description
        }
    }
}

/// A failure reported by CVODE, with its flag and the message it produced.
public struct CVodeFailure: CustomStringConvertible, Sendable {
    /// CVODE's return flag, e.g. -1.
    public var flag: Int32
    /// CVODE's name for it (`CVodeGetReturnFlagName`), e.g. "CV_TOO_MUCH_WORK".
    public var flagName: String
    /// CVODE's error message (captured by the shim's error handler, never printed).
    public var message: String
    /// The last time CVODE reached successfully, and the state there.
    public var time: Double
    public var state: [Double]
    /// The error thrown by a right-hand side, Jacobian or event function, unchanged: the one
    /// that stopped CVODE (unrecoverable), else the last recoverable failure during the failing
    /// CVode call, which CVODE could not get around. Nil when no closure threw.
    public var underlying: (any Error)?

    public var description: String {
        var text = "CVODE failed with \(flagName) at t = \(time): \(message)"
        if let underlying { text += " (caused by: \(underlying))" }
        return text
    }
}
