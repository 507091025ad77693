import Foundation
import CVodeShim

extension ODEProblem {
    /// Integrates dy/dt = f(t, y) with SUNDIALS CVODE from `start` to `end`, either way in t,
    /// starting at `initialState`.
    ///
    /// - Parameters:
    ///   - output: which states to record (times must lie in [start, end]).
    ///   - events: functions g(t, y) whose zero crossings are located and reported; a terminal
    ///     one ends the integration there, keeping the outputs recorded before it.
    ///   - options: tolerances, method, step budget, stop time.
    /// - Returns: the recorded states, the events that fired, why the integration ended, the
    ///   final time and state, and CVODE's statistics.
    /// - Throws: ``ODEError``: a validation case, before CVODE is called, for invalid input
    ///   (tolerances, counts, times); ``ODEError/solverFailed(_:)`` with CVODE's flag name and
    ///   message for any CVODE failure. All C resources are freed before it returns or throws.
    public func solve(
        from start: Double, to end: Double, initialState: [Double], output: ODEOutput,
        events: [ODEEvent] = [], options: ODEOptions
    ) throws -> ODESolution {
        let outputTimes = try validate(start: start, end: end, initialState: initialState,
                                       output: output, options: options)
        var run = Integration(start: start, initialState: initialState, events: events)
        guard let scheme = CVodeScheme(options) else {
            var switching = SwitchingIntegration(run: run, problem: self, options: options, end: end,
                                                 outputTimes: outputTimes)
            try switching.integrate()
            run = switching.run
            return ODESolution(
                times: run.times, states: run.states, events: run.occurrences, termination: run.termination,
                finalTime: run.time, finalState: run.state, statistics: switching.statistics,
                warningCount: switching.warningCount, lastWarning: switching.lastWarning)
        }
        // In one-step mode CVODE would step past `end`: the stop time makes the last step land on it.
        let stopTime = outputTimes == nil ? end : options.stopTime
        let session = try CVodeSession(problem: self, events: events, start: start,
                                       initialState: initialState, options: options, scheme: scheme,
                                       stopTime: stopTime)
        if let outputTimes {
            try run.interpolated(at: outputTimes, end: end, session: session)
        } else {
            try run.everyStep(end: end, maxSteps: options.maxSteps, session: session)
        }
        return ODESolution(
            times: run.times, states: run.states, events: run.occurrences, termination: run.termination,
            finalTime: run.time, finalState: run.state, statistics: try session.statistics(),
            warningCount: session.warningCount, lastWarning: session.lastWarning)
    }

    /// Checks everything CVODE would otherwise reject (or silently misuse); returns the output
    /// times, or nil for one-step output.
    private func validate(start: Double, end: Double, initialState: [Double], output: ODEOutput,
                          options: ODEOptions) throws -> [Double]? {
        let n = dimension
        guard n >= 1 else { throw ODEError.invalidDimension(n) }
        guard initialState.count == n else {
            throw ODEError.initialStateCount(expected: n, actual: initialState.count)
        }
        if let i = initialState.firstIndex(where: { !$0.isFinite }) {
            throw ODEError.nonFiniteInitialState(component: i, value: initialState[i])
        }
        guard start.isFinite, end.isFinite, start != end else {
            throw ODEError.invalidTimeSpan(start: start, end: end)
        }

        let tolerances = options.tolerances
        guard tolerances.relative.isFinite, tolerances.relative >= 0 else {
            throw ODEError.invalidRelativeTolerance(tolerances.relative)
        }
        switch tolerances.absolute {
        case .scalar(let atol):
            guard atol.isFinite, atol >= 0 else {
                throw ODEError.invalidAbsoluteTolerance(component: nil, value: atol)
            }
        case .perComponent(let atol):
            guard atol.count == n else {
                throw ODEError.absoluteToleranceCount(expected: n, actual: atol.count)
            }
            if let i = atol.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw ODEError.invalidAbsoluteTolerance(component: i, value: atol[i])
            }
        }

        if case .banded(let upper, let lower) = jacobianStructure,
           !(0..<n).contains(upper) || !(0..<n).contains(lower) {
            throw ODEError.invalidBandwidth(upper: upper, lower: lower, dimension: n)
        }
        guard options.maxSteps >= 1 else { throw ODEError.invalidMaxSteps(options.maxSteps) }

        let direction = end > start ? 1.0 : -1.0
        if let stop = options.stopTime, !stop.isFinite || (stop - end) * direction < 0 {
            throw ODEError.invalidStopTime(stop, end: end)
        }

        switch output {
        case .steps:
            return nil
        case .evenlySpaced(let count):
            guard count >= 2 else { throw ODEError.invalidOutputCount(count) }
            let step = (end - start) / Double(count - 1)
            return (0..<count).map { $0 == count - 1 ? end : start + Double($0) * step }
        case .times(let times):
            guard !times.isEmpty else { throw ODEError.invalidOutputCount(0) }
            for (k, t) in times.enumerated() {
                let inSpan = t.isFinite && (t - start) * direction >= 0 && (end - t) * direction >= 0
                let monotone = k == 0 || (t - times[k - 1]) * direction > 0
                guard inSpan && monotone else { throw ODEError.invalidOutputTime(index: k, time: t) }
            }
            return times
        }
    }
}

/// The state of one solve as it proceeds: outputs and events recorded so far.
struct Integration {
    let start: Double
    let watched: [ODEEvent]
    var times: [Double] = []
    var states: [[Double]] = []
    var occurrences: [ODEEventOccurrence] = []
    var termination: ODETermination = .reachedEnd
    /// Time and state CVODE returned last.
    var time: Double
    var state: [Double]

    init(start: Double, initialState: [Double], events: [ODEEvent]) {
        self.start = start
        self.watched = events
        self.time = start
        self.state = initialState
    }

    mutating func record() {
        times.append(time)
        states.append(state)
    }

    /// CV_NORMAL mode: CVODE steps freely and interpolates to each output time.
    mutating func interpolated(at outputTimes: [Double], end: Double, session: CVodeSession) throws {
        var targets = outputTimes
        if targets.last != end { targets.append(end) }
        for (k, target) in targets.enumerated() {
            let recorded = k < outputTimes.count
            if target == start {
                if recorded { record() }
                continue
            }
            while true {
                let (flag, reached) = try session.advance(toward: target, oneStep: false, state: &state)
                time = reached
                if flag == CV_ROOT_RETURN {
                    if try eventsStop(session: session) { return }
                    continue
                }
                // CV_SUCCESS or CV_TSTOP_RETURN (stop time = end = target): the state at target.
                time = target
                if recorded { record() }
                break
            }
        }
    }

    /// CV_ONE_STEP mode: record after every internal step; the stop time is `end`.
    mutating func everyStep(end: Double, maxSteps: Int, session: CVodeSession) throws {
        record()
        var steps = 0
        while true {
            let (flag, reached) = try session.advance(toward: end, oneStep: true, state: &state)
            time = reached
            if flag == CV_ROOT_RETURN {
                if try eventsStop(session: session) { return }
                continue
            }
            // After a root return CVODE may hand back the step it had already taken and then
            // the stop time again: record each time once.
            if time != times.last {
                record()
                steps += 1
            }
            if flag == CV_TSTOP_RETURN || time == end { return }
            if steps >= maxSteps {
                // CVODE's mxstep counts steps per call; in one-step mode each call is one step,
                // so the budget over the whole integration is enforced here, under CVODE's name.
                throw session.failure(
                    flag: CV_TOO_MUCH_WORK, time: time, state: state,
                    message: "one-step output: \(maxSteps) steps taken before reaching t = \(end)")
            }
        }
    }

    /// Records the events CVODE found at `time`; true if one of them is terminal.
    mutating func eventsStop(session: CVodeSession) throws -> Bool {
        let found = try session.rootsFound()
        var firstTerminal: ODEEventOccurrence?
        for (i, sign) in found.enumerated() where sign != 0 {
            let occurrence = ODEEventOccurrence(
                index: i, name: watched[i].name, crossing: sign > 0 ? .increasing : .decreasing,
                isTerminal: watched[i].isTerminal, time: time, state: state)
            occurrences.append(occurrence)
            if occurrence.isTerminal && firstTerminal == nil { firstTerminal = occurrence }
        }
        guard let firstTerminal else { return false }
        termination = .event(firstTerminal)
        return true
    }
}

/// ``ODEMethod/auto``: CVODE in one-step mode, restarted at the current state with the other
/// family whenever ``SwitchRule`` says so; outputs are interpolated from each step's polynomial.
private struct SwitchingIntegration {
    var run: Integration
    let problem: ODEProblem
    let options: ODEOptions
    let end: Double
    /// nil: record every step (``ODEOutput/steps``).
    let outputTimes: [Double]?
    /// Counters of the finished stretches (one per method switch).
    var finished: ODEStatistics?
    var statistics: ODEStatistics!
    var warningCount = 0
    var lastWarning: String?

    init(run: Integration, problem: ODEProblem, options: ODEOptions, end: Double, outputTimes: [Double]?) {
        self.run = run
        self.problem = problem
        self.options = options
        self.end = end
        self.outputTimes = outputTimes
    }

    private func session(_ scheme: CVodeScheme) throws -> CVodeSession {
        // The stop time `end` keeps one-step mode from stepping past it (roots beyond it included).
        try CVodeSession(problem: problem, events: run.watched, start: run.time, initialState: run.state,
                         options: options, scheme: scheme, stopTime: end)
    }

    private mutating func close(_ session: CVodeSession) throws {
        let stretch = try session.statistics()
        finished = finished.map { $0.followed(by: stretch) } ?? stretch
        warningCount += session.warningCount
        lastWarning = session.lastWarning ?? lastWarning
    }

    mutating func integrate() throws {
        var rule = SwitchRule(hasJacobian: problem.jacobian != nil)
        let stiffness = SpectralRadius(problem)
        var session = try session(rule.scheme)
        var next = 0  // the next output time to record
        if let outputTimes {
            while next < outputTimes.count, outputTimes[next] == run.start {
                run.record()
                next += 1
            }
        } else {
            run.record()
        }
        let direction: Double = end > run.start ? 1 : -1
        var steps = 0  // since the last output (over the whole integration for `.steps`)
        var interpolated = run.state

        // Records the output times up to `limit` (or strictly before it), which lie in the last step.
        func recordOutputs(upTo limit: Double, including: Bool) throws {
            guard let outputTimes else { return }
            while next < outputTimes.count {
                let target = outputTimes[next]
                let beyond = (target - limit) * direction
                guard beyond < 0 || (including && beyond == 0) else { break }
                try session.interpolate(at: target, into: &interpolated)
                run.times.append(target)
                run.states.append(interpolated)
                next += 1
                steps = 0
            }
        }

        while true {
            let (flag, reached) = try session.advance(toward: end, oneStep: true, state: &run.state)
            if flag == CV_ROOT_RETURN {
                try recordOutputs(upTo: reached, including: false)
                run.time = reached
                if try run.eventsStop(session: session) { break }
                continue
            }
            if outputTimes != nil {
                // The last output is `end` itself, where the stop time lands the last step.
                try recordOutputs(upTo: reached, including: true)
                run.time = reached
            } else if reached != run.times.last {
                run.time = reached
                run.record()
            }
            steps += 1
            if flag == CV_TSTOP_RETURN || reached == end { break }
            if steps >= options.maxSteps {
                let what = outputTimes == nil ? "one-step output" : "between two outputs"
                throw session.failure(
                    flag: CV_TOO_MUCH_WORK, time: reached, state: run.state,
                    message: "\(what): \(options.maxSteps) steps taken before reaching t = \(end)")
            }
            let counters = session.counters()
            // Adams: estimate ρ every few steps; BDF: from each Jacobian CVODE evaluates anyway.
            let radius = rule.scheme.isBDF ? session.takeJacobianRadius()
                : counters.steps % SwitchRule.checkInterval == 0 ? try stiffness.radius(at: run.time, run.state) : nil
            if rule.shouldSwitch(after: counters, radius: radius) {
                try close(session)
                session = try self.session(rule.scheme)
                if rule.scheme.isBDF && problem.jacobian != nil { session.estimateRadiusOnJacobian() }
            }
        }
        try close(session)
        statistics = finished
        statistics.rightHandSideEvaluations += stiffness.evaluations
        statistics.jacobianEvaluations += stiffness.evaluations
    }
}

/// An estimate of the spectral radius `ρ(∂f/∂y)` at a state, from the problem's exact Jacobian
/// by power iteration (12 products, the growth over the last 8): the scale of the fastest mode,
/// which bounds the stable step of an explicit-like method (`|h|·ρ ≲ 1`).
final class SpectralRadius {
    let problem: ODEProblem
    private var matrix: [Double]
    private var f: [Double]
    /// Right-hand-side and Jacobian evaluations spent (one each per estimate).
    private(set) var evaluations = 0

    init(_ problem: ODEProblem) {
        self.problem = problem
        matrix = [Double](repeating: 0, count: problem.dimension * problem.dimension)
        f = [Double](repeating: 0, count: problem.dimension)
    }

    func radius(at t: Double, _ y: [Double]) throws -> Double? {
        guard let jacobian = problem.jacobian else { return nil }
        let n = problem.dimension
        let (upper, lower): (Int, Int)
        switch problem.jacobianStructure {
        case .dense: (upper, lower) = (n - 1, n - 1)
        case .banded(let u, let l): (upper, lower) = (u, l)
        }
        evaluations += 1
        for i in matrix.indices { matrix[i] = 0 }
        try y.withUnsafeBufferPointer { yp in
            try f.withUnsafeMutableBufferPointer { fp in
                try problem.rightHandSide(t, yp, fp)
                try matrix.withUnsafeMutableBufferPointer { m in
                    // Dense column-major storage; the band limits only restrict what is written.
                    let view = JacobianMatrix(base: m.baseAddress!, dimension: n, columnStride: n, offset: 0,
                                              upperBandwidth: upper, lowerBandwidth: lower)
                    try jacobian(t, yp, UnsafeBufferPointer(fp), view)
                }
            }
        }
        return Self.estimate(dimension: n, upper: upper, lower: lower) { matrix[$1 * n + $0] }
    }

    /// Power iteration on `J[i, j] = entry(i, j)` (entries outside the band are zero) from a
    /// vector with no special alignment: 12 products, the geometric mean growth over the last 8.
    /// Nil when the growth is not finite.
    static func estimate(dimension n: Int, upper: Int, lower: Int, entry: (Int, Int) -> Double) -> Double? {
        var v = (0..<n).map { 1 + Double($0) / Double(n) }
        var w = [Double](repeating: 0, count: n)
        var logGrowth = 0.0
        for k in 0..<12 {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0, norm.isFinite else { return norm == 0 ? 0 : nil }
            for i in 0..<n { v[i] /= norm }
            for i in 0..<n { w[i] = 0 }
            for j in 0..<n where v[j] != 0 {
                for i in max(0, j - upper)...min(n - 1, j + lower) { w[i] += entry(i, j) * v[j] }
            }
            if k >= 4 {
                let grown = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard grown > 0, grown.isFinite else { return grown == 0 ? 0 : nil }
                logGrowth += log(grown)
            }
            swap(&v, &w)
        }
        return exp(logGrowth / 8)
    }
}

/// When ``ODEMethod/auto`` switches between Adams and BDF (the rule is documented there).
struct SwitchRule {
    struct Counters {
        var steps: Int
        var convergenceFailures: Int
        /// |h| of the next step.
        var nextStep: Double
    }

    /// Adams → BDF when `|h|·ρ` reaches this on `confirmations` checks in a row.
    static let stiffLevel = 0.3
    /// BDF → Adams when `|h|·ρ` stays below this on `confirmations` checks in a row.
    static let nonStiffLevel = 0.05
    static let confirmations = 2
    /// Adams steps between two checks of `|h|·ρ` (each costs one f and one Jacobian evaluation;
    /// in BDF stretches each Jacobian CVODE evaluates is a check, at no cost).
    static let checkInterval = 20
    /// Adams → BDF when `failureLimit` of the last `window` Adams steps had a failure.
    static let window = 10
    static let failureLimit = 3
    /// Without a Jacobian: the first BDF probation, in steps, and its ceiling.
    static let firstProbation = 50
    static let longestProbation = 3200

    let hasJacobian: Bool
    private(set) var scheme = CVodeScheme.adams
    private var probation = firstProbation
    /// Whether the current Adams stretch follows a BDF probation (is a trial).
    private var isTrial = false
    /// Failures of the current stretch when last looked at.
    private var lastFailures = 0
    /// Step numbers (in the current stretch) of the last few steps that had a failure.
    private var failedSteps: [Int] = []
    /// Checks in a row that pointed to the other method.
    private var votes = 0

    init(hasJacobian: Bool) {
        self.hasJacobian = hasJacobian
    }

    /// Called after every successful step with the current stretch's counters; true when the
    /// integration should restart with `scheme` (already updated). `radius` is a new estimate
    /// of `ρ(∂f/∂y)` near the current state, when there is one.
    mutating func shouldSwitch(after counters: Counters, radius: Double?) -> Bool {
        if hasJacobian, let rho = radius {
            let product = counters.nextStep * rho
            let pointsAway = scheme.isBDF ? product < Self.nonStiffLevel : product >= Self.stiffLevel
            votes = pointsAway ? votes + 1 : 0
            if votes >= Self.confirmations { return toggle() }
        }
        if scheme.isBDF {
            guard !hasJacobian, counters.steps >= probation else { return false }
            isTrial = true
            return toggle()
        }
        if counters.convergenceFailures > lastFailures {
            failedSteps.append(counters.steps)
            if failedSteps.count > Self.failureLimit { failedSteps.removeFirst() }
        }
        lastFailures = counters.convergenceFailures
        guard failedSteps.count == Self.failureLimit, counters.steps - failedSteps[0] < Self.window else { return false }
        // A trial that fails at once: the stretch is still stiff, so probe less often; a stiff
        // stretch after a long non-stiff one starts again with the short probation.
        if isTrial && counters.steps <= Self.window {
            probation = min(2 * probation, Self.longestProbation)
        } else if counters.steps > Self.window {
            probation = Self.firstProbation
        }
        return toggle()
    }

    private mutating func toggle() -> Bool {
        scheme = scheme.isBDF ? .adams : .bdf
        if scheme.isBDF { isTrial = false }
        lastFailures = 0
        failedSteps = []
        votes = 0
        return true
    }
}
