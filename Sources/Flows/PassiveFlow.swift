import Diagnostics
import Foundation
import ODE
import Truncation

/// Solver settings shared by the flows.
public struct FlowSolverSettings: Sendable, Equatable {
    /// `auto`: Adams where the flow is non-stiff, BDF where it is stiff (``ODEMethod/auto``).
    public var method: ODEMethod = .auto
    /// The nonlinear iteration of an explicit method (nil: Newton); `auto` chooses its own.
    public var iteration: ODEIteration?
    public var relativeTolerance: Double = 1e-10
    public var absoluteTolerance: Double = 1e-12
    /// CVODE's step budget between two outputs (`mxstep`).
    public var maxSteps: Int = 20_000

    public init() {}

    var options: ODEOptions {
        ODEOptions(tolerances: ODETolerances(relative: relativeTolerance, absolute: absoluteTolerance),
                   method: method, iteration: iteration, maxSteps: maxSteps)
    }
}

/// Where a passive flow records its state.
public enum FlowSampling: Sendable, Equatable {
    /// `count ≥ 2` RG times evenly spaced from the start to the end, both included.
    case evenlySpaced(count: Int)
    /// These scales `k` (same units as `Λ`), in the order the flow reaches them.
    case scales([Double])
}

extension FlowSampling {
    /// The ODE output for this sampling. Listed scales must be positive and lie in `scales` (to
    /// rounding); `time` maps each to the integration variable, kept inside `times` against
    /// rounding at the ends.
    func output(name: String, scales: ClosedRange<Double>, times: ClosedRange<Double>,
                time: (Double) -> Double) throws -> ODEOutput {
        switch self {
        case .evenlySpaced(let count):
            return .evenlySpaced(count: count)
        case .scales(let values):
            return .times(try values.map { value in
                guard value.isFinite, value > 0 else { throw FlowError.invalidScale(name: name, value: value) }
                guard value >= scales.lowerBound * (1 - 1e-12), value <= scales.upperBound * (1 + 1e-12) else {
                    throw FlowError.scaleOutsideRange(k: value, low: scales.lowerBound, high: scales.upperBound)
                }
                return min(max(time(value), times.lowerBound), times.upperBound)
            })
        }
    }
}

/// How a flow ended. Physical endings are results, not errors.
public enum FlowEnding: Sendable, Equatable, CustomStringConvertible {
    /// The flow reached the requested final scale.
    case completed
    /// A domain constraint of the truncation fell to its stop level (for example the threshold
    /// denominator `1 + ū2 → 0`, the pole a flow into the broken phase runs into).
    case leftDomain(constraint: String, meaning: String, t: Double)
    /// A coupling's magnitude reached the runaway bound.
    case runaway(coupling: String, t: Double)
    /// A reported value — the scale `k` itself, a dimensionless or a dimensionful coupling — reached
    /// `representableMagnitude` (10³⁰⁰): beyond it double precision overflows, so the flow stops.
    case outOfRange(quantity: String, t: Double)

    public var description: String {
        switch self {
        case .completed: return "completed: reached the final scale"
        case let .leftDomain(constraint, meaning, t):
            return "stopped at t = \(t): \(constraint) reached its stop level — \(meaning)"
        case let .runaway(coupling, t):
            return "stopped at t = \(t): \(coupling) ran away (|value| reached the runaway bound)"
        case let .outOfRange(quantity, t):
            return "stopped at t = \(t): \(quantity) reached 1e300 in magnitude, the edge of double precision; beyond it the value is not representable"
        }
    }

    /// RG time where the flow stopped early, nil when it completed.
    public var stopTime: Double? {
        switch self {
        case .completed: return nil
        case .leftDomain(_, _, let t), .runaway(_, let t), .outOfRange(_, let t): return t
        }
    }
}

/// Errors in the settings of a flow (the solver's own failures come as `ODEError`).
public enum FlowError: UserFacingError, Equatable {
    /// Every case is a setting the caller gave.
    public var category: ErrorCategory { .invalidInput }

    case initialCount(expected: Int, got: Int)
    case invalidScale(name: String, value: Double)
    case emptyRange(start: Double, end: Double)
    case scaleOutsideRange(k: Double, low: Double, high: Double)
    case initialOutsideDomain(constraint: String, value: Double)
    case invalidBound(Double)
    /// A starting value (the scale, or a coupling in either form) beyond `representableMagnitude`.
    case initialOutOfRange(quantity: String)
    /// The beta functions overflow at the starting couplings.
    case initialBetaNotFinite(coupling: String)
    /// The active flow's power law takes `quantity` beyond `representableMagnitude` at `σ_W`.
    case activeOutOfRange(quantity: String, sigmaW: Double)

    public var description: String {
        switch self {
        case let .initialCount(e, g): return "the truncation has \(e) couplings, \(g) initial values were given"
        case let .invalidScale(name, v): return "\(name) must be positive and finite, got \(v)"
        case let .emptyRange(s, e): return "the RG time range [\(e), \(s)] is empty"
        case let .scaleOutsideRange(k, lo, hi): return "output scale k = \(k) lies outside the flow's range [\(lo), \(hi)]"
        case let .initialOutsideDomain(c, v): return "the initial couplings violate \(c) (value \(v) ≤ its stop level)"
        case .invalidBound(let b): return "the runaway bound must be positive and finite, got \(b)"
        case .initialOutOfRange(let quantity):
            return "the flow cannot start: \(quantity) exceeds 1e300 in magnitude, the edge of double precision"
        case .initialBetaNotFinite(let coupling):
            return "the flow cannot start: the beta function of \(coupling) overflows double precision at the starting couplings (they are too large)"
        case let .activeOutOfRange(quantity, sigmaW):
            return "the σ_W range is too wide: at σ_W = \(sigmaW) \(quantity) would exceed 1e300 in magnitude, the edge of double precision"
        }
    }
}

/// The passive RG flow: the derived beta functions integrated in RG time `t = ln(k/Λ)`.
///
/// State: the dimensionless couplings `ū_i`. Dimensionful couplings are
/// `u_i(k) = k^{D_i} ū_i` with `D_i` the canonical mass dimension (`D = 2n − (n−1)d` for
/// `u_{2n}`) and `k = Λ e^t`.
public struct PassiveFlow<Equations: VectorField>: Sendable {
    public var equations: Equations
    /// Canonical mass dimension of each coupling, in the order of `equations.coordinateNames`.
    public var canonicalDimensions: [Double]
    /// UV scale `Λ` (any unit; dimensionful output is in powers of it).
    public var uvScale: Double = 1
    /// Initial dimensionless couplings at `tStart`.
    public var initialCouplings: [Double]
    public var tStart: Double = 0
    /// Final RG time; below `tStart` for a flow toward the infrared.
    public var tEnd: Double
    public var sampling: FlowSampling = .evenlySpaced(count: 101)
    /// The flow stops when any `|ū_i|` reaches this.
    public var runawayBound: Double = 1e8
    /// When set, the flow stops instead when a dimensionful coupling `|u_i| = |k^{D_i} ū_i|` reaches
    /// its bound (one per coupling). For flows started deep in the infrared, where the dimensional
    /// couplings have frozen while the dimensionless ones are huge and still growing as `k^{−D_i}`,
    /// only a bound on `u_i` itself marks a blow-up of the flow.
    public var dimensionfulRunawayBounds: [Double]?
    public var solver = FlowSolverSettings()

    public init(equations: Equations, canonicalDimensions: [Double], initialCouplings: [Double], tEnd: Double) {
        self.equations = equations
        self.canonicalDimensions = canonicalDimensions
        self.initialCouplings = initialCouplings
        self.tEnd = tEnd
    }

    /// Dimensionless couplings from dimensionful ones at the scale `k`: `ū_i = k^{−D_i} u_i`.
    public func dimensionless(_ u: [Double], at k: Double) -> [Double] {
        zip(u, canonicalDimensions).map { $0 * pow(k, -$1) }
    }

    /// Integrates the flow. Physical endings are reported in `FlowResult.ending`; invalid
    /// settings throw `FlowError`, CVODE failures `ODEError` with the solver's flag name.
    public func run() throws -> FlowResult {
        let n = equations.dimension
        let names = equations.coordinateNames
        guard initialCouplings.count == n else { throw FlowError.initialCount(expected: n, got: initialCouplings.count) }
        guard canonicalDimensions.count == n else { throw FlowError.initialCount(expected: n, got: canonicalDimensions.count) }
        guard uvScale.isFinite, uvScale > 0 else { throw FlowError.invalidScale(name: "the UV scale Λ", value: uvScale) }
        guard tStart.isFinite, tEnd.isFinite, tStart != tEnd else { throw FlowError.emptyRange(start: tStart, end: tEnd) }
        guard runawayBound.isFinite, runawayBound > 0 else { throw FlowError.invalidBound(runawayBound) }
        if let bounds = dimensionfulRunawayBounds {
            guard bounds.count == n else { throw FlowError.initialCount(expected: n, got: bounds.count) }
            for b in bounds where !(b.isFinite && b > 0) { throw FlowError.invalidBound(b) }
        }
        let constraints = equations.domainConstraints
        for c in constraints {
            let v = initialCouplings.withUnsafeBufferPointer { c.value($0) }
            if !(v > c.stopBelow) { throw FlowError.initialOutsideDomain(constraint: c.name, value: v) }
        }

        let logScale = log(uvScale), dimensions = canonicalDimensions
        let start = largestLogMagnitude(logScale: logScale + tStart, initialCouplings, names: names, dimensions: dimensions)
        guard start.value < logRepresentableMagnitude else { throw FlowError.initialOutOfRange(quantity: start.quantity) }
        if let i = equations.beta(at: initialCouplings).firstIndex(where: { !$0.isFinite }) {
            throw FlowError.initialBetaNotFinite(coupling: names[i])
        }

        let uvScale = self.uvScale
        let output = try sampling.output(name: "output scale k",
                                         scales: uvScale * exp(min(tStart, tEnd))...uvScale * exp(max(tStart, tEnd)),
                                         times: min(tStart, tEnd)...max(tStart, tEnd)) { log($0 / uvScale) }

        let equations = self.equations
        let problem = ODEProblem(
            dimension: n,
            jacobian: { _, y, _, matrix in
                // CVODE's Jacobian is column-major; the truncation writes row-major into scratch.
                withUnsafeTemporaryAllocation(of: Double.self, capacity: n * n) { scratch in
                    equations.jacobian(y, into: scratch)
                    for i in 0..<n { for j in 0..<n { matrix[i, j] = scratch[i * n + j] } }
                }
            },
            rightHandSide: { _, y, ydot in equations.evaluate(y, into: ydot) })

        var events: [ODEEvent] = constraints.map { c in
            ODEEvent(c.name, direction: .decreasing) { _, y in c.value(y) - c.stopBelow }
        }
        if let bounds = dimensionfulRunawayBounds {
            for (i, name) in names.enumerated() {
                let bound = bounds[i], dimension = dimensions[i]
                events.append(ODEEvent("runaway \(name)", direction: .decreasing) { t, y in
                    bound - abs(y[i]) * exp(dimension * (logScale + t))
                })
            }
        } else {
            let bound = runawayBound
            for (i, name) in names.enumerated() {
                events.append(ODEEvent("runaway \(name)", direction: .decreasing) { _, y in bound - abs(y[i]) })
            }
        }
        let rangeEvent = events.count
        events.append(ODEEvent("representable range", direction: .decreasing) { t, y in
            logRepresentableMagnitude - largestLogMagnitude(logScale: logScale + t, dimensions: dimensions) { y[$0] }.value
        })

        let solution = try problem.solve(from: tStart, to: tEnd, initialState: initialCouplings,
                                         output: output, events: events, options: solver.options)
        var times = solution.times, states = solution.states
        let ending: FlowEnding
        switch solution.termination {
        case .reachedEnd:
            ending = .completed
        case .event(let occurrence):
            if occurrence.index == rangeEvent {
                let quantity = largestLogMagnitude(logScale: logScale + occurrence.time, occurrence.state, names: names,
                                                   dimensions: dimensions).quantity
                ending = .outOfRange(quantity: quantity, t: occurrence.time)
            } else if occurrence.index < constraints.count {
                let c = constraints[occurrence.index]
                ending = .leftDomain(constraint: c.name, meaning: c.meaning, t: occurrence.time)
            } else {
                ending = .runaway(coupling: names[occurrence.index - constraints.count], t: occurrence.time)
            }
            // Keep the trajectory up to where it stopped.
            if times.last != occurrence.time {
                times.append(occurrence.time)
                states.append(occurrence.state)
            }
        }
        let scales = times.map { uvScale * exp($0) }
        let dimensionful = zip(states, scales).map { state, k in zip(state, canonicalDimensions).map { $0 * pow(k, $1) } }
        return FlowResult(couplingNames: names, canonicalDimensions: canonicalDimensions, uvScale: uvScale,
                          t: times, k: scales, dimensionless: states, dimensionful: dimensionful, ending: ending,
                          statistics: FlowStatistics(solution.statistics))
    }
}

/// The largest `ln|x|` over the values a passive flow reports at `ln k = logScale` with couplings
/// `ū_i = coupling(i)`: `ln k` itself (`|ln k|`, so that `k` stays within `[10⁻³⁰⁰, 10³⁰⁰]`),
/// each `ln|ū_i|` and each `ln|u_i| = ln|ū_i| + D_i ln k`. Taken in logarithms, so it is finite
/// where the values themselves would overflow; a coupling at zero contributes nothing. `source`
/// says what attains it: nil for `k`, `i` for `ū_i`, `n + i` for `u_i`. Does not allocate.
func largestLogMagnitude(logScale: Double, dimensions: [Double],
                         coupling: (Int) -> Double) -> (value: Double, source: Int?) {
    var largest: (value: Double, source: Int?) = (abs(logScale), nil)
    let n = dimensions.count
    for i in 0..<n where coupling(i) != 0 {
        let logValue = log(abs(coupling(i)))
        if logValue > largest.value { largest = (logValue, i) }
        if logValue + dimensions[i] * logScale > largest.value { largest = (logValue + dimensions[i] * logScale, n + i) }
    }
    return largest
}

/// `largestLogMagnitude` of a state, with the name of the value that attains it.
func largestLogMagnitude(logScale: Double, _ u: [Double], names: [String],
                         dimensions: [Double]) -> (value: Double, quantity: String) {
    let (value, source) = largestLogMagnitude(logScale: logScale, dimensions: dimensions) { u[$0] }
    let n = names.count
    switch source {
    case nil: return (value, "the scale k = Λe^t")
    case let i? where i < n: return (value, "the dimensionless \(names[i])bar")
    case let j?:
        let d = dimensions[j - n]
        let power = d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
        return (value, "the dimensionful \(names[j - n]) = k^\(power) \(names[j - n])bar")
    }
}

/// CVODE's counters for one flow.
public struct FlowStatistics: Sendable, Equatable, Codable {
    public var steps: Int
    public var rightHandSideEvaluations: Int
    public var jacobianEvaluations: Int
    public var errorTestFailures: Int
    public var nonlinearConvergenceFailures: Int
    /// Steps taken with BDF; the others with Adams (`ODEMethod`).
    public var bdfSteps: Int
    /// Switches between Adams and BDF under `ODEMethod.auto`.
    public var methodSwitches: Int

    init(_ s: ODEStatistics) {
        steps = s.steps
        rightHandSideEvaluations = s.rightHandSideEvaluations
        jacobianEvaluations = s.jacobianEvaluations
        errorTestFailures = s.errorTestFailures
        nonlinearConvergenceFailures = s.nonlinearConvergenceFailures
        bdfSteps = s.bdfSteps
        methodSwitches = s.methodSwitches
    }

    /// "412 steps (Adams 380, BDF 32, 2 switches)", or "412 steps (BDF)".
    public var stepSummary: String {
        if methodSwitches == 0 { return "\(steps) steps (\(bdfSteps > 0 ? "BDF" : "Adams"))" }
        return "\(steps) steps (Adams \(steps - bdfSteps), BDF \(bdfSteps), \(methodSwitches) switch\(methodSwitches == 1 ? "" : "es"))"
    }
}

/// A sampled trajectory of a passive flow.
public struct FlowResult: Sendable {
    public var couplingNames: [String]
    public var canonicalDimensions: [Double]
    public var uvScale: Double
    /// RG time `t = ln(k/Λ)` of each sample.
    public var t: [Double]
    /// Scale `k = Λ e^t` of each sample.
    public var k: [Double]
    /// `dimensionless[s][i] = ū_i(t_s)`.
    public var dimensionless: [[Double]]
    /// `dimensionful[s][i] = k_s^{D_i} ū_i(t_s)`.
    public var dimensionful: [[Double]]
    public var ending: FlowEnding
    public var statistics: FlowStatistics
}

/// Bounds for `PassiveFlow.dimensionfulRunawayBounds` of a flow that starts at the scale `m` (the
/// network's mass `m0` for measured couplings): `factor` times the larger of each starting `|u_i|`
/// and the coupling's natural dimensionful size `m^{D_i} K_d^{p_i}` (`CouplingDescriptor`), so that
/// couplings starting at or near zero are bounded too.
public func dimensionfulRunawayBounds(factor: Double, couplings: [CouplingDescriptor], startingValues: [Double],
                                      scale m: Double, dimension d: Double) -> [Double] {
    let kd = ballVolumeFactor(dimension: d)
    return zip(couplings, startingValues).map { coupling, value in
        factor * max(abs(value), pow(m, coupling.canonicalDimension(at: d)) * coupling.naturalScale(ballVolumeFactor: kd))
    }
}
