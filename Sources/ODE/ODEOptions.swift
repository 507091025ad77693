/// CVODE's linear multistep family.
///
/// Both use Newton iteration with the direct linear solver chosen by
/// ``ODEProblem/jacobianStructure`` (CVODE's default nonlinear solver).
public enum ODEMethod: Equatable, Sendable {
    /// Backward differentiation formulas, orders 1–5: for stiff problems.
    case bdf
    /// Adams–Moulton formulas, orders 1–12: for nonstiff problems.
    case adams
}

/// Local error control: CVODE keeps each step's estimated local error e below 1 in the
/// weighted RMS norm with weights `w_i = 1 / (relative·|y_i| + absolute_i)`.
///
/// Validated before CVODE is called: `relative` and every absolute tolerance must be finite
/// and ≥ 0, and a per-component list must have one entry per component.
public struct ODETolerances: Equatable, Sendable {
    public enum Absolute: Equatable, Sendable {
        case scalar(Double)
        case perComponent([Double])
    }

    public var relative: Double
    public var absolute: Absolute

    public init(relative: Double, absolute: Double) {
        self.relative = relative
        self.absolute = .scalar(absolute)
    }

    public init(relative: Double, absolute: [Double]) {
        self.relative = relative
        self.absolute = .perComponent(absolute)
    }
}

/// Which states the solution records.
public enum ODEOutput: Equatable, Sendable {
    /// The state at these times (CVODE interpolates to them; their accuracy is that of the
    /// integration). They must lie in [start, end] and be strictly monotone in the direction
    /// of integration. A time equal to `start` records the initial state.
    case times([Double])
    /// `count ≥ 2` times evenly spaced from `start` to `end`, both included.
    case evenlySpaced(count: Int)
    /// The initial state and the state after every internal CVODE step (CVODE's one-step
    /// mode; the last step is made to land on `end`).
    case steps
}

/// An event: the integration watches `function(t, y)` for sign changes (CVODE's rootfinding)
/// and locates each zero crossing to within CVODE's root tolerance (about 100·ε·(|t| + |h|)).
/// A zero exactly at the start time is not an event: CVODE looks for crossings after it.
public struct ODEEvent {
    public enum Direction: Equatable, Sendable {
        /// Crossings in either direction.
        case either
        /// Only crossings where g goes from negative to positive.
        case increasing
        /// Only crossings where g goes from positive to negative.
        case decreasing
    }

    /// Reported back in ``ODEEventOccurrence/name``.
    public var name: String
    public var direction: Direction
    /// A terminal event ends the integration at the crossing; a non-terminal one is recorded
    /// in ``ODESolution/events`` and the integration goes on.
    public var isTerminal: Bool
    /// g(t, y), continuous in t along solutions; `y` is valid only during the call. A thrown
    /// error stops the integration with `CV_RTFUNC_FAIL`.
    public var function: (_ t: Double, _ y: UnsafeBufferPointer<Double>) throws -> Double

    public init(
        _ name: String,
        direction: Direction = .either,
        isTerminal: Bool = true,
        function: @escaping (_ t: Double, _ y: UnsafeBufferPointer<Double>) throws -> Double
    ) {
        self.name = name
        self.direction = direction
        self.isTerminal = isTerminal
        self.function = function
    }
}

/// Settings of one solve.
public struct ODEOptions: Sendable {
    public var tolerances: ODETolerances
    public var method: ODEMethod
    /// CVODE's `mxstep`: the most internal steps allowed between two consecutive output
    /// times (for ``ODEOutput/steps``, over the whole integration). Exceeding it fails with
    /// `CV_TOO_MUCH_WORK`. Must be ≥ 1; CVODE's default is 500.
    public var maxSteps: Int
    /// When set, CVODE never steps past this time (`CVodeSetStopTime`), for right-hand sides
    /// that must not be evaluated beyond it. Must lie at or beyond `end` in the direction of
    /// integration. Unset, CVODE may step past an output time and interpolate back.
    public var stopTime: Double?

    public init(
        tolerances: ODETolerances, method: ODEMethod = .bdf, maxSteps: Int = 500,
        stopTime: Double? = nil
    ) {
        self.tolerances = tolerances
        self.method = method
        self.maxSteps = maxSteps
        self.stopTime = stopTime
    }
}
