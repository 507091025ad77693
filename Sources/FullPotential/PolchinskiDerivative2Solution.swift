import ComplexModule
import FixedPoints
import Foundation
import RealModule
import Truncation

/// What to compute for the scaling solution of the Polchinski equation at second order of the
/// derivative expansion, for the whole functions `v(φ)` and `z(φ)` (not their Taylor coefficients).
///
/// The system (README "Polchinski beyond the LPA", `PolchinskiDerivative2Derivation.swift`; primes
/// `d/dφ`, normalized dimensionless variables, `t = ln(k/Λ)`):
///
///     ∂_t v = −d v + (d−2+η)/2 φ v′ − v″ + v′² − γ (z − 1)
///     ∂_t z = η z + (d−2+η)/2 φ z′ − z″ + 2 v′ z′ + 4 v″ (z − 1) − σ v″²
///
/// with `z(0) = 1` for all `t` fixing `η`. It is solved for `y = ∂_ρ v` and `z` in `ρ = φ²/2` (Z2
/// symmetry is then built in, and differentiating drops the vacuum-energy mode, eigenvalue `−d`).
public struct PolchinskiDerivative2Spec: Sendable {
    /// Dimension `d`, real, `2 < d < 4`.
    public var dimension: Double
    /// The UV cutoff `c(p²/k²)` of the propagator, named by its Wetterich regulator
    /// (`c = R/(p² + R)`): Litim → `γ = d/(d+2)`, `σ = 0`; exponential → `γ = d/2`, `σ = 2`.
    public var cutoff: RegulatorKind
    /// First Chebyshev degree `N` (`N + 1` nodes per function); grows by 3/2 up to
    /// ``ScalingSolutionSpec/maximumBasisSize`` for the error estimate, as for the LPA.
    public var basisSize: Int
    /// Right end `ρ_max` of the domain; nil: where the suppression `S` reaches
    /// ``ScalingSolutionSpec/domainSuppression`` (see ``ScalingSolutionSpec/domainLength``).
    public var domainLength: Double?
    /// Grow the basis and shorten the domain to estimate errors; without it one solve at `basisSize`.
    public var estimatesError: Bool
    /// How many eigenvalues of the potential tower are reported and must converge (θ₁, ω, …).
    public var eigenvalueCount: Int
    /// Converged when every reported eigenvalue's error is at most `tolerance · max(1, |θ|)` and
    /// η's at most `tolerance`.
    public var tolerance: Double
    /// Where `z = 1` fixes η: at `φ = 0` (default), or at the minimum `ρ₀` of `v` (`y(ρ₀) = 0`),
    /// the two conditions of the polynomial truncations about zero and about the minimum. The
    /// truncation is not reparametrization invariant, so the two give different exponents.
    public var normalization: ExpansionPoint

    public init(dimension: Double = 3, cutoff: RegulatorKind = .exponential, basisSize: Int = 60,
                domainLength: Double? = nil, estimatesError: Bool = true, eigenvalueCount: Int = 5,
                tolerance: Double = 1e-8, normalization: ExpansionPoint = .zero) {
        self.normalization = normalization
        self.dimension = dimension
        self.cutoff = cutoff
        self.basisSize = basisSize
        self.domainLength = domainLength
        self.estimatesError = estimatesError
        self.eigenvalueCount = eigenvalueCount
        self.tolerance = tolerance
    }

    /// `γ = |c′(0)| ∫ y^{d/2} c′ / ∫ y^{d/2−1} c′`: the weight of `z − 1` in the flow of `v`.
    public var gamma: Double {
        switch cutoff {
        case .litim: return dimension / (dimension + 2)
        case .exponential: return dimension / 2
        }
    }

    /// `σ = 2c″(0)/c′(0)²`: the source `−σ v″²` of `z − 1` (zero for Litim's cutoff, whose fixed
    /// point is then the LPA's with `z ≡ 1`, `η = 0`).
    public var sigma: Double {
        switch cutoff {
        case .litim: return 0
        case .exponential: return 2
        }
    }
}

/// One point of the O(∂²) scaling solution (normalized dimensionless variables).
public struct Derivative2Sample: Sendable, Equatable {
    public var phi: Double
    /// `v(φ) − v(0)`, `v` from the fixed-point equation itself.
    public var potentialMinusOrigin: Double
    /// `v′(φ) = φ y`.
    public var firstDerivative: Double
    /// `v″(φ) = y + 2ρ ∂_ρ y`.
    public var secondDerivative: Double
    /// `z(φ)`, the field-dependent kinetic coefficient (`z(0) = 1`).
    public var kinetic: Double
}

/// The Wilson–Fisher scaling solution of the Polchinski O(∂²) system and its spectrum.
///
/// **Two towers.** The stability operator acts on `(δy, δz)` with `δz(0) = 0` (the normalization
/// holds along the flow; the Newton unknown `δη` is eliminated by `∂_t δz(0) = 0`). Its eigenvalues
/// form two towers. At O(∂²) the only operators that are not redundant are potentials: a
/// `φ^{2n}(∂φ)²` perturbation is, up to a total derivative, `φ^{2n+1}` times the equation of motion
/// (a field redefinition `δφ ∝ φ^{2n+1}`) plus a potential. At `σ = 0` the Jacobian is exactly
/// block triangular (the `z` equation does not see `δy` when `z ≡ 1` and `σ = 0`): the `y` block
/// is the LPA's (physical, eigenvectors with `δz = 0`), the `z` block the tower of `φ^{2n}(∂φ)²`
/// (at the Gaussian point `n(d−2)`, the redundant eigenvalues of `δφ ∝ φ^{2n+1}`; `n = 0`, the
/// field rescaling with eigenvalue 0, is what `z(0) = 1` removes). The cutoff's `σ` is reached by
/// continuation from 0 in steps (halved where needed) that move no eigenvalue by half its distance to
/// another, and every eigenvalue keeps the tower it started in (`eigenvalues` the potential tower,
/// `redundantEigenvalues` the other); where two of different towers meet (a complex pair), neither
/// can be told (`unresolvedEigenvalues`). ν and ω do not depend on this labelling where the
/// redundant tower starts above ω (d = 3: 3.53 against ω = 0.90).
public struct PolchinskiDerivative2Solution: Sendable {
    public var spec: PolchinskiDerivative2Spec
    /// `ν = −1/θ₁`, `θ₁` the single negative eigenvalue of the potential tower.
    public var nu: Double
    /// The smallest positive eigenvalue of the potential tower.
    public var omega: Double
    /// The anomalous dimension, from `z(0) = 1`.
    public var eta: Double
    /// The ``PolchinskiDerivative2Spec/eigenvalueCount`` lowest eigenvalues of the potential tower,
    /// increasing real part (`t = ln k`: relevant `θ < 0`); fewer (at least 2) when an unresolved
    /// eigenvalue lies below the next one.
    public var eigenvalues: [Complex<Double>]
    /// The lowest eigenvalues (at most as many) of the redundant tower, increasing real part.
    public var redundantEigenvalues: [Complex<Double>]
    /// Eigenvalues, among the lowest, whose tower cannot be told: two of different towers met along
    /// the continuation (near d = 4, where the towers pair up, e.g. d = 3.9 near θ ≈ 4.7). The
    /// potential tower is reported only below the first of them.
    public var unresolvedEigenvalues: [Complex<Double>]
    /// Error estimates as for the LPA (``ScalingSolution/eigenvalueErrors``); nil without them.
    public var eigenvalueErrors: [Double]?
    public var nuError: Double?
    public var omegaError: Double?
    /// `|Δη|` from the basis growth plus `|Δη|` on the shorter domain.
    public var etaError: Double?
    public var basisSize: Int
    public var domainLength: Double
    public var shortfall: String?
    /// The minimum `ρ₀` of `v` (where `y = ∂_ρ v` vanishes; 0 if `y(0) ≥ 0`).
    public var minimum: Double
    /// `[v̄2, v̄4, v̄6, z̄1, z̄2]` at `φ = 0` (`v̄_{2m} = (2m−1)!! ∂_ρ^{m−1} y(0)`, `z̄_j = ∂_ρ^j z(0)`), the
    /// couplings of the polynomial truncation about `φ = 0` in its order (`frg beta`), from spectral
    /// derivatives: each derivative costs digits (at d = 3 and the converged basis about 1e-10
    /// absolute for v̄2, z̄1 and 1e-8 for v̄6, z̄2, measured against the next basis size).
    public var originCouplings: [Double]
    /// The functions at the collocation nodes, increasing `φ`.
    public var samples: [Derivative2Sample]
    /// `max |F|` of the collocation equations at the solution.
    public var residual: Double

    /// What `originCouplings` are (names as in `frg beta`).
    public var originCouplingDescriptors: [CouplingDescriptor] {
        (1...3).map { CouplingDescriptor.potential(order: 2 * $0, scheme: .polchinski) }
            + (1...2).map { CouplingDescriptor.wavefunction(derivative: $0, scheme: .polchinski) }
    }
}

/// Solves the Polchinski O(∂²) fixed-point equations for the Wilson–Fisher `(v, z, η)`.
///
/// Method as for the LPA (``scalingSolution(_:)``): Chebyshev collocation of `y = ∂_ρ v` and `z` on
/// `[0, ρ_max]`, Newton with the exact Jacobian (unknowns `y`, `z` at the nodes and `η`; equations
/// the two collocated ODEs and `z(0) = 1`; normalized at the minimum, also the unknown `κ` with
/// `y(κ) = 0`, `z(κ) = 1`), the eigenvalues of the reduced Jacobian by LAPACK, and
/// the error estimate by basis growth and a shorter domain (``growBasis``).
///
/// **Large field.** With `y → y∞`, `z → z∞` the `ρ⁰` terms give `y∞ = 1 − η/2` (so `v → (1 − η/2) φ²/2`)
/// and `z∞ = (4y∞ + σ y∞²)/(4 − η)`. Linearized about them, `δy` and `δz` obey
/// `(2 − η) δy + (d+2−η) ρ δy′ = γ δz′` and `(4 − η) δz + (d+2−η) ρ δz′ = −(4(z∞−1) − 2σy∞)(δy + 2ρ δy′)`
/// up to terms a power of `ρ` smaller, so both decay like `ρ^{−a}`, `a = (2−η)/(d+2−η)` (the
/// homogeneous part of `δz`, `ρ^{−(4−η)/(d+2−η)}`, decays faster). At `ρ_max` the second-derivative
/// rows are replaced by `f″ = (−a − 1) f′/ρ` for both functions. The second-derivative terms
/// `−2ρ f″` are the only ones the large-field balance drops: the other solutions grow like
/// `exp((d+2)ρ/2)`, so the boundary's error decays inward like `e^{−S}`, with the suppression `S` of
/// the `y` equation, the LPA's with `d − 2 → d − 2 + η` (that of `z` is larger).
///
/// **Start.** The Polchinski LPA solution (``firstSolve``) is the exact solution at `σ = 0`
/// (`z ≡ 1`, `η = 0`, any `γ`); `σ` is then raised to the cutoff's value in
/// ``continuationSteps`` steps at the first basis size, carrying the tower labels. A step Newton
/// cannot take is halved; where no step can be taken the branch has ended (a fold: d = 3 normalized
/// at the minimum, near σ ≈ 1.56) and the error says between which σ.
public func polchinskiDerivative2Solution(_ spec: PolchinskiDerivative2Spec) throws -> PolchinskiDerivative2Solution {
    let d = spec.dimension
    try validateCollocation(dimension: d, basisSize: spec.basisSize, eigenvalueCount: spec.eigenvalueCount, tolerance: spec.tolerance,
                            domainLength: spec.domainLength, estimatesError: spec.estimatesError)
    let first = try derivative2FirstSolve(spec, count: spec.eigenvalueCount)
    // The potential eigenvalues below the first unresolved one are the ones that can be reported.
    let count = first.labels.prefix { $0.tower != .unresolved }.filter { $0.tower == .potential }.count
    guard count >= 2 else { throw FullPotentialError.ambiguousTowers(dimension: d, sigma: spec.sigma) }
    let tracked = checkedCount(first.labels, count: min(count, spec.eigenvalueCount))
    let reported = min(count, spec.eigenvalueCount)
    let profile = SuppressionProfile(first.lpaView)
    let mainLength = spec.domainLength ?? profile.length(at: ScalingSolutionSpec.domainSuppression)
    let shortTarget = profile.suppression(at: mainLength)
        - (ScalingSolutionSpec.domainSuppression - ScalingSolutionSpec.shortDomainSuppression)
    let shortLength = shortTarget > 5 ? profile.length(at: shortTarget) : 0.9 * mainLength
    let sizes = ScalingSolutionSpec(scheme: .polchinski, dimension: d, estimatesError: spec.estimatesError)
        .basisSizes(from: spec.basisSize)
    @Sendable func solve(_ n: Int, _ length: Double, conditions: Int) throws -> Derivative2Collocated {
        try solveDerivative2(spec, basisSize: n, length: length, start: first.interpolated(basisSize: n, length: length),
                             labels: first.labels, count: reported, tracked: tracked, conditions: conditions)
    }

    let final: Derivative2Collocated
    var errors: [Double]?, etaError: Double?, shortfall: String?
    if spec.estimatesError {
        let (best, roundingLimited) = try growBasis(sizes: sizes, count: reported, tolerance: spec.tolerance) { n, short, conditions in
            try solve(n, short ? shortLength : mainLength, conditions: conditions)
        }
        final = best.solution
        errors = best.errors
        let etaChange = abs(best.solution.eta - best.previous.eta) + abs(best.previous.eta - best.short.eta)
        etaError = etaChange
        shortfall = shortfallDescription(eigenvalues: final.eigenvalues, errors: best.errors, tolerance: spec.tolerance,
                                         size: best.size, roundingLimited: roundingLimited)
        if etaChange > spec.tolerance {
            let note = "η (error \(formatted(etaChange))) did not reach the tolerance \(formatted(spec.tolerance))"
            shortfall = shortfall.map { "\($0); \(note)" } ?? note
        }
    } else {
        final = try solve(sizes[0], mainLength, conditions: 0)
    }
    let physical = final.eigenvalues
    let relevant = physical.filter { $0.real < 0 }
    guard relevant.count == 1, physical[0].imaginary == 0,
          let omegaIndex = physical.firstIndex(where: { $0.imaginary == 0 && $0.real > 0 }) else {
        throw FullPotentialError.unexpectedSpectrum(scheme: .polchinski, dimension: d, relevantCount: relevant.count)
    }
    let theta1 = physical[0].real
    return PolchinskiDerivative2Solution(
        spec: spec, nu: -1 / theta1, omega: physical[omegaIndex].real, eta: final.eta, eigenvalues: physical,
        redundantEigenvalues: final.redundant, unresolvedEigenvalues: final.unresolved, eigenvalueErrors: errors, nuError: errors.map { $0[0] / (theta1 * theta1) },
        omegaError: errors.map { $0[omegaIndex] }, etaError: etaError, basisSize: final.basisSize, domainLength: mainLength,
        shortfall: shortfall, minimum: final.minimum, originCouplings: final.originCouplings, samples: final.samples,
        residual: final.residual)
}

/// Steps of the continuation in `σ` from the LPA (`σ = 0`) to the cutoff's value; a step after which
/// an eigenvalue's predecessor is not unique is halved, at most ``continuationRefinements`` times.
let continuationSteps = 20
let continuationRefinements = 6

/// Which tower an eigenvalue belongs to (see ``PolchinskiDerivative2Solution``): unresolved once
/// its predecessor along the continuation was not unique (two eigenvalues of different towers met).
enum Tower: Sendable { case potential, redundant, unresolved }

/// The solution at the first basis size, kept to start the others, with the tower labels of its
/// eigenvalues (increasing real part).
private struct Derivative2Start: Sendable {
    var equations: Derivative2Equations
    var state: [Double]
    var labels: [(value: Complex<Double>, tower: Tower)]

    var eta: Double { state[2 * equations.size] }

    /// The `y` part as an LPA solution at `d + η`: its first- and second-derivative coefficients are
    /// those of the O(∂²) `y` equation, so the LPA's suppression profile applies.
    var lpaView: GridSolution {
        let n = equations.size
        let grid = ChebyshevGrid(basisSize: n - 1, length: equations.rho[0])
        let dEff = equations.d + eta
        return GridSolution(scheme: .polchinski, dimension: dEff,
                            equations: CollocatedFixedPointEquations(scheme: .polchinski, dimension: dEff, grid: grid),
                            w: Array(state[0..<n]))
    }

    /// The state on another grid: `y` as the LPA's interpolant (continued with its asymptotics),
    /// `z` interpolated and held at its end value beyond the domain, `η` unchanged.
    func interpolated(basisSize n: Int, length: Double) -> [Double] {
        let view = lpaView
        let y = view.interpolated(basisSize: n, length: length)
        let size = equations.size
        let z = Array(state[size..<(2 * size)])
        let nodes = ChebyshevGrid(basisSize: n, length: length).nodes
        let zNew = nodes.map { r in r <= equations.rho[0] ? view.equations.interpolate(z, at: r) : z[0] }
        return y + zNew + Array(state[(2 * size)...])
    }
}

/// The LPA start, then `σ` from 0 to the cutoff's value, carrying the tower labels.
private func derivative2FirstSolve(_ spec: PolchinskiDerivative2Spec, count: Int) throws -> Derivative2Start {
    let n = spec.basisSize
    let lpa = try firstSolve(scheme: .polchinski, dimension: spec.dimension, basisSize: n)
    let grid = ChebyshevGrid(basisSize: n, length: lpa.length)
    var state = lpa.w + [Double](repeating: 1, count: grid.size) + [0]
    if spec.normalization == .minimum {
        let kappa = lpa.equations.minimum(lpa.w)
        guard kappa > 0 else {
            throw FullPotentialError.unsupportedDimension(spec.dimension, reason: "the LPA potential has no minimum away from φ = 0 to normalize z at")
        }
        state.append(kappa)
    }
    var equations = Derivative2Equations(dimension: spec.dimension, gamma: spec.gamma, sigma: 0, grid: grid,
                                         normalization: spec.normalization)
    state = try derivative2Newton(equations, from: state, basisSize: n)
    // σ = 0: block triangular, each block's eigenvalues are its tower.
    let reduced = equations.stabilityMatrix(at: state)
    let m = reduced.count.squareRootOfSquare
    let ny = grid.size, nz = m - ny
    let yBlock = (0..<ny).flatMap { i in (0..<ny).map { reduced[i * m + $0] } }
    let zBlock = (0..<nz).flatMap { i in (0..<nz).map { reduced[(ny + i) * m + ny + $0] } }
    let potentialBlock = try linearAlgebra { try eigenvaluesWithConditions(yBlock, dimension: ny, conditionsOf: 0).values }
    let redundantBlock = try linearAlgebra { try eigenvaluesWithConditions(zBlock, dimension: nz, conditionsOf: 0).values }
    var labels: [(value: Complex<Double>, tower: Tower)] = potentialBlock.map { (value: $0, tower: Tower.potential) }
        + redundantBlock.map { (value: $0, tower: Tower.redundant) }
    labels.sort { ($0.value.real, $0.value.imaginary) < ($1.value.real, $1.value.imaginary) }
    let fullStep = spec.sigma / Double(continuationSteps)
    var sigma = 0.0, step = fullStep
    while sigma < spec.sigma {
        let next = min(spec.sigma, sigma + step)
        let trial = Derivative2Equations(dimension: spec.dimension, gamma: spec.gamma, sigma: next, grid: grid,
                                         normalization: spec.normalization)
        let trialState: [Double]
        do {
            trialState = try derivative2Newton(trial, from: state, basisSize: n)
        } catch let error as FullPotentialError {
            // A smaller step, unless the branch followed from σ = 0 has ended (a fold).
            guard step > fullStep / Double(1 << continuationRefinements) else {
                guard case let .derivative2SolutionNotFound(d, failed, _, _, failure) = error else { throw error }
                throw FullPotentialError.derivative2SolutionNotFound(dimension: d, sigma: failed, reached: sigma, basisSize: n, failure: failure)
            }
            step /= 2
            continue
        }
        let values = try linearAlgebra {
            try eigenvaluesWithConditions(trial.stabilityMatrix(at: trialState), dimension: m, conditionsOf: 0).values
        }
        let (towers, ambiguous) = carryTowers(labels, to: values, checked: checkedCount(labels, count: count))
        if ambiguous, step > fullStep / Double(1 << continuationRefinements) {
            step /= 2
            continue
        }
        (sigma, equations, state) = (next, trial, trialState)
        labels = zip(values, towers).map { (value: $0, tower: $1) }
        if !ambiguous { step = min(fullStep, 2 * step) }
    }
    return Derivative2Start(equations: equations, state: state, labels: labels)
}

/// How many of the lowest eigenvalues must be labelled unambiguously: up to the `count`-th of the
/// potential tower and one beyond (higher ones may meet and turn complex without harm: near σ = 1.87
/// in d = 3 the 14th and 15th do).
func checkedCount(_ labels: [(value: Complex<Double>, tower: Tower)], count: Int) -> Int {
    var found = 0
    for (k, label) in labels.enumerated() where label.tower == .potential {
        found += 1
        if found == count { return min(labels.count, k + 2) }
    }
    return labels.count
}

/// Each eigenvalue of `current` (increasing real part) takes the tower of its nearest one in
/// `previous`. Among the lowest `checked`, one whose nearest is shared with another, or not closer
/// than half its second nearest, is ``Tower/unresolved`` (and `ambiguous` is true): the step moved
/// the spectrum too far, or two eigenvalues met, to tell which came from where.
func carryTowers(_ previous: [(value: Complex<Double>, tower: Tower)], to current: [Complex<Double>],
                 checked: Int) -> (towers: [Tower], ambiguous: Bool) {
    var nearest: [Int] = [], clear: [Bool] = []
    for value in current {
        var best = (index: -1, distance: Double.infinity), second = Double.infinity
        for (j, entry) in previous.enumerated() {
            let distance = (entry.value - value).length
            if distance < best.distance {
                second = best.distance
                best = (j, distance)
            } else if distance < second {
                second = distance
            }
        }
        nearest.append(best.index)
        clear.append(best.index >= 0 && best.distance < 0.5 * second)
    }
    var uses: [Int: Int] = [:]
    for k in 0..<min(checked, current.count) { uses[nearest[k], default: 0] += 1 }
    var ambiguous = false
    let towers = current.indices.map { k -> Tower in
        guard nearest[k] >= 0 else { return .unresolved }
        if k < checked, !clear[k] || uses[nearest[k]]! > 1 {
            ambiguous = true
            return .unresolved
        }
        return previous[nearest[k]].tower
    }
    return (towers, ambiguous)
}

private func linearAlgebra<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as LinearAlgebraError { throw FullPotentialError.linearAlgebra(error) }
}

private func derivative2Newton(_ equations: Derivative2Equations, from start: [Double], basisSize n: Int) throws -> [Double] {
    switch newtonSolve(equations, from: start, options: collocationNewtonOptions) {
    case let .success((root, _)): return root
    case let .failure(failure):
        throw FullPotentialError.derivative2SolutionNotFound(dimension: equations.d, sigma: equations.sigma, reached: nil,
                                                             basisSize: n, failure: failure)
    }
}

private struct Derivative2Collocated: CollocatedSpectrum {
    /// The lowest `count` eigenvalues of the potential tower and their condition numbers.
    var eigenvalues: [Complex<Double>]
    var conditions: [Double]
    var redundant: [Complex<Double>]
    var unresolved: [Complex<Double>]
    var eta: Double
    var basisSize: Int
    var minimum: Double
    var originCouplings: [Double]
    var samples: [Derivative2Sample]
    var residual: Double
}

private func solveDerivative2(_ spec: PolchinskiDerivative2Spec, basisSize n: Int, length: Double, start: [Double],
                              labels: [(value: Complex<Double>, tower: Tower)], count: Int, tracked: Int,
                              conditions wanted: Int) throws -> Derivative2Collocated {
    let grid = ChebyshevGrid(basisSize: n, length: length)
    let equations = Derivative2Equations(dimension: spec.dimension, gamma: spec.gamma, sigma: spec.sigma, grid: grid,
                                         normalization: spec.normalization)
    let state = try derivative2Newton(equations, from: start, basisSize: n)
    let residual = equations.beta(at: state).map(abs).max() ?? 0
    let matrix = equations.stabilityMatrix(at: state)
    let m = 2 * grid.size - 1
    let spectrum = try linearAlgebra {
        try eigenvaluesWithConditions(matrix, dimension: m, conditionsOf: wanted > 0 ? tracked : 0)
    }
    // The basis sizes move the converged eigenvalues far less than their gaps: every label carries.
    let (towers, ambiguous) = carryTowers(labels, to: spectrum.values, checked: tracked)
    let physical = (0..<tracked).filter { towers[$0] == .potential }
    let redundant = (0..<tracked).filter { towers[$0] == .redundant }
    let unresolved = (0..<tracked).filter { towers[$0] == .unresolved }
    guard !ambiguous, physical.count >= count else {
        throw FullPotentialError.ambiguousTowers(dimension: spec.dimension, sigma: spec.sigma)
    }
    let chosen = Array(physical.prefix(count))
    let size = grid.size
    let y = Array(state[0..<size]), z = Array(state[size..<(2 * size)])
    let eta = state[2 * size]
    let view = CollocatedFixedPointEquations(scheme: .polchinski, dimension: spec.dimension, grid: grid)
    let atOriginY = view.derivatives(y, at: 0, count: 3), atOriginZ = view.derivatives(z, at: 0, count: 3)
    return Derivative2Collocated(
        eigenvalues: chosen.map { spectrum.values[$0] },
        conditions: wanted > 0 ? chosen.map { spectrum.conditions[$0] } : [],
        redundant: redundant.prefix(count).map { spectrum.values[$0] },
        unresolved: unresolved.map { spectrum.values[$0] }, eta: eta, basisSize: n,
        minimum: spec.normalization == .minimum ? state[2 * size + 1] : view.minimum(y), originCouplings: [atOriginY[0], 3 * atOriginY[1], 15 * atOriginY[2], atOriginZ[1], atOriginZ[2]],
        samples: equations.samples(state), residual: residual)
}

/// The collocated O(∂²) fixed-point equations as a ``VectorField``: unknowns `y_j = ∂_ρ v(ρ_j)`,
/// `z_j = z(ρ_j)` (nodes from `ρ_max` down to 0, ``ChebyshevGrid``) and `η` last; equations (primes
/// `d/dρ`, `w = y + 2ρy′ = v″`)
///
///     F_y = −(2−η) y + (d−2+η) ρ y′ − 3y′ − 2ρ y″ + 2y² + 4ρ y y′ − γ z′
///     F_z = η z + (d−2+η) ρ z′ − z′ − 2ρ z″ + 4ρ y z′ + 4w (z − 1) − σ w²
///     F_η = z(0) − 1
///
/// (normalized at the minimum: one more unknown `κ` after `η`, and `F_η = y(κ)`, `F_κ = z(κ) − 1`,
/// both by barycentric interpolation)
/// (`F_y` is `∂_ρ` of the `v` equation; `F_z` the `z` equation with `φ z′ = 2ρ ∂_ρ z`,
/// `z″ = ∂_ρ z + 2ρ ∂²_ρ z`, `v′z′ = 2ρ y ∂_ρ z`), with the asymptotic boundary rows at `ρ_max`.
struct Derivative2Equations: VectorField {
    let d: Double
    let gamma: Double
    let sigma: Double
    let size: Int
    let rho: [Double]
    let first: [Double]
    let second: [Double]
    let atMinimum: Bool
    /// Barycentric weights of the Chebyshev–Lobatto nodes.
    let weights: [Double]

    init(dimension: Double, gamma: Double, sigma: Double, grid: ChebyshevGrid, normalization: ExpansionPoint = .zero) {
        atMinimum = normalization == .minimum
        weights = (0..<grid.size).map { j in (j % 2 == 0 ? 1.0 : -1.0) * ((j == 0 || j == grid.size - 1) ? 0.5 : 1.0) }
        d = dimension
        self.gamma = gamma
        self.sigma = sigma
        size = grid.size
        rho = grid.nodes
        first = grid.first
        second = grid.second
    }

    var dimension: Int { 2 * size + (atMinimum ? 2 : 1) }
    var coordinateNames: [String] {
        (0..<size).map { "y(rho_\($0))" } + (0..<size).map { "z(rho_\($0))" } + ["eta"] + (atMinimum ? ["kappa"] : [])
    }

    /// The interpolation weight of node `j` at `x` (barycentric; `j` itself when `x` is a node), and
    /// `f(x)`, `f′(x)` of the function at `offset` in `u`. Allocates nothing.
    @inline(__always)
    private func weight(_ j: Int, at x: Double) -> Double {
        var total = 0.0
        for k in 0..<size {
            if x == rho[k] { return j == k ? 1 : 0 }
            total += weights[k] / (x - rho[k])
        }
        return weights[j] / (x - rho[j]) / total
    }

    private func valueAndSlope(_ u: UnsafeBufferPointer<Double>, offset: Int, at x: Double) -> (Double, Double) {
        var value = 0.0, slope = 0.0
        for j in 0..<size {
            let b = weight(j, at: x)
            if b == 0 { continue }
            value += b * u[offset + j]
            var f1 = 0.0
            for l in 0..<size { f1 += first[j * size + l] * u[offset + l] }
            slope += b * f1
        }
        return (value, slope)
    }

    /// `a = (2−η)/(d+2−η)`: `y − y∞`, `z − z∞ ∝ ρ^{−a}` at large field, and `∂a/∂η`.
    private func decay(_ eta: Double) -> (a: Double, slope: Double) {
        let q = d + 2 - eta
        return ((2 - eta) / q, -d / (q * q))
    }

    /// `f′`, `f″` at node `i` (the boundary node's `f″` from the asymptotics).
    @inline(__always)
    private func derivatives(_ f: UnsafeBufferPointer<Double>, offset: Int, _ i: Int, a: Double) -> (Double, Double) {
        var f1 = 0.0, f2 = 0.0
        let row = i * size
        for j in 0..<size {
            f1 += first[row + j] * f[offset + j]
            f2 += second[row + j] * f[offset + j]
        }
        if i == 0 { f2 = (-a - 1) * f1 / rho[0] }
        return (f1, f2)
    }

    func evaluate(_ u: UnsafeBufferPointer<Double>, into f: UnsafeMutableBufferPointer<Double>) {
        let eta = u[2 * size]
        let a = decay(eta).a
        for i in 0..<size {
            let (y1, y2) = derivatives(u, offset: 0, i, a: a)
            let (z1, z2) = derivatives(u, offset: size, i, a: a)
            let r = rho[i], y = u[i], z = u[size + i]
            let w = y + 2 * r * y1
            f[i] = -(2 - eta) * y + (d - 2 + eta) * r * y1 - 3 * y1 - 2 * r * y2 + 2 * y * y + 4 * r * y * y1 - gamma * z1
            f[size + i] = eta * z + (d - 2 + eta) * r * z1 - z1 - 2 * r * z2 + 4 * r * y * z1 + 4 * w * (z - 1) - sigma * w * w
        }
        if atMinimum {
            let kappa = u[2 * size + 1]
            f[2 * size] = valueAndSlope(u, offset: 0, at: kappa).0
            f[2 * size + 1] = valueAndSlope(u, offset: size, at: kappa).0 - 1
        } else {
            f[2 * size] = u[2 * size - 1] - 1
        }
    }

    func jacobian(_ u: UnsafeBufferPointer<Double>, into jac: UnsafeMutableBufferPointer<Double>) {
        let m = dimension
        for k in 0..<(m * m) { jac[k] = 0 }
        let eta = u[2 * size]
        let (a, slope) = decay(eta)
        for i in 0..<size {
            let (y1, _) = derivatives(u, offset: 0, i, a: a)
            let (z1, _) = derivatives(u, offset: size, i, a: a)
            let r = rho[i], y = u[i], z = u[size + i]
            let w = y + 2 * r * y1
            let rowY = i * m, rowZ = (size + i) * m
            let gridRow = i * size
            let cy = (d - 2 + eta) * r - 3 + 4 * r * y
            let cz = (d - 2 + eta) * r - 1 + 4 * r * y
            let source = 4 * (z - 1) - 2 * sigma * w          // ∂F_z/∂w
            for j in 0..<size {
                let d1 = first[gridRow + j]
                let d2 = i == 0 ? (-a - 1) * d1 / rho[0] : second[gridRow + j]
                jac[rowY + j] = cy * d1 - 2 * r * d2
                jac[rowY + size + j] = -gamma * d1
                jac[rowZ + j] = source * 2 * r * d1
                jac[rowZ + size + j] = cz * d1 - 2 * r * d2
            }
            jac[rowY + i] += -(2 - eta) + 4 * y + 4 * r * y1
            jac[rowZ + i] += 4 * r * z1 + source
            jac[rowZ + size + i] += eta + 4 * w
            // ∂/∂η, with the boundary rows' exponent a(η): −2ρ ∂f″/∂η = 2 (∂a/∂η) f′ there.
            jac[rowY + 2 * size] = y + r * y1 + (i == 0 ? 2 * slope * y1 : 0)
            jac[rowZ + 2 * size] = z + r * z1 + (i == 0 ? 2 * slope * z1 : 0)
        }
        if atMinimum {
            let kappa = u[2 * size + 1]
            for j in 0..<size {
                let b = weight(j, at: kappa)
                jac[2 * size * m + j] = b
                jac[(2 * size + 1) * m + size + j] = b
            }
            jac[2 * size * m + 2 * size + 1] = valueAndSlope(u, offset: 0, at: kappa).1
            jac[(2 * size + 1) * m + 2 * size + 1] = valueAndSlope(u, offset: size, at: kappa).1
        } else {
            jac[2 * size * m + 2 * size - 1] = 1
        }
    }

    /// The stability matrix of the flow at `state`, row-major, on `2N + 1` of the `2N + 2` nodal
    /// values `(δy, δz)`. The normalization holds along the flow: at `φ = 0`, `δz(0) = 0`; at the
    /// minimum, `z(κ_t) = 1` with `y(κ_t) = 0`, so `δz(κ) + z′(κ) δκ = 0` with `δκ = −δy(κ)/y′(κ)`.
    /// Either is a hyperplane `c·δu = 0`, and `δη` keeps the flow in it: `c·(J δu + J_η δη) = 0`. So
    /// `A = (1 − J_η cᵀ/(c·J_η)) J` on the hyperplane, written in the coordinates other than the one
    /// where `|c|` is largest (that one follows from the others).
    func stabilityMatrix(at state: [Double]) -> [Double] {
        let jac = jacobian(at: state)
        let m = dimension, nu = 2 * size, eta = 2 * size
        var c = [Double](repeating: 0, count: nu)
        if atMinimum {
            let kappa = state[2 * size + 1]
            let (ys, zs) = state.withUnsafeBufferPointer { u in
                (valueAndSlope(u, offset: 0, at: kappa).1, valueAndSlope(u, offset: size, at: kappa).1)
            }
            for j in 0..<size {
                let b = weight(j, at: kappa)
                c[j] = -zs / ys * b
                c[size + j] = b
            }
        } else {
            c[2 * size - 1] = 1
        }
        let pivot = c.indices.max { abs(c[$0]) < abs(c[$1]) }!
        let keep = (0..<nu).filter { $0 != pivot }
        // G = J T: the column of the pivot coordinate folded into the others.
        var g = [Double](repeating: 0, count: nu * keep.count)
        for row in 0..<nu {
            for (q, column) in keep.enumerated() {
                g[row * keep.count + q] = jac[row * m + column] - jac[row * m + pivot] * c[column] / c[pivot]
            }
        }
        var cEta = 0.0
        for row in 0..<nu { cEta += c[row] * jac[row * m + eta] }
        var a = [Double](repeating: 0, count: keep.count * keep.count)
        for q in keep.indices {
            var cg = 0.0
            for row in 0..<nu { cg += c[row] * g[row * keep.count + q] }
            for (p, row) in keep.enumerated() {
                a[p * keep.count + q] = g[row * keep.count + q] - jac[row * m + eta] * cg / cEta
            }
        }
        return a
    }

    /// `v − v(0)`, `v″`, `z` at the nodes, increasing `φ`; `v` from the `v` equation at the fixed
    /// point: `d v = (d−2+η) ρ y − w + 2ρ y² − γ (z − 1)`.
    func samples(_ state: [Double]) -> [Derivative2Sample] {
        let eta = state[2 * size]
        let a = decay(eta).a
        let values: [(Double, Double, Double, Double, Double)] = state.withUnsafeBufferPointer { u in
            (0..<size).reversed().map { i in
                let (y1, _) = derivatives(u, offset: 0, i, a: a)
                let r = rho[i], y = u[i], z = u[size + i]
                let w = y + 2 * r * y1
                let v = ((d - 2 + eta) * r * y - w + 2 * r * y * y - gamma * (z - 1)) / d
                let phi = (2 * r).squareRoot()
                return (phi, v, phi * y, w, z)
            }
        }
        let origin = values[0].1
        return values.map { Derivative2Sample(phi: $0.0, potentialMinusOrigin: $0.1 - origin, firstDerivative: $0.2,
                                              secondDerivative: $0.3, kinetic: $0.4) }
    }
}

private extension Int {
    /// `√self` for a perfect square (the side of a square matrix from its entry count).
    var squareRootOfSquare: Int { Int(Double(self).squareRoot().rounded()) }
}
