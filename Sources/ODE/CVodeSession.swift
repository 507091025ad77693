import CSundials  // autolinks the SUNDIALS libraries named in its module map
import CVodeShim

/// The Swift closures of one solve, reached from C through CVODE's user-data pointer (an
/// unretained `Unmanaged` reference; the session keeps the box alive). No global state, so
/// independent solves may run concurrently on different threads.
final class CallbackBox {
    let dimension: Int
    let rightHandSide: ODERightHandSide
    let jacobian: ODEJacobian?
    let events: [ODEEvent]
    /// The events' functions alone, called for every step and root search: iterating the events
    /// themselves would copy (retain and release) each name with its function.
    let eventFunctions: ContiguousArray<(_ t: Double, _ y: UnsafeBufferPointer<Double>) throws -> Double>
    /// The error of the closure that answered CVODE with an unrecoverable failure during the
    /// current CVode call; CVODE stops at once, so it is the cause of the failure that follows.
    var unrecoverableError: (any Error)?
    /// The last recoverable failure during the current CVode call, the likely cause when
    /// CVODE gives up retrying (e.g. CV_REPTD_RHSFUNC_ERR, or CV_TOO_MUCH_WORK after ever
    /// smaller steps).
    var recoverableError: (any Error)?
    /// Whether each Jacobian CVODE evaluates also yields an estimate of its spectral radius (the
    /// stiffness check of `ODEMethod.auto` in BDF stretches, at no extra evaluation).
    var estimatesRadius = false
    var latestRadius: Double?

    init(dimension: Int, rightHandSide: @escaping ODERightHandSide, jacobian: ODEJacobian?,
         events: [ODEEvent]) {
        self.dimension = dimension
        self.rightHandSide = rightHandSide
        self.jacobian = jacobian
        self.events = events
        self.eventFunctions = ContiguousArray(events.map(\.function))
    }

    /// Runs a user closure and turns its outcome into CVODE's callback convention:
    /// 0 success, 1 recoverable (only if CVODE can recover from this callback), -1 unrecoverable.
    @inline(__always)
    func callbackStatus(recoverable: Bool = true, _ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return 0
        } catch let error as ODERecoverableFailure where recoverable {
            recoverableError = error
            return 1
        } catch {
            if unrecoverableError == nil { unrecoverableError = error }
            return -1
        }
    }

    static func from(_ user: UnsafeMutableRawPointer?) -> CallbackBox {
        Unmanaged<CallbackBox>.fromOpaque(user!).takeUnretainedValue()
    }
}

private let rightHandSideCallback: cvshim_rhs_fn = { t, y, ydot, user in
    let box = CallbackBox.from(user)
    let n = box.dimension
    return box.callbackStatus {
        try box.rightHandSide(
            t, UnsafeBufferPointer(start: y, count: n), UnsafeMutableBufferPointer(start: ydot, count: n))
    }
}

private let jacobianCallback: cvshim_jac_fn = { t, y, fy, matrix, user in
    let box = CallbackBox.from(user)
    let n = box.dimension
    let view = JacobianMatrix(
        base: matrix.data, dimension: n, columnStride: matrix.column_stride, offset: matrix.offset,
        upperBandwidth: matrix.upper, lowerBandwidth: matrix.lower)
    let status = box.callbackStatus {
        try box.jacobian!(
            t, UnsafeBufferPointer(start: y, count: n), UnsafeBufferPointer(start: fy, count: n), view)
    }
    if status == 0 && box.estimatesRadius {
        box.latestRadius = SpectralRadius.estimate(dimension: n, upper: matrix.upper, lower: matrix.lower) { view[$0, $1] }
    }
    return status
}

private let eventsCallback: cvshim_root_fn = { t, y, gout, user in
    let box = CallbackBox.from(user)
    let state = UnsafeBufferPointer(start: y, count: box.dimension)
    // CVODE has no recoverable root-function failure.
    return box.callbackStatus(recoverable: false) {
        try box.eventFunctions.withUnsafeBufferPointer { functions in
            for i in functions.indices { gout![i] = try functions[i](t, state) }
        }
    }
}

/// One concrete CVODE configuration: a linear multistep family and its nonlinear iteration.
struct CVodeScheme: Equatable {
    var isBDF: Bool
    var iteration: ODEIteration

    static let adams = CVodeScheme(isBDF: false, iteration: .fixedPoint)
    static let bdf = CVodeScheme(isBDF: true, iteration: .newton)

    /// The scheme of an explicitly chosen method (nil for `.auto`, which switches between the two).
    init?(_ options: ODEOptions) {
        switch options.method {
        case .auto: return nil
        case .bdf: self.init(isBDF: true, iteration: options.iteration ?? .newton)
        case .adams: self.init(isBDF: false, iteration: options.iteration ?? .newton)
        }
    }

    init(isBDF: Bool, iteration: ODEIteration) {
        self.isBDF = isBDF
        self.iteration = iteration
    }
}

/// Owns one CVODE integrator (through the shim) and frees it, with its vectors, matrix,
/// linear solver and SUNContext, in `deinit`.
final class CVodeSession {
    private let shim: OpaquePointer
    private let box: CallbackBox
    let dimension: Int
    let scheme: CVodeScheme

    /// Creates and configures CVODE for the validated inputs.
    init(problem: ODEProblem, events: [ODEEvent], start: Double, initialState: [Double],
         options: ODEOptions, scheme: CVodeScheme, stopTime: Double?) throws {
        guard let shim = cvshim_create() else {
            throw ODEError.solverFailed(CVodeFailure(
                flag: CV_MEM_FAIL, flagName: "CV_MEM_FAIL", message: "cvshim_create: out of memory",
                time: start, state: initialState, underlying: nil))
        }
        self.shim = shim
        self.dimension = problem.dimension
        self.scheme = scheme
        self.box = CallbackBox(
            dimension: problem.dimension, rightHandSide: problem.rightHandSide,
            jacobian: problem.jacobian, events: events)
        // From here on deinit frees whatever was allocated if a step below throws.
        try configure(problem: problem, start: start, initialState: initialState, options: options,
                      scheme: scheme, stopTime: stopTime)
    }

    deinit {
        cvshim_free(shim)
    }

    private func configure(problem: ODEProblem, start: Double, initialState: [Double],
                           options: ODEOptions, scheme: CVodeScheme, stopTime: Double?) throws {
        let user = Unmanaged.passUnretained(box).toOpaque()
        let method = scheme.isBDF ? CV_BDF : CV_ADAMS
        try check(cvshim_init(shim, method, dimension, start, initialState, rightHandSideCallback, user),
                  time: start, state: initialState)

        let rtol = options.tolerances.relative
        switch options.tolerances.absolute {
        case .scalar(let atol):
            try check(cvshim_set_tolerances(shim, rtol, [atol], 1), time: start, state: initialState)
        case .perComponent(let atol):
            try check(cvshim_set_tolerances(shim, rtol, atol, atol.count), time: start, state: initialState)
        }

        let jacobian = problem.jacobian == nil ? nil : jacobianCallback
        switch (scheme.iteration, problem.jacobianStructure) {
        case (.fixedPoint, _):
            try check(cvshim_set_fixed_point(shim, 0), time: start, state: initialState)
        case (.newton, .dense):
            try check(cvshim_set_dense_solver(shim, jacobian), time: start, state: initialState)
        case (.newton, .banded(let upper, let lower)):
            try check(cvshim_set_band_solver(shim, upper, lower, jacobian), time: start, state: initialState)
        }

        if !box.events.isEmpty {
            let directions: [Int32] = box.events.map {
                switch $0.direction {
                case .either: return 0
                case .increasing: return 1
                case .decreasing: return -1
                }
            }
            try check(cvshim_set_roots(shim, Int32(directions.count), eventsCallback, directions),
                      time: start, state: initialState)
        }
        if let stopTime {
            try check(cvshim_set_stop_time(shim, stopTime), time: start, state: initialState)
        }
        try check(cvshim_set_max_steps(shim, options.maxSteps), time: start, state: initialState)
    }

    /// One call to CVode toward `target` (one internal step if `oneStep`). Writes the state
    /// reached into `state`; returns CVODE's flag (CV_SUCCESS, CV_TSTOP_RETURN,
    /// CV_ROOT_RETURN) and the time reached, or throws its failure.
    func advance(toward target: Double, oneStep: Bool, state: inout [Double]) throws -> (flag: Int32, time: Double) {
        box.unrecoverableError = nil
        box.recoverableError = nil
        var time = 0.0
        let flag = state.withUnsafeMutableBufferPointer {
            cvshim_advance(shim, target, oneStep ? 1 : 0, &time, $0.baseAddress)
        }
        try check(flag, time: time, state: state)
        return (flag, time)
    }

    /// Estimate `ρ(∂f/∂y)` from each Jacobian CVODE evaluates (see `takeJacobianRadius`).
    func estimateRadiusOnJacobian() { box.estimatesRadius = true }

    /// The spectral radius of the Jacobian CVODE evaluated since the last call, if it did.
    func takeJacobianRadius() -> Double? {
        defer { box.latestRadius = nil }
        return box.latestRadius
    }

    /// The state at `time` from CVODE's interpolating polynomial, which must lie within the last
    /// internal step (`CVodeGetDky` with k = 0).
    func interpolate(at time: Double, into state: inout [Double]) throws {
        let flag = state.withUnsafeMutableBufferPointer { cvshim_get_dky(shim, time, 0, $0.baseAddress) }
        try check(flag, time: time, state: state)
    }

    /// CVODE's step count, nonlinear convergence failures so far and the size of its next step
    /// (cheap enough to read after every step: a dozen field reads, no allocation).
    func counters() -> SwitchRule.Counters {
        var s = cvshim_statistics()
        _ = cvshim_statistics_get(shim, &s)
        return SwitchRule.Counters(steps: s.steps, convergenceFailures: s.nonlinear_conv_failures,
                                   nextStep: abs(s.current_step))
    }

    /// After CV_ROOT_RETURN: +1 / -1 / 0 per event (crossed increasing / decreasing / not).
    func rootsFound() throws -> [Int32] {
        var found = [Int32](repeating: 0, count: box.events.count)
        try check(cvshim_root_info(shim, &found), time: .nan, state: [])
        return found
    }

    func statistics() throws -> ODEStatistics {
        var s = cvshim_statistics()
        try check(cvshim_statistics_get(shim, &s), time: .nan, state: [])
        return ODEStatistics(
            steps: s.steps, rightHandSideEvaluations: s.rhs_evals,
            rightHandSideEvaluationsForJacobian: s.rhs_evals_jacobian, jacobianEvaluations: s.jacobian_evals,
            errorTestFailures: s.error_test_failures, nonlinearIterations: s.nonlinear_iterations,
            nonlinearConvergenceFailures: s.nonlinear_conv_failures,
            linearSolverSetups: s.linear_solver_setups, eventFunctionEvaluations: s.root_evals,
            lastOrder: Int(s.last_order), initialStepSize: s.initial_step, lastStepSize: s.last_step,
            internalTime: s.current_time, bdfSteps: scheme.isBDF ? s.steps : 0, methodSwitches: 0)
    }

    var warningCount: Int { cvshim_warning_count(shim) }

    var lastWarning: String? {
        cvshim_warning_count(shim) > 0 ? String(cString: cvshim_last_warning(shim)) : nil
    }

    /// The failure for a CVODE flag at (time, state), naming the user's error that caused it.
    func failure(flag: Int32, time: Double, state: [Double], message: String? = nil) -> ODEError {
        return .solverFailed(CVodeFailure(
            flag: flag, flagName: Self.flagName(flag),
            message: message ?? String(cString: cvshim_last_error(shim)),
            time: time, state: state, underlying: box.unrecoverableError ?? box.recoverableError))
    }

    private func check(_ flag: Int32, time: Double, state: [Double]) throws {
        if flag < 0 { throw failure(flag: flag, time: time, state: state) }
    }

    static func flagName(_ flag: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        cvshim_flag_name(flag, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
