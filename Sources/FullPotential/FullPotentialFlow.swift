import Foundation
import ODE
import Truncation

/// The potential at the UV scale `k = Λ` (`t = 0`), in units of `Λ` (so dimensionless and
/// dimensionful values coincide there).
public enum InitialPotential: Sendable {
    /// Couplings `ū_{2n}`, `n = 1, 2, …`: `U(φ) = Σ ū_{2n} φ^{2n}/(2n)!` (PHYSICS.md §1).
    case couplings([Double])
    /// A table of `U(φ)` at increasing `φ ≥ 0`, starting at `φ = 0`, extended evenly. Interpolated
    /// by a cubic spline with `U'(0) = 0` (Z2) and zero third derivative at the last point.
    case table(field: [Double], potential: [Double])
}

/// What to integrate: the full LPA potential on a uniform field grid.
///
/// The flow is integrated in dimensionful variables (units of the UV scale `Λ`, `k = Λ e^t`):
/// - Wetterich–Litim: `∂_t U(φ) = K_d k^{d+2} / (k² + U''(φ))`,
/// - Polchinski: `∂_t V(φ) = −k^{d−2} V''(φ) + V'(φ)²/k²`,
/// which are the dimensionless equations of PHYSICS.md §1 after `u(φ̄) = k^{−d} U(k^{(d−2)/2} φ̄)`.
/// On a fixed grid in the physical field, the large-field end does not move with `k`, and the
/// loop term is negligible there (`U''` large), so the last point needs no boundary condition
/// from outside: the flux beyond it is extrapolated (see ``FullPotentialFlow/run()``).
public struct FullPotentialFlowSpec: Sendable {
    public var scheme: LPAScheme
    /// Dimension `d`, any real `d > 0`.
    public var dimension: Double
    /// The grid covers `0 ≤ φ ≤ fieldMax` (units `Λ^{(d−2)/2}`); the potential is even.
    public var fieldMax: Double
    /// Number of grid points (spacing `fieldMax/(gridPoints − 1)`), second-order finite volumes.
    public var gridPoints: Int
    /// Most grid points (and points of an initial table) accepted.
    public static let maximumGridPoints = 100_000
    /// Fewest grid points: the second-order stencils and the boundary closure need a few cells.
    public static let minimumGridPoints = 8
    /// Final RG time `t = ln(k/Λ) < 0`.
    public var tEnd: Double
    /// Number of snapshots, evenly spaced in `t` from 0 to `tEnd`.
    public var outputCount: Int
    /// CVODE tolerances on `U'` at each grid point (the integrated variable).
    public var relativeTolerance: Double
    public var absoluteTolerance: Double
    /// Wetterich: the flow stops (as a result) when `min_φ (1 + U''/k²)` falls to this level, the
    /// Litim propagator's approach to its pole inside the coexistence region. In a broken phase
    /// the potential there flattens with `U'' → −k²` (so `1 + u''` falls to about 1e-5 by
    /// `t = −6` in d = 3); the floor is reached when the grid no longer resolves the shrinking
    /// denominator, and the time of that stop depends on the grid and tolerances. The flattening
    /// before it is the physical result.
    public var convexityFloor: Double

    /// The smallest grid spacing `fieldMax/(gridPoints − 1)` accepted, in units of `Λ^{(d−2)/2}`.
    /// The diffusive part of the flow of `U''` has rates up to `K_d/h²`: below this spacing the
    /// discretized flow is too stiff, and the second differences of the flux too rounded, for its
    /// result to be trusted (at `h = 10⁻⁶` the infrared `U''(0)` of a quartic potential in `d = 3`
    /// came out half its converged value).
    public static let smallestSpacing = 1e-4

    public init(scheme: LPAScheme = .wetterich, dimension: Double, fieldMax: Double, gridPoints: Int = 401,
                tEnd: Double, outputCount: Int = 41, relativeTolerance: Double = 1e-8,
                absoluteTolerance: Double = 1e-12, convexityFloor: Double = 1e-9) {
        self.scheme = scheme
        self.dimension = dimension
        self.fieldMax = fieldMax
        self.gridPoints = gridPoints
        self.tEnd = tEnd
        self.outputCount = outputCount
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.convexityFloor = convexityFloor
    }
}

/// The potential at one RG time, dimensionful (units of `Λ`) on the grid ``FullPotentialFlowResult/field``.
public struct FullPotentialSnapshot: Sendable {
    public var t: Double
    /// `k/Λ = e^t`.
    public var k: Double
    public var potential: [Double]
    public var firstDerivative: [Double]
    public var secondDerivative: [Double]
    /// `1 + u'' = 1 + U''/k²` at each grid point: the Litim propagator's denominator over `k²`.
    /// Inside the coexistence region of a broken phase it tends to 0⁺ as the potential flattens.
    public var thresholdDenominator: [Double]
    /// Position `φ₀ ≥ 0` of the smallest `U` (the zero of `U'`, interpolated linearly) and `U''` at
    /// the nearest node.
    public var minimumField: Double
    public var curvatureAtMinimum: Double
    /// `U''(0)`, the squared mass in units of `Λ²`.
    public var massSquared: Double
    /// The dimensionless `ū2 = U''(0)/k²`.
    public var u2: Double
    /// Dimensionless minimum `κ̄ = k^{2−d} φ₀²/2`.
    public var kappa: Double
}

/// How a flow ended.
public enum FullPotentialFlowEnding: Sendable, Equatable {
    /// It reached `tEnd`.
    case reachedEnd
    /// Wetterich: `1 + u''` fell to ``FullPotentialFlowSpec/convexityFloor`` at `field` (inside the
    /// coexistence region) at time `t`: the potential there has become flat to that precision.
    case convexityFloor(t: Double, field: Double)
    /// A reported value (`quantity`: the scale `k`, `ū2`, `κ̄`, `1 + U''/k²`, …) reached
    /// `representableMagnitude` (10³⁰⁰) at time `t`; beyond it double precision overflows.
    case outOfRange(t: Double, quantity: String)
}

public struct FullPotentialFlowResult: Sendable {
    public var spec: FullPotentialFlowSpec
    /// Grid points `φ_i = i·h`.
    public var field: [Double]
    /// Snapshots at the output times reached, and the final state when a stop event ended the flow.
    public var snapshots: [FullPotentialSnapshot]
    public var ending: FullPotentialFlowEnding
    /// CVODE internal steps.
    public var steps: Int
}

/// A flow of the full potential from an initial potential to `tEnd`.
public struct FullPotentialFlow: Sendable {
    public let spec: FullPotentialFlowSpec
    public let field: [Double]
    public let initialValues: [Double]
    /// `U'(φ_i)` at `t = 0`, `i = 1…M`: exact for couplings, the spline's slope for a table.
    let initialSlopes: [Double]

    public init(spec: FullPotentialFlowSpec, initialPotential: InitialPotential) throws {
        let d = spec.dimension
        guard d.isFinite, d > 0, d <= 10 else {
            throw FullPotentialError.unsupportedDimension(d, reason: "flows need 0 < d ≤ 10")
        }
        guard spec.fieldMax.isFinite, spec.fieldMax > 0 else {
            throw FullPotentialError.invalidParameter(name: "fieldMax", value: spec.fieldMax, requirement: "positive")
        }
        guard (FullPotentialFlowSpec.minimumGridPoints...FullPotentialFlowSpec.maximumGridPoints).contains(spec.gridPoints) else {
            throw FullPotentialError.invalidParameter(name: "gridPoints", value: Double(spec.gridPoints),
                                                      requirement: "between \(FullPotentialFlowSpec.minimumGridPoints) and \(FullPotentialFlowSpec.maximumGridPoints)")
        }
        guard spec.tEnd.isFinite, spec.tEnd < 0 else {
            throw FullPotentialError.invalidParameter(name: "tEnd", value: spec.tEnd, requirement: "negative (t = ln(k/Λ) runs to the infrared)")
        }
        guard spec.outputCount >= 2 else {
            throw FullPotentialError.invalidParameter(name: "outputCount", value: Double(spec.outputCount), requirement: "at least 2")
        }
        guard spec.convexityFloor >= 0, spec.convexityFloor < 1 else {
            throw FullPotentialError.invalidParameter(name: "convexityFloor", value: spec.convexityFloor, requirement: "in [0, 1)")
        }
        let h = spec.fieldMax / Double(spec.gridPoints - 1)
        guard h >= FullPotentialFlowSpec.smallestSpacing else {
            throw FullPotentialError.invalidParameter(
                name: "fieldMax", value: spec.fieldMax,
                requirement: "at least \(String(format: "%g", Double(spec.gridPoints - 1) * FullPotentialFlowSpec.smallestSpacing)) (\(spec.gridPoints - 1) grid spacings of at least 1e-4 Λ^((d−2)/2)): on a finer grid the discretized flow is too stiff and its differences too rounded to be trusted")
        }
        let field = (0..<spec.gridPoints).map { Double($0) * h }
        // U(φ) and U'(φ) of the initial potential at any φ ≥ 0.
        let potential: (Double) -> Double, derivative: (Double) -> Double
        switch initialPotential {
        case let .couplings(u):
            guard !u.isEmpty, u.allSatisfy(\.isFinite) else {
                throw FullPotentialError.invalidInitialPotential("give at least ū2, all finite")
            }
            potential = { phi in
                var sum = 0.0, power = 1.0, factorial = 1.0
                for (n, c) in u.enumerated() {
                    power *= phi * phi
                    factorial *= Double((2 * n + 1) * (2 * n + 2))
                    sum += c * power / factorial
                }
                return sum
            }
            derivative = { phi in
                var sum = 0.0, power = phi, factorial = 1.0
                for (n, c) in u.enumerated() {
                    if n > 0 { power *= phi * phi }
                    factorial *= Double(2 * n + 1)
                    sum += c * power / factorial
                    factorial *= Double(2 * n + 2)
                }
                return sum
            }
        case let .table(phi, values):
            let spline = try EvenCubicSpline(field: phi, values: values)
            guard spec.fieldMax <= phi.last! * (1 + 1e-12) else {
                throw FullPotentialError.invalidInitialPotential("the table ends at φ = \(phi.last!), the grid at \(spec.fieldMax)")
            }
            potential = { spline.value(at: $0) }
            derivative = { spline.slope(at: $0) }
        }
        let values = field.map(potential), slopes = field.dropFirst().map(derivative)
        guard values.allSatisfy(\.isFinite), slopes.allSatisfy(\.isFinite) else {
            throw FullPotentialError.invalidInitialPotential("it is not representable in double precision on the grid up to fieldMax = \(spec.fieldMax)")
        }
        // The last point needs no boundary condition only where the potential rises (see `run()`).
        if let last = slopes.last, last < 0 {
            throw FullPotentialError.invalidInitialPotential("it still falls at the end of the grid (U'(\(spec.fieldMax)) = \(last) < 0): its minimum lies beyond fieldMax; extend the grid")
        }
        // The grid must resolve the curvature the flow is driven by: the second difference at
        // spacing h and at h/2 agree to 1 % of 1 + |U''| (units of Λ²), up to rounding.
        for phi in field {
            func curvature(_ step: Double) -> (value: Double, rounding: Double) {
                let left = potential(abs(phi - step)), middle = potential(phi), right = potential(phi + step)
                return ((right - 2 * middle + left) / (step * step),
                        100 * Double.ulpOfOne * (abs(left) + 2 * abs(middle) + abs(right)) / (step * step))
            }
            let coarse = curvature(h), fine = curvature(h / 2)
            guard abs(coarse.value - fine.value) <= 0.01 * (1 + abs(fine.value)) + fine.rounding else {
                throw FullPotentialError.unresolvedInitialPotential(field: phi, spacing: h, coarse: coarse.value, fine: fine.value)
            }
        }
        if spec.scheme == .wetterich {
            // Second differences with the even extension U(−h) = U(h) at the origin.
            for i in 0..<(field.count - 1) {
                let left = i == 0 ? values[1] : values[i - 1]
                if 1 + (values[i + 1] - 2 * values[i] + left) / (h * h) <= 0 {
                    throw FullPotentialError.invalidInitialPotential("1 + u'' ≤ 0 at φ = \(field[i]) at t = 0: the Litim propagator is singular")
                }
            }
        }
        self.spec = spec
        self.field = field
        initialValues = values
        initialSlopes = Array(slopes)
    }

    /// Integrates with CVODE BDF, banded Newton with the exact Jacobian (half-bandwidths 1 and 3).
    ///
    /// The state is `U'(φ_i)`, `i = 1…M` (`U'(0) = 0` by symmetry), evolved in conservation form
    /// `∂_t U' = ∂_φ G` with the flux `G = K_d k^{d+2}/(k² + U'')` (Polchinski:
    /// `G = −k^{d−2}V'' + V'²/k²`) at the midpoints `φ_{i+1/2}` (finite volumes, second order). The
    /// flux beyond the last point is extrapolated quadratically. Evolving `U'` rather than `U`
    /// keeps the field-independent vacuum energy, which grows like `K_d Λ^d/d` and does not feed
    /// back, out of the error control; `U` is rebuilt by the trapezoidal rule with `U(0)` held at
    /// its initial value.
    public func run() throws -> FullPotentialFlowResult {
        let d = spec.dimension, m = field.count - 1, h = field[1]
        let kd = ballVolumeFactor(dimension: d)
        let flux = FluxLaw(scheme: spec.scheme, dimension: d, loopFactor: kd, spacing: h, intervals: m)
        let problem = ODEProblem(dimension: m, jacobianStructure: .banded(upper: 1, lower: 3),
            jacobian: { t, s, _, jac in
                flux.jacobian(t: t, slopes: s) { row, column, value in jac[row, column] += value }
            },
            rightHandSide: { t, s, ds in
                try flux.rightHandSide(t: t, slopes: s, into: ds)
            })
        var events: [ODEEvent] = []
        let floor = spec.convexityFloor
        if spec.scheme == .wetterich {
            events.append(ODEEvent("convexity floor", direction: .decreasing, isTerminal: true) { t, s in
                flux.smallestThresholdDenominator(t: t, slopes: s) - floor
            })
        }
        let rangeEvent = events.count
        events.append(ODEEvent("representable range", direction: .decreasing, isTerminal: true) { t, s in
            logRepresentableMagnitude - largestLogMagnitude(t: t, slopes: Array(s)).value
        })
        let options = ODEOptions(tolerances: ODETolerances(relative: spec.relativeTolerance, absolute: spec.absoluteTolerance),
                                 method: .bdf, maxSteps: 200_000)
        let solution: ODESolution
        do {
            solution = try problem.solve(from: 0, to: spec.tEnd, initialState: initialSlopes,
                                         output: .evenlySpaced(count: spec.outputCount), events: events, options: options)
        } catch let error as ODEError {
            throw FullPotentialError.flowFailed(time: failureTime(error), underlying: error.description)
        }
        var snapshots = zip(solution.times, solution.states).map { snapshot(t: $0, slopes: $1) }
        var ending = FullPotentialFlowEnding.reachedEnd
        if case let .event(occurrence) = solution.termination {
            let last = snapshot(t: occurrence.time, slopes: occurrence.state)
            if occurrence.index == rangeEvent {
                ending = .outOfRange(t: occurrence.time, quantity: largestLogMagnitude(t: occurrence.time, slopes: occurrence.state).quantity)
            } else {
                let at = last.thresholdDenominator.indices.min { last.thresholdDenominator[$0] < last.thresholdDenominator[$1] } ?? 0
                ending = .convexityFloor(t: occurrence.time, field: field[at])
            }
            snapshots.append(last)
        }
        return FullPotentialFlowResult(spec: spec, field: field, snapshots: snapshots, ending: ending,
                                       steps: solution.statistics.steps)
    }

    private func failureTime(_ error: ODEError) -> Double {
        if case let .solverFailed(failure) = error { return failure.time }
        return 0
    }

    /// The largest `ln|x|` over the numbers a snapshot at `(t, slopes)` reports, with the name of
    /// the one that attains it. Dimensionful values (`U`, `U'`, `U''`, `φ₀`) do not change with `k`;
    /// the scale `k = e^t` (`|t|`, so `k` stays in `[10⁻³⁰⁰, 10³⁰⁰]`), `U''/k²` (in `ū2` and in
    /// `1 + U''/k²`) and `κ̄ = k^{2−d} φ₀²/2` do, and are taken in logarithms so that they are
    /// finite where the values would overflow.
    func largestLogMagnitude(t: Double, slopes: [Double]) -> (value: Double, quantity: String) {
        let s = snapshot(t: t, slopes: slopes)
        var largest = (value: abs(t), quantity: "the scale k = Λe^t")
        func consider(_ x: Double, plus shift: Double = 0, _ name: String) {
            guard x != 0 else { return }
            let value = log(abs(x)) + shift
            if value > largest.value { largest = (value, name) }
        }
        for (i, second) in s.secondDerivative.enumerated() {
            consider(second, plus: -2 * t, i == 0 ? "ū2 = U''(0)/k²" : "U''/k² (in 1 + U''/k²)")
            consider(second, "U''")
            consider(s.potential[i] - s.potential[0], "U − U(0)")
            consider(s.firstDerivative[i], "U'")
        }
        consider(s.minimumField * s.minimumField / 2, plus: (2 - spec.dimension) * t, "κ̄ = k^(2−d) φ₀²/2")
        return largest
    }

    private func snapshot(t: Double, slopes s: [Double]) -> FullPotentialSnapshot {
        let d = spec.dimension, k = exp(t), h = field[1], n = field.count
        let first = [0] + s
        var potential = [Double](repeating: initialValues[0], count: n)
        for i in 1..<n { potential[i] = potential[i - 1] + h * (first[i] + first[i - 1]) / 2 }
        // U'' at the nodes: central differences of U' (odd extension at the origin, one-sided at the end).
        var second = [Double](repeating: 0, count: n)
        second[0] = first[1] / h
        for i in 1..<(n - 1) { second[i] = (first[i + 1] - first[i - 1]) / (2 * h) }
        second[n - 1] = (3 * first[n - 1] - 4 * first[n - 2] + first[n - 3]) / (2 * h)
        let mIndex = potential.indices.min { potential[$0] < potential[$1] } ?? 0
        var phi0 = field[mIndex]
        if mIndex > 0, mIndex < n - 1 {
            // Zero of U' between the bracketing nodes.
            let a = first[mIndex - 1], b = first[mIndex], c = first[mIndex + 1]
            if b < 0, c > 0 { phi0 += h * b / (b - c) } else if b > 0, a < 0 { phi0 -= h * b / (b - a) }
        }
        return FullPotentialSnapshot(
            t: t, k: k, potential: potential, firstDerivative: first, secondDerivative: second,
            thresholdDenominator: second.map { 1 + scaled($0 / (k * k), $0, logFactor: -2 * t) }, minimumField: phi0,
            curvatureAtMinimum: second[mIndex], massSquared: second[0],
            u2: scaled(second[0] / (k * k), second[0], logFactor: -2 * t),
            kappa: scaled(pow(k, 2 - d) * phi0 * phi0 / 2, phi0 * phi0 / 2, logFactor: (2 - d) * t))
    }

    /// `direct = x · e^{logFactor}` as computed (`U''/k²`, `k^{2−d}φ₀²/2`), or, where a power of
    /// `k` alone over- or underflowed (`k²` underflows below `t ≈ −372`, where the flow may still
    /// run), the same product taken through logarithms.
    private func scaled(_ direct: Double, _ x: Double, logFactor: Double) -> Double {
        guard !direct.isFinite || (direct == 0 && x != 0) else { return direct }
        return x == 0 ? 0 : (x < 0 ? -1 : 1) * exp(log(abs(x)) + logFactor)
    }
}

/// The discretized flux form of the LPA flow for `U'` (see ``FullPotentialFlow/run()``).
/// `slopes[j] = U'(φ_{j+1})`; the flux `G_m` lives at `φ_{m+1/2}`, `m = 0…M−1`.
struct FluxLaw: Sendable {
    let scheme: LPAScheme
    let dimension: Double
    let loopFactor: Double
    let spacing: Double
    let intervals: Int

    @inline(__always)
    private func slope(_ s: UnsafeBufferPointer<Double>, _ i: Int) -> Double { i == 0 ? 0 : s[i - 1] }

    /// `G_m` and its derivatives with respect to `U'_m` (left) and `U'_{m+1}` (right).
    @inline(__always)
    private func flux(_ m: Int, t: Double, _ s: UnsafeBufferPointer<Double>) -> (g: Double, left: Double, right: Double) {
        let left = slope(s, m), right = slope(s, m + 1)
        let curvature = (right - left) / spacing
        let k2 = exp(2 * t)
        switch scheme {
        case .wetterich:
            let c = loopFactor * exp((dimension + 2) * t)
            let den = k2 + curvature
            let g = c / den
            let dg = -g / den / spacing
            return (g, -dg, dg)
        case .polchinski:
            let a = exp((dimension - 2) * t)
            let mid = (left + right) / 2
            let g = -a * curvature + mid * mid / k2
            let dp = mid / k2
            return (g, a / spacing + dp, -a / spacing + dp)
        }
    }

    func rightHandSide(t: Double, slopes s: UnsafeBufferPointer<Double>, into ds: UnsafeMutableBufferPointer<Double>) throws {
        let n = intervals
        if scheme == .wetterich {
            let k2 = exp(2 * t)
            for m in 0..<n where k2 + (slope(s, m + 1) - slope(s, m)) / spacing <= 0 {
                throw ODERecoverableFailure("k² + U'' ≤ 0 at φ = \(Double(m) * spacing + spacing / 2)")
            }
        }
        var previous = flux(0, t: t, s).g
        for i in 1..<n {
            let next = flux(i, t: t, s).g
            ds[i - 1] = (next - previous) / spacing
            previous = next
        }
        let g1 = flux(n - 1, t: t, s).g, g2 = flux(n - 2, t: t, s).g, g3 = flux(n - 3, t: t, s).g
        ds[n - 1] = (2 * g1 - 3 * g2 + g3) / spacing
    }

    /// Calls `add(row, column, value)` for every nonzero `∂(dU'_row)/∂U'_column` (state indices).
    func jacobian(t: Double, slopes s: UnsafeBufferPointer<Double>, _ add: (Int, Int, Double) -> Void) {
        let n = intervals
        // Row of node i is i − 1; U'_0 is not a state.
        func addFlux(_ m: Int, toNode i: Int, weight: Double) {
            let f = flux(m, t: t, s)
            if m >= 1 { add(i - 1, m - 1, weight * f.left / spacing) }
            add(i - 1, m, weight * f.right / spacing)
        }
        for i in 1..<n {
            addFlux(i, toNode: i, weight: 1)
            addFlux(i - 1, toNode: i, weight: -1)
        }
        addFlux(n - 1, toNode: n, weight: 2)
        addFlux(n - 2, toNode: n, weight: -3)
        addFlux(n - 3, toNode: n, weight: 1)
    }

    /// `min_m (1 + U''_{m+1/2}/k²)` over the midpoints.
    func smallestThresholdDenominator(t: Double, slopes s: UnsafeBufferPointer<Double>) -> Double {
        let k2 = exp(2 * t)
        var smallest = Double.infinity
        for m in 0..<intervals { smallest = min(smallest, 1 + (slope(s, m + 1) - slope(s, m)) / spacing / k2) }
        return smallest
    }
}

/// Cubic spline through `(φ_i, U_i)` with `U'(0) = 0` and a not-overshooting right end
/// (`U''' = 0` on the last interval); evaluated for `φ ≥ 0`.
struct EvenCubicSpline {
    let x: [Double]
    let y: [Double]
    /// Second derivatives at the knots.
    let m: [Double]

    init(field x: [Double], values y: [Double]) throws {
        guard x.count >= 3, x.count == y.count else {
            throw FullPotentialError.invalidInitialPotential("the table needs at least 3 points and as many values as fields")
        }
        guard x[0] == 0, zip(x, x.dropFirst()).allSatisfy({ $0 < $1 }), x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            throw FullPotentialError.invalidInitialPotential("the table's fields must start at 0 and increase, all values finite")
        }
        let n = x.count
        // Tridiagonal system for the knot second derivatives (clamped slope 0 at the origin,
        // equal second derivatives on the last interval, i.e. zero third derivative there).
        var sub = [Double](repeating: 0, count: n), diag = sub, sup = sub, rhs = sub
        let h0 = x[1] - x[0]
        diag[0] = h0 / 3; sup[0] = h0 / 6; rhs[0] = (y[1] - y[0]) / h0
        for i in 1..<(n - 1) {
            let hl = x[i] - x[i - 1], hr = x[i + 1] - x[i]
            sub[i] = hl / 6; diag[i] = (hl + hr) / 3; sup[i] = hr / 6
            rhs[i] = (y[i + 1] - y[i]) / hr - (y[i] - y[i - 1]) / hl
        }
        sub[n - 1] = -1; diag[n - 1] = 1; rhs[n - 1] = 0
        for i in 1..<n {
            let w = sub[i] / diag[i - 1]
            diag[i] -= w * sup[i - 1]
            rhs[i] -= w * rhs[i - 1]
        }
        var m = [Double](repeating: 0, count: n)
        m[n - 1] = rhs[n - 1] / diag[n - 1]
        for i in stride(from: n - 2, through: 0, by: -1) { m[i] = (rhs[i] - sup[i] * m[i + 1]) / diag[i] }
        self.x = x
        self.y = y
        self.m = m
    }

    func value(at t: Double) -> Double {
        let (lo, hi) = interval(t)
        let h = x[hi] - x[lo], a = (x[hi] - t) / h, b = (t - x[lo]) / h
        return a * y[lo] + b * y[hi] + ((a * a * a - a) * m[lo] + (b * b * b - b) * m[hi]) * h * h / 6
    }

    func slope(at t: Double) -> Double {
        let (lo, hi) = interval(t)
        let h = x[hi] - x[lo], a = (x[hi] - t) / h, b = (t - x[lo]) / h
        return (y[hi] - y[lo]) / h + ((1 - 3 * a * a) * m[lo] + (3 * b * b - 1) * m[hi]) * h / 6
    }

    private func interval(_ t: Double) -> (Int, Int) {
        var lo = 0, hi = x.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if x[mid] <= t { lo = mid } else { hi = mid }
        }
        return (lo, hi)
    }
}
