/// Which of CVODE's linear multistep families integrates, and how.
///
/// CVODE fixes the family when an integrator is created and has no switch of its own;
/// ``auto`` switches by restarting CVODE at the current state with the other family (see
/// ``ODEMethod/auto`` for the rule).
public enum ODEMethod: String, Equatable, Sendable, CaseIterable {
    /// Adams–Moulton (orders 1–12, fixed-point iteration) where the problem is non-stiff and BDF
    /// (orders 1–5, Newton) where it is stiff, switching as the integration goes, by restarting
    /// CVODE at the current state with the other family (CVODE has no switch of its own; each
    /// restart begins again at order 1). The rule, checked after the internal steps:
    /// - With an exact Jacobian: the spectral radius `ρ` of `∂f/∂y` (power iteration) times
    ///   CVODE's next step `|h|`, in Adams stretches every 20 steps at the current state (one
    ///   extra f and Jacobian evaluation, counted in the statistics), in BDF stretches from each
    ///   Jacobian CVODE evaluates for its Newton iteration (no extra cost). An Adams step limited by accuracy has `|h|·ρ ≈ 0.1–0.2` at
    ///   tight tolerances when the fastest mode is active (its error grows like `(|h|ρ)^{q+1}`
    ///   at order q) and far less when it is not; one limited by stability (or by the
    ///   fixed-point iteration, which converges only while `|h|·ρ ≲ 1`) sits near its bound. So:
    ///   Adams → BDF when `|h|·ρ ≥ 0.3` on two checks in a row; BDF → Adams when
    ///   `|h|·ρ < 0.05` on two checks in a row (BDF's accurate steps are several times shorter
    ///   than Adams' at tight tolerances, so Adams then stays well inside its bound). The levels
    ///   were chosen on the flows of `frg-bench flow` by evaluation counts.
    /// - Always: Adams → BDF when 3 of the last 10 Adams steps had a nonlinear convergence
    ///   failure (the fixed-point iteration failing is stiffness showing directly).
    /// - Without a Jacobian, BDF → Adams after a probation of BDF steps (first 50); when Adams
    ///   fails back within its first 10 steps the next probation is twice as long (at most 3200).
    /// Outputs come from CVODE's interpolating polynomial (`CVodeGetDky`) after each step; events
    /// and the step budget behave as for a single method.
    case auto
    /// Backward differentiation formulas, orders 1–5, Newton iteration with the direct linear
    /// solver chosen by ``ODEProblem/jacobianStructure``: for stiff problems.
    case bdf
    /// Adams–Moulton formulas, orders 1–12, Newton iteration unless ``ODEOptions/iteration``
    /// says fixed-point: for non-stiff problems, where it takes fewer steps than BDF at tight
    /// tolerances (its order goes to 12, BDF's to 5).
    case adams
}

/// How CVODE solves the implicit equation of each step.
public enum ODEIteration: String, Equatable, Sendable {
    /// Newton's method with the exact (or difference-quotient) Jacobian and a direct linear solver.
    case newton
    /// Fixed-point (functional) iteration: converges only while `|h|·ρ(∂f/∂y) ≲ 1`, so only for
    /// non-stiff problems, where it is cheapest (no Jacobian, no factorization).
    case fixedPoint
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
    /// The integrator: ``ODEMethod/auto`` (the default), ``ODEMethod/adams`` or ``ODEMethod/bdf``.
    public var method: ODEMethod
    /// The nonlinear iteration of an explicitly chosen method; nil for Newton (with the direct
    /// linear solver of ``ODEProblem/jacobianStructure``). ``ODEMethod/auto`` ignores it: it
    /// pairs Adams with fixed-point iteration and BDF with Newton.
    public var iteration: ODEIteration?
    /// CVODE's `mxstep`: the most internal steps allowed between two consecutive output
    /// times (for ``ODEOutput/steps``, over the whole integration). Exceeding it fails with
    /// `CV_TOO_MUCH_WORK`. Must be ≥ 1; CVODE's default is 500.
    public var maxSteps: Int
    /// When set, CVODE never steps past this time (`CVodeSetStopTime`), for right-hand sides
    /// that must not be evaluated beyond it. Must lie at or beyond `end` in the direction of
    /// integration. Unset, CVODE may step past an output time and interpolate back (except under
    /// ``ODEMethod/auto``, which never steps past `end`).
    public var stopTime: Double?

    public init(
        tolerances: ODETolerances, method: ODEMethod = .auto, iteration: ODEIteration? = nil,
        maxSteps: Int = 500, stopTime: Double? = nil
    ) {
        self.tolerances = tolerances
        self.method = method
        self.iteration = iteration
        self.maxSteps = maxSteps
        self.stopTime = stopTime
    }
}
