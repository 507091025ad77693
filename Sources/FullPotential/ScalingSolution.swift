import ComplexModule
import Dispatch
import FixedPoints
import Foundation
import LapackRuntime
import RealModule
import Truncation

/// What to compute for a scaling solution of the LPA.
///
/// The solution is computed for the derivative `w(ρ) = ∂u/∂ρ` of the potential in `ρ = φ²/2`
/// (Polchinski: `y = ∂v/∂ρ`). In `ρ` only the Z2-even sector exists, and the derivative drops the
/// field-independent vacuum-energy mode (eigenvalue `−d`), so every eigenvalue of the discretized
/// stability operator is a physical even one: no shift or redundant mode has to be filtered out.
public struct ScalingSolutionSpec: Sendable {
    /// Largest polynomial degree the basis may grow to (checked before any matrix is allocated).
    public static let maximumBasisSize = 400
    /// Smallest starting degree.
    public static let minimumBasisSize = 16
    /// Suppression `S` (see ``domainLength``) at the end of the main domain: the boundary error
    /// decays like `e^{−0.8 S}` (measured for the first six eigenvalues in both schemes), so at
    /// `S = 50` it is far below rounding.
    public static let domainSuppression = 50.0
    /// Suppression at the end of the shorter domain whose change estimates the boundary error: its
    /// own boundary error is about `e^{8}` times that of the main domain, so the change bounds it.
    public static let shortDomainSuppression = 40.0

    public var scheme: LPAScheme
    /// Dimension `d`, real, `2 < d < 4` (the Wilson–Fisher range).
    public var dimension: Double
    /// Polynomial degree `N` of the first Chebyshev collocation (`N + 1` nodes); the basis grows by
    /// factors 3/2 from here up to ``maximumBasisSize`` until the reported eigenvalues converge.
    public var basisSize: Int
    /// Right end of the domain `[0, ρ_max]` in the scheme's solver variable (Wetterich `ρ/K_d`, the
    /// loop factor `K_d` scaled out; Polchinski `ρ`). Nil: adapted to the solution. The boundary
    /// condition at `ρ_max` excites the second solution of the fixed-point ODE, which decays inward
    /// like `exp(−S)`, `S(ρ_max) = ∫_{ρ₀}^{ρ_max} dρ` of the ratio of the first- to the
    /// second-derivative coefficient of the linearized equation (Wetterich `(d−2)(1+w+2ρw')²/2`,
    /// Polchinski `((d−2)ρ − 3 + 4ρy)/(2ρ)`), from the minimum `ρ₀`. The domain ends where
    /// `S` reaches ``domainSuppression``. A longer domain only costs: near `d = 2` (Wetterich) the
    /// irrelevant eigenfunctions grow like `ρ^{(θ+2)/(d−2)}` and lose digits to rounding.
    public var domainLength: Double?
    /// Also grow the basis and shorten the domain to estimate the error of every reported
    /// eigenvalue (see ``ScalingSolution/eigenvalueErrors``). Without it: one solve at `basisSize`.
    public var estimatesError: Bool
    /// How many eigenvalues (lowest real parts) are reported and must converge: `θ₁` (giving ν),
    /// `ω` and the next ones. At least 2.
    public var eigenvalueCount: Int
    /// Converged when the error estimate of every reported eigenvalue (see
    /// ``ScalingSolution/eigenvalueErrors``) is at most `tolerance · max(1, |θ|)`.
    public var tolerance: Double

    public init(scheme: LPAScheme = .wetterich, dimension: Double = 3, basisSize: Int? = nil,
                domainLength: Double? = nil, estimatesError: Bool = true, eigenvalueCount: Int = 5,
                tolerance: Double = 1e-8) {
        self.scheme = scheme
        self.dimension = dimension
        self.basisSize = basisSize ?? (scheme == .wetterich ? 40 : 60)
        self.domainLength = domainLength
        self.estimatesError = estimatesError
        self.eigenvalueCount = eigenvalueCount
        self.tolerance = tolerance
    }

    /// The basis sizes tried from `first` on, in order: `N, 3N/2, …`, the last one at most
    /// ``maximumBasisSize``.
    func basisSizes(from first: Int) -> [Int] {
        var sizes = [first]
        while estimatesError, sizes.last! < Self.maximumBasisSize {
            sizes.append(min(Self.maximumBasisSize, sizes.last! * 3 / 2))
        }
        return sizes
    }
}

/// One point of the scaling potential, in the dimensionless conventions of PHYSICS.md §1
/// (Wetterich: `K_d` kept; Polchinski: normalized form). Derivatives are with respect to `φ`.
public struct PotentialSample: Sendable, Equatable {
    public var phi: Double
    /// `ρ = φ²/2`.
    public var rho: Double
    /// `u(φ)` (Polchinski: `v(φ)`), with the vacuum energy fixed by the fixed-point equation.
    public var potential: Double
    /// `u'(φ) = φ ∂_ρ u`.
    public var firstDerivative: Double
    /// `u''(φ) = ∂_ρ u + 2ρ ∂²_ρ u`.
    public var secondDerivative: Double
}

/// The Wilson–Fisher scaling solution of the LPA and the spectrum of the flow linearized at it.
public struct ScalingSolution: Sendable {
    public var spec: ScalingSolutionSpec
    /// `ν = −1/θ₁`, `θ₁` the single negative (relevant) eigenvalue in the even sector.
    public var nu: Double
    /// `ω`: the smallest positive eigenvalue.
    public var omega: Double
    /// The ``ScalingSolutionSpec/eigenvalueCount`` eigenvalues `θ` of the stability operator with the
    /// lowest real parts (`t = ln k`: relevant `θ < 0`), increasing; always that many, converged or
    /// not (``shortfall`` says which did not).
    public var eigenvalues: [Complex<Double>]
    /// Error estimate of each eigenvalue (nil without the error estimate): the sum of its change
    /// between the last two basis sizes, its change when the domain is shortened to
    /// ``ScalingSolutionSpec/shortDomainSuppression``, and the rounding floor `N ε κ`, with `κ` the
    /// componentwise condition number `|y|ᵀ|J||x| / |yᴴx|` of the eigenvalue (`x`, `y` its right
    /// and left eigenvectors): the change of `θ` when every entry of the stability matrix `J` moves
    /// by the rounding `N ε` of the length-`N` sums that form it.
    public var eigenvalueErrors: [Double]?
    /// Error estimates of ν (`δθ₁/θ₁²`) and ω, from ``eigenvalueErrors``.
    public var nuError: Double?
    public var omegaError: Double?
    /// The basis size `N` of the reported solution and the domain end `ρ_max` (solver variable).
    public var basisSize: Int
    public var domainLength: Double
    /// Nil when every reported eigenvalue reached the tolerance; otherwise which did not, their
    /// errors, and why the basis stopped growing.
    public var shortfall: String?
    /// The minimum `ρ₀ = φ₀²/2` of the scaling potential (0 if it is at the origin).
    public var minimum: Double
    /// The potential at the collocation nodes, increasing `φ`.
    public var samples: [PotentialSample]
    /// Taylor coefficients about the minimum, `[κ, λ₂, λ₃, λ₄]` with `κ = ρ₀` and
    /// `λ_n = ∂ⁿu/∂ρⁿ(κ)` (so `u = u(κ) + Σ λ_n (ρ − κ)ⁿ/n!`), from spectral derivatives of the
    /// collocation solution: the values the expansion about the minimum converges to. Each
    /// derivative costs digits; at the default resolution (d = 3) κ and λ₂ are good to about
    /// 1e-8, λ₃ to 1e-5, λ₄ to 1e-4 (relative).
    public var minimumCouplings: [Double]
    /// `[ū₂, ū₄, ū₆]` at the origin, `ū_{2n} = ∂^{2n}u/∂φ^{2n}(0) = (2n−1)!! ∂ⁿu/∂ρⁿ(0)`: the values
    /// the expansion about `φ = 0` converges to (if it does); ū₂, ū₄ good to about 1e-9, ū₆ to 1e-4.
    public var originCouplings: [Double]
    /// `max |F|` of the collocation equations at the solution.
    public var residual: Double

    /// What `minimumCouplings` are: `κ̄, λ̄2, λ̄3, λ̄4` of the expansion about the minimum.
    public var minimumCouplingDescriptors: [CouplingDescriptor] {
        let scheme = spec.scheme.flowEquation
        return [.minimumLocation(scheme: scheme)] + (2...4).map { .potentialAtMinimum(derivative: $0, scheme: scheme) }
    }

    /// What `originCouplings` are: `ū2, ū4, ū6` (Polchinski: `v̄2, v̄4, v̄6`) of the expansion about `φ = 0`.
    public var originCouplingDescriptors: [CouplingDescriptor] {
        (1...3).map { .potential(order: 2 * $0, scheme: spec.scheme.flowEquation) }
    }
}

/// Solves the LPA fixed-point equation for the Wilson–Fisher scaling solution and its spectrum.
///
/// Method: Chebyshev collocation of the fixed-point ODE on `[0, ρ_max]`, Newton's method with
/// the exact Jacobian, and the eigenvalues of the same Jacobian (LAPACK): the collocated system
/// `∂_t w = F(w)` is the discretized flow, so its Jacobian at the fixed point is the stability
/// operator. At `ρ_max` the second-derivative row is replaced by the large-field asymptotics:
/// Wetterich `w ∝ ρ^{2/(d−2)}` gives `w'' = (2/(d−2) − 1) w'/ρ`, Polchinski
/// `y − 1 ∝ ρ^{−2/(d+2)}` gives `y'' = (−2/(d+2) − 1) y'/ρ`. The other solution of the ODE grows like
/// `exp(c ρ^{(d+2)/(d−2)})` (Wetterich) or `exp(2ρ)` (Polchinski) toward large field, so the error of
/// that boundary condition decays exponentially inward.
///
/// Steps: a first solve at `basisSize` on a generous domain (below `d = 3`, Wetterich, reached by
/// continuation in `d` whose domain follows the steepening solution) gives the suppression profile
/// `S(ρ)` and so the domain (``ScalingSolutionSpec/domainLength``); then the basis grows by 3/2
/// until the reported eigenvalues converge, each solve starting from the first one interpolated.
public func scalingSolution(_ spec: ScalingSolutionSpec) throws -> ScalingSolution {
    let d = spec.dimension
    try validateCollocation(dimension: d, basisSize: spec.basisSize, eigenvalueCount: spec.eigenvalueCount, tolerance: spec.tolerance,
                            domainLength: spec.domainLength, estimatesError: spec.estimatesError)
    let count = spec.eigenvalueCount
    // Near d = 2 the steep Wetterich solution can defeat Newton on the first basis: retry with 3/2
    // of it while the sequence can still grow from there; the sequence then starts at that size.
    var firstSize = spec.basisSize
    var found: GridSolution?
    while found == nil {
        do {
            found = try firstSolve(scheme: spec.scheme, dimension: d, basisSize: firstSize)
        } catch let error as FullPotentialError {
            guard case .scalingSolutionNotFound = error,
                  firstSize * 9 / 4 <= ScalingSolutionSpec.maximumBasisSize else { throw error }
            firstSize = firstSize * 3 / 2
        }
    }
    let first = found!
    let sizes = spec.basisSizes(from: firstSize)
    let profile = SuppressionProfile(first)
    let mainLength = spec.domainLength ?? profile.length(at: ScalingSolutionSpec.domainSuppression)
    // A given domain too short for S − 10 to mean anything is compared with 0.9 of itself.
    let shortTarget = profile.suppression(at: mainLength)
        - (ScalingSolutionSpec.domainSuppression - ScalingSolutionSpec.shortDomainSuppression)
    let shortLength = shortTarget > 5 ? profile.length(at: shortTarget) : 0.9 * mainLength
    @Sendable func solve(_ n: Int, _ length: Double, conditions: Int = 0) throws -> CollocatedSolution {
        try solveCollocated(scheme: spec.scheme, dimension: d, basisSize: n, length: length,
                            start: first.interpolated(basisSize: n, length: length), conditions: conditions)
    }

    guard spec.estimatesError else {
        let only = try solve(sizes[0], mainLength)
        let (nu, omega) = try exponents(only.eigenvalues, spec: spec)
        return ScalingSolution(spec: spec, nu: nu, omega: omega, eigenvalues: Array(only.eigenvalues.prefix(count)),
                               eigenvalueErrors: nil, nuError: nil, omegaError: nil, basisSize: sizes[0],
                               domainLength: mainLength, shortfall: nil, minimum: only.minimum, samples: only.samples,
                               minimumCouplings: only.minimumCouplings, originCouplings: only.originCouplings,
                               residual: only.residual)
    }
    let (best, roundingLimited) = try growBasis(sizes: sizes, count: count, tolerance: spec.tolerance) { n, short, conditions in
        try solve(n, short ? shortLength : mainLength, conditions: conditions)
    }
    let final = best.solution, errors = best.errors
    let eigenvalues = Array(final.eigenvalues.prefix(count))
    let (nu, omega) = try exponents(final.eigenvalues, spec: spec)
    let theta1 = eigenvalues[0].real
    let omegaIndex = eigenvalues.firstIndex { $0.imaginary == 0 && $0.real > 0 }
    let shortfall = shortfallDescription(eigenvalues: eigenvalues, errors: errors, tolerance: spec.tolerance,
                                         size: best.size, roundingLimited: roundingLimited)
    let finalSize = best.size
    return ScalingSolution(spec: spec, nu: nu, omega: omega, eigenvalues: eigenvalues, eigenvalueErrors: errors,
                           nuError: errors[0] / (theta1 * theta1), omegaError: omegaIndex.map { errors[$0] },
                           basisSize: finalSize, domainLength: mainLength, shortfall: shortfall,
                           minimum: final.minimum, samples: final.samples, minimumCouplings: final.minimumCouplings,
                           originCouplings: final.originCouplings, residual: final.residual)
}

func formatted(_ x: Double) -> String { String(format: "%.1e", x) }

/// A collocated solve whose lowest eigenvalues the basis-growth loop compares: `eigenvalues`
/// increasing in real part, `conditions` their componentwise condition numbers (when asked for).
protocol CollocatedSpectrum: Sendable {
    var eigenvalues: [Complex<Double>] { get }
    var conditions: [Double] { get }
}

/// One basis size of ``growBasis``: the solution there and the error estimate of its eigenvalues.
struct BasisStage<Solution: CollocatedSpectrum> {
    var solution: Solution
    /// The solution at the previous basis size, and that size on the shorter domain.
    var previous: Solution
    var short: Solution
    var size: Int
    var errors: [Double]
    /// How far the worst eigenvalue is from its tolerance (≤ 1: all converged).
    var excess: Double
}

/// The error estimate shared by the scaling solutions: the basis grows through `sizes` until the
/// `count` lowest eigenvalues converge. The error of each is the sum of its change from the previous
/// basis size, its change when that previous size is solved on the shorter domain, and the rounding
/// floor `N ε κ` (`κ` its componentwise condition number). Stage k solves `N_k` on the main domain
/// and, beside it on the other core, `N_{k−1}` on the short one, so the domain change costs no extra
/// wall time. `solve(N, short, conditions)` solves at degree `N` on the short (`true`) or main
/// domain, with condition numbers for that many eigenvalues. Stops early, keeping the better stage,
/// when a larger basis no longer helps (`roundingLimited`: the rounding of the differentiation
/// matrices grows faster than the truncation error falls).
func growBasis<Solution: CollocatedSpectrum>(
    sizes: [Int], count: Int, tolerance: Double,
    solve: @escaping @Sendable (_ size: Int, _ short: Bool, _ conditions: Int) throws -> Solution
) throws -> (best: BasisStage<Solution>, roundingLimited: Bool) {
    var previous = try solve(sizes[0], false, 0)
    var best: BasisStage<Solution>?
    var roundingLimited = false
    for k in 1..<sizes.count {
        nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<Result<Solution, Error>?>.allocate(capacity: 2)
        slots.initialize(repeating: nil)
        defer { slots.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 2) { j in
            slots[j] = Result { j == 0 ? try solve(sizes[k], false, count) : try solve(sizes[k - 1], true, 0) }
        }
        let next = try slots[0]!.get(), short = try slots[1]!.get()
        let basisChange = distances(next.eigenvalues, previous.eigenvalues, count: count)
        let shortChange = distances(previous.eigenvalues, short.eigenvalues, count: count)
        let errors = (0..<count).map { basisChange[$0] + shortChange[$0] + Double(sizes[k]) * .ulpOfOne * next.conditions[$0] }
        let excess = (0..<count).map { errors[$0] / (tolerance * max(1, next.eigenvalues[$0].length)) }.max()!
        let stage = BasisStage(solution: next, previous: previous, short: short, size: sizes[k], errors: errors, excess: excess)
        if let best, excess >= best.excess {
            roundingLimited = true
            break
        }
        best = stage
        if excess <= 1 { break }
        previous = next
    }
    return (best!, roundingLimited)
}

/// Nil when every eigenvalue's error is within `tolerance · max(1, |θ|)`; otherwise which are not,
/// their errors, and why the basis stopped growing at `size`.
func shortfallDescription(eigenvalues: [Complex<Double>], errors: [Double], tolerance: Double, size: Int,
                          roundingLimited: Bool) -> String? {
    let unconverged = errors.indices.filter { errors[$0] > tolerance * max(1, eigenvalues[$0].length) }
    guard !unconverged.isEmpty else { return nil }
    let which = unconverged.map { "θ\($0 + 1) (error \(formatted(errors[$0])))" }.joined(separator: ", ")
    let reason = roundingLimited
        ? "the next basis size after N = \(size) did not reduce the errors (the rounding of the differentiation matrices grows with N)"
        : "N = \(size) is the largest basis"
    return "\(which) did not reach the tolerance \(formatted(tolerance))·max(1, |θ|): \(reason)"
}

/// `|a_i − b_i|` for the `count` lowest eigenvalues (both sorted by real part).
func distances(_ a: [Complex<Double>], _ b: [Complex<Double>], count: Int) -> [Double] {
    (0..<count).map { hypot(a[$0].real - b[$0].real, a[$0].imaginary - b[$0].imaginary) }
}

private func exponents(_ eigenvalues: [Complex<Double>], spec: ScalingSolutionSpec) throws -> (nu: Double, omega: Double) {
    let real = eigenvalues.filter { abs($0.imaginary) <= 1e-9 * (1 + abs($0.real)) }.map(\.real)
    let relevant = eigenvalues.filter { $0.real < 0 }
    guard relevant.count == 1, let theta1 = real.first, theta1 < 0, let omega = real.first(where: { $0 > 0 }) else {
        throw FullPotentialError.unexpectedSpectrum(scheme: spec.scheme, dimension: spec.dimension, relevantCount: relevant.count)
    }
    return (-1 / theta1, omega)
}

private struct CollocatedSolution: CollocatedSpectrum {
    var eigenvalues: [Complex<Double>]
    /// Componentwise condition numbers of the lowest eigenvalues (empty unless asked for).
    var conditions: [Double]
    var minimum: Double
    var samples: [PotentialSample]
    var minimumCouplings: [Double]
    var originCouplings: [Double]
    var residual: Double
}

/// A solution on one grid, kept to start the others and to measure the suppression profile.
struct GridSolution: Sendable {
    var scheme: LPAScheme
    var dimension: Double
    var equations: CollocatedFixedPointEquations
    var w: [Double]
    var length: Double { equations.rho[0] }

    /// `w` at the nodes of another grid: the Chebyshev interpolant inside `[0, ρ_max]`, the
    /// large-field asymptotics (Wetterich `w ∝ ρ^{2/(d−2)}`, Polchinski `1 − y ∝ ρ^{−2/(d+2)}`) beyond.
    func interpolated(basisSize n: Int, length: Double) -> [Double] {
        let grid = ChebyshevGrid(basisSize: n, length: length)
        let end = self.length, wEnd = w[0]
        return grid.nodes.map { r in
            if r <= end { return equations.interpolate(w, at: r) }
            switch scheme {
            case .wetterich: return wEnd * pow(r / end, 2 / (dimension - 2))
            case .polchinski: return 1 - (1 - wEnd) * pow(r / end, -2 / (dimension + 2))
            }
        }
    }
}

/// `S(ρ)` of ``ScalingSolutionSpec/domainLength`` from a solution, on a geometric grid from the
/// minimum to the end of its domain, continued beyond it with the large-field asymptotics.
struct SuppressionProfile {
    var scheme: LPAScheme
    var d: Double
    var rho: [Double] = []
    var s: [Double] = []
    /// The integrand at the domain end (Polchinski) or `(1 + w + 2ρw')` there (Wetterich).
    var endValue = 0.0

    init(_ solution: GridSolution) {
        scheme = solution.scheme
        d = solution.dimension
        let eq = solution.equations, w = solution.w
        let slope = (0..<eq.size).map { i in (0..<eq.size).reduce(0.0) { $0 + eq.first[i * eq.size + $1] * w[$1] } }
        let kd = scheme == .wetterich ? ballVolumeFactor(dimension: d) : 1
        let end = solution.length
        let start = max(eq.minimum(w) / kd, 1e-3 * end)
        let points = 4000
        let d = d, scheme = scheme
        func integrand(_ r: Double) -> (Double, Double) {
            let y = eq.interpolate(w, at: r), y1 = eq.interpolate(slope, at: r)
            switch scheme {
            case .wetterich:
                let den = 1 + y + 2 * r * y1
                return ((d - 2) * den * den / 2, den)
            case .polchinski:
                let f = ((d - 2) * r - 3 + 4 * r * y) / (2 * r)
                return (f, f)
            }
        }
        var total = 0.0
        var last = integrand(start).0
        rho = [start]
        s = [0]
        for j in 1...points {
            let r = start * pow(end / start, Double(j) / Double(points))
            let (f, value) = integrand(r)
            total += (f + last) / 2 * (r - rho[rho.count - 1])
            last = f
            rho.append(r)
            s.append(total)
            if j == points { endValue = value }
        }
    }

    /// `S` at `ρ` (beyond the domain: the asymptotic continuation).
    func suppression(at r: Double) -> Double {
        let end = rho[rho.count - 1]
        if r <= end {
            guard let j = rho.firstIndex(where: { $0 >= r }), j > 0 else { return 0 }
            return s[j - 1] + (s[j] - s[j - 1]) * (r - rho[j - 1]) / (rho[j] - rho[j - 1])
        }
        switch scheme {
        case .wetterich:
            // (1 + w + 2ρw') ∝ ρ^p, p = 2/(d−2), integrated in closed form.
            let q = 4 / (d - 2) + 1
            return s[s.count - 1] + (d - 2) / 2 * endValue * endValue * end / q * (pow(r / end, q) - 1)
        case .polchinski:
            // The integrand grows toward (d+2)/2: its value at the end is a lower bound.
            return s[s.count - 1] + endValue * (r - end)
        }
    }

    /// The `ρ` where `S` reaches `target` (the inverse of ``suppression(at:)``).
    func length(at target: Double) -> Double {
        let end = rho[rho.count - 1], total = s[s.count - 1]
        if target <= 0 { return rho[0] }
        if target <= total {
            let j = s.firstIndex { $0 >= target }!
            guard j > 0 else { return rho[0] }
            return rho[j - 1] + (rho[j] - rho[j - 1]) * (target - s[j - 1]) / (s[j] - s[j - 1])
        }
        switch scheme {
        case .wetterich:
            let q = 4 / (d - 2) + 1
            return end * pow(1 + (target - total) * q / ((d - 2) / 2 * endValue * endValue * end), 1 / q)
        case .polchinski:
            return end + (target - total) / max(endValue, 0.5)
        }
    }
}

/// The first solve: Newton from a guess at `d = 3` (Polchinski on `[0, 60]`, Wetterich on `[0, 8]`),
/// then continuation in `d` if needed. Wetterich below `d = 3` moves the domain with the solution at
/// every step (to where `S = 60`, generous), in steps of at most 0.1 and a quarter of `d − 2`: the
/// solution steepens like `ρ^{2/(d−2)}` and squeezes toward its minimum as `d → 2`. Wetterich at
/// `d ≥ 3` starts directly from the guess on `1.5/λ₂` (see ``initialGuess``).
func firstSolve(scheme: LPAScheme, dimension d: Double, basisSize n: Int) throws -> GridSolution {
    var path: [Double] = [d]
    var length: Double
    switch scheme {
    case .polchinski:
        length = 60
        if abs(d - 3) > 1e-12 {
            let steps = Int((abs(d - 3) / 0.1).rounded(.up))
            path = (0...steps).map { 3 + (d - 3) * Double($0) / Double(steps) }
        }
    case .wetterich:
        if d >= 3 {
            let D = 3 * (d - 2) / (4 * d - 10)
            length = 1.5 / ((4 - d) * D * D * D / 18)
        } else {
            length = 8
            path = [3]
            while path.last! > d + 1e-12 { path.append(max(d, path.last! - min(0.1, (path.last! - 2) / 4))) }
        }
    }
    var state = initialGuess(scheme: scheme, dimension: path[0], nodes: ChebyshevGrid(basisSize: n, length: length).nodes)
    var current: GridSolution?
    for dk in path {
        if scheme == .wetterich, let previous = current {
            var profile = SuppressionProfile(previous)
            profile.d = dk
            length = profile.length(at: 60)
            state = previous.interpolated(basisSize: n, length: length)
        }
        let equations = CollocatedFixedPointEquations(scheme: scheme, dimension: dk, grid: ChebyshevGrid(basisSize: n, length: length))
        state = try newton(equations, from: state, scheme: scheme, dimension: dk, basisSize: n)
        current = GridSolution(scheme: scheme, dimension: dk, equations: equations, w: state)
    }
    return current!
}

private func newton(_ equations: CollocatedFixedPointEquations, from start: [Double], scheme: LPAScheme,
                    dimension d: Double, basisSize n: Int) throws -> [Double] {
    switch newtonSolve(equations, from: start, options: collocationNewtonOptions) {
    case let .success((root, _)): return root
    case let .failure(failure):
        throw FullPotentialError.scalingSolutionNotFound(scheme: scheme, dimension: d, basisSize: n, failure: failure)
    }
}

/// Newton from `start` on `[0, length]`, the spectrum and the potential.
private func solveCollocated(scheme: LPAScheme, dimension d: Double, basisSize n: Int, length: Double,
                             start: [Double], conditions: Int) throws -> CollocatedSolution {
    let grid = ChebyshevGrid(basisSize: n, length: length)
    let equations = CollocatedFixedPointEquations(scheme: scheme, dimension: d, grid: grid)
    let state = try newton(equations, from: start, scheme: scheme, dimension: d, basisSize: n)
    let residual = equations.beta(at: state).map(abs).max() ?? 0
    let spectrum: (values: [Complex<Double>], conditions: [Double])
    do {
        spectrum = try eigenvaluesWithConditions(equations.jacobian(at: state), dimension: grid.size, conditionsOf: conditions)
    } catch let error as LinearAlgebraError {
        throw FullPotentialError.linearAlgebra(error)
    }
    let minimum = equations.minimum(state)
    let atMinimum = equations.derivatives(state, at: minimum, count: 4)
    let atOrigin = equations.derivatives(state, at: 0, count: 3)
    var doubleFactorial = 1.0
    let origin = atOrigin.enumerated().map { n, value -> Double in
        defer { doubleFactorial *= Double(2 * n + 3) }
        return doubleFactorial * value
    }
    return CollocatedSolution(eigenvalues: spectrum.values, conditions: spectrum.conditions, minimum: minimum,
                              samples: equations.samples(state), minimumCouplings: [minimum] + atMinimum.dropFirst(),
                              originCouplings: origin, residual: residual)
}

/// Eigenvalues of a dense row-major matrix by LAPACK `dgeev`, increasing real part; with `conditionsOf`
/// `> 0` also, for that many of them, the componentwise condition number `|y|ᵀ|A||x| / |yᴴx|`
/// (right and left eigenvectors `x`, `y`): `ε` times it is the change of the eigenvalue when every
/// entry of `A` moves by the relative amount `ε`.
func eigenvaluesWithConditions(_ matrix: [Double], dimension n: Int, conditionsOf wanted: Int) throws -> (values: [Complex<Double>], conditions: [Double]) {
    guard matrix.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFiniteInput(routine: "dgeev") }
    var a = matrix
    var wr = [Double](repeating: 0, count: n), wi = wr
    let vectors = wanted > 0
    var vl = [Double](repeating: 0, count: vectors ? n * n : 1)
    var vr = [Double](repeating: 0, count: vectors ? n * n : 1)
    let job = UInt8(ascii: vectors ? "V" : "N")
    let info = try Lapack.dgeev(Lapack.rowMajor, job, job, Int32(n), &a, Int32(n), &wr, &wi,
                                &vl, Int32(vectors ? n : 1), &vr, Int32(vectors ? n : 1))
    if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dgeev", argument: Int(-info)) }
    if info > 0 { throw LinearAlgebraError.eigenvaluesDidNotConverge(routine: "dgeev", info: Int(info)) }
    var order = Array(0..<n)
    order.sort { (wr[$0], wi[$0]) < (wr[$1], wi[$1]) }
    let values = order.map { Complex(wr[$0], wi[$0]) }
    guard vectors else { return (values, []) }
    // A complex pair's vectors are columns j (real part) and j+1 (imaginary part); the second of
    // the pair is the conjugate, which has the same condition number.
    func vector(_ v: [Double], _ k: Int) -> [Complex<Double>] {
        if wi[k] == 0 { return (0..<n).map { Complex(v[$0 * n + k], 0) } }
        let j = wi[k] > 0 ? k : k - 1
        let sign = wi[k] > 0 ? 1.0 : -1.0
        return (0..<n).map { Complex(v[$0 * n + j], sign * v[$0 * n + j + 1]) }
    }
    let conditions = order.prefix(wanted).map { k -> Double in
        let x = vector(vr, k), y = vector(vl, k)
        var numerator = 0.0
        for i in 0..<n {
            var row = 0.0
            for j in 0..<n { row += abs(matrix[i * n + j]) * x[j].length }
            numerator += y[i].length * row
        }
        var dot = Complex<Double>.zero
        for i in 0..<n { dot += y[i].conjugate * x[i] }
        return numerator / dot.length
    }
    return (values, conditions)
}

/// Starting points for Newton that lie in the basin of the Wilson–Fisher solution.
///
/// Wetterich: the order-2 expansion about the minimum, `w = λ(ρ − κ)`, whose fixed point is
/// `D = 1 + 2κλ = 3(d−2)/(4d−10)`, `κ = 3/((d−2)D²)`, `λ = (4−d)D³/18` (in `ρ/K_d`).
/// Polchinski: `y = 1 − 1.3 (1 + ρ/0.3)^{−2/5}`, shaped like the `d = 3` solution
/// (`y(0) < 0`, `y → 1` with the asymptotic power).
private func initialGuess(scheme: LPAScheme, dimension d: Double, nodes: [Double]) -> [Double] {
    switch scheme {
    case .wetterich:
        let D = 3 * (d - 2) / (4 * d - 10)
        let kappa = 3 / ((d - 2) * D * D)
        let lambda = (4 - d) * D * D * D / 18
        return nodes.map { lambda * ($0 - kappa) }
    case .polchinski:
        return nodes.map { 1 - 1.3 * pow(1 + $0 / 0.3, -0.4) }
    }
}

/// The collocated fixed-point equations `F(w) = 0` as a ``VectorField`` (so `∂_t w = F(w)` is the
/// discretized flow and its Jacobian the stability matrix).
///
/// Wetterich (`w = ∂_ρ u`, `ρ` in units of `K_d`):
/// `F = −2w + (d−2)ρw' − (3w' + 2ρw'')/(1 + w + 2ρw')²`.
/// Polchinski (`y = ∂_ρ v`): `F = −2y + (d−2)ρy' − 3y' − 2ρy'' + 2y² + 4ρyy'`.
struct CollocatedFixedPointEquations: VectorField {
    let scheme: LPAScheme
    let d: Double
    let size: Int
    let rho: [Double]
    let first: [Double]
    /// Second-derivative matrix whose boundary row (node 0, `ρ = ρ_max`) is the asymptotic one.
    let second: [Double]

    init(scheme: LPAScheme, dimension: Double, grid: ChebyshevGrid) {
        self.scheme = scheme
        d = dimension
        size = grid.size
        rho = grid.nodes
        first = grid.first
        var second = grid.second
        let power = scheme == .wetterich ? 2 / (dimension - 2) : -2 / (dimension + 2)
        for j in 0..<size { second[j] = (power - 1) * grid.first[j] / grid.nodes[0] }
        self.second = second
    }

    var dimension: Int { size }
    var coordinateNames: [String] { (0..<size).map { "w(rho_\($0))" } }

    var domainConstraints: [DomainConstraint] {
        guard scheme == .wetterich else { return [] }
        let rho = rho, first = first, size = size
        return [DomainConstraint(name: "threshold 1+w+2ρw'", meaning: "the Litim propagator is singular",
                                 stopBelow: 0) { w in
            var smallest = Double.infinity
            for i in 0..<size {
                var w1 = 0.0
                for j in 0..<size { w1 += first[i * size + j] * w[j] }
                smallest = min(smallest, 1 + w[i] + 2 * rho[i] * w1)
            }
            return smallest
        }]
    }

    @inline(__always)
    private func derivatives(_ w: UnsafeBufferPointer<Double>, _ i: Int) -> (Double, Double) {
        var w1 = 0.0, w2 = 0.0
        let row = i * size
        for j in 0..<size {
            w1 += first[row + j] * w[j]
            w2 += second[row + j] * w[j]
        }
        return (w1, w2)
    }

    func evaluate(_ w: UnsafeBufferPointer<Double>, into f: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<size {
            let (w1, w2) = derivatives(w, i)
            let r = rho[i]
            switch scheme {
            case .wetterich:
                let den = 1 + w[i] + 2 * r * w1
                f[i] = -2 * w[i] + (d - 2) * r * w1 - (3 * w1 + 2 * r * w2) / (den * den)
            case .polchinski:
                f[i] = -2 * w[i] + (d - 2) * r * w1 - 3 * w1 - 2 * r * w2 + 2 * w[i] * w[i] + 4 * r * w[i] * w1
            }
        }
    }

    func jacobian(_ w: UnsafeBufferPointer<Double>, into jac: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<size {
            let (w1, w2) = derivatives(w, i)
            let r = rho[i]
            let row = i * size
            switch scheme {
            case .wetterich:
                let den = 1 + w[i] + 2 * r * w1
                let num = 3 * w1 + 2 * r * w2
                let inv2 = 1 / (den * den)
                let c = 2 * num * inv2 / den
                for j in 0..<size {
                    jac[row + j] = ((d - 2) * r - 3 * inv2 + 2 * r * c) * first[row + j]
                        - 2 * r * inv2 * second[row + j]
                }
                jac[row + i] += -2 + c
            case .polchinski:
                for j in 0..<size {
                    jac[row + j] = ((d - 2) * r - 3 + 4 * r * w[i]) * first[row + j] - 2 * r * second[row + j]
                }
                jac[row + i] += -2 + 4 * w[i] + 4 * r * w1
            }
        }
    }

    /// The smallest node-interpolated zero of `w` (0 when `w(0) ≥ 0`), by bisection on the
    /// Chebyshev interpolant between the bracketing nodes.
    func minimum(_ w: [Double]) -> Double {
        // Nodes run from ρ_max (index 0) down to 0 (index size−1).
        guard w[size - 1] < 0 else { return 0 }
        let scale = scheme == .wetterich ? ballVolumeFactor(dimension: d) : 1
        var i = size - 1
        while i > 0 && w[i - 1] < 0 { i -= 1 }
        guard i > 0 else { return rho[0] * scale }
        var lo = rho[i], hi = rho[i - 1]
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if interpolate(w, at: mid) < 0 { lo = mid } else { hi = mid }
            if hi - lo <= 1e-15 * hi { break }
        }
        return (lo + hi) / 2 * scale
    }

    /// `[w, ∂_ρ w, …]` (`count` entries) at the physical `ρ` (Wetterich: `K_d` times the solver
    /// variable), by repeated spectral differentiation and barycentric interpolation.
    func derivatives(_ w: [Double], at physicalRho: Double, count: Int) -> [Double] {
        let kd = scheme == .wetterich ? ballVolumeFactor(dimension: d) : 1
        var values = w
        var result: [Double] = []
        var scale = 1.0
        for _ in 0..<count {
            result.append(interpolate(values, at: physicalRho / kd) * scale)
            values = (0..<size).map { i in (0..<size).reduce(0) { $0 + first[i * size + $1] * values[$1] } }
            scale /= kd
        }
        return result
    }

    /// Barycentric interpolation through the Chebyshev–Lobatto nodes.
    func interpolate(_ w: [Double], at x: Double) -> Double {
        var num = 0.0, den = 0.0
        for j in 0..<size {
            let diff = x - rho[j]
            if diff == 0 { return w[j] }
            let weight = (j % 2 == 0 ? 1.0 : -1.0) * ((j == 0 || j == size - 1) ? 0.5 : 1.0) / diff
            num += weight * w[j]
            den += weight
        }
        return num / den
    }

    /// The potential in PHYSICS.md conventions, from the fixed-point equation for `u` itself:
    /// Wetterich `u = ((d−2)ρw + K_d/(1 + w + 2ρw'))/d`, Polchinski
    /// `v = ((d−2)ρy − y − 2ρy' + 2ρy²)/d` (with `ρ` and `ρw'` in the solver's variable).
    func samples(_ w: [Double]) -> [PotentialSample] {
        let kd = scheme == .wetterich ? ballVolumeFactor(dimension: d) : 1
        return w.withUnsafeBufferPointer { wb in
            (0..<size).reversed().map { i in
                let (w1, _) = derivatives(wb, i)
                let rs = rho[i]
                let u: Double
                switch scheme {
                case .wetterich: u = kd * ((d - 2) * rs * w[i] + 1 / (1 + w[i] + 2 * rs * w1)) / d
                case .polchinski: u = ((d - 2) * rs * w[i] - w[i] - 2 * rs * w1 + 2 * rs * w[i] * w[i]) / d
                }
                let r = kd * rs
                let phi = (2 * r).squareRoot()
                return PotentialSample(phi: phi, rho: r, potential: u, firstDerivative: phi * w[i],
                                       secondDerivative: w[i] + 2 * rs * w1)
            }
        }
    }
}

/// Why `scalingSolution` refuses `d ≤ 2`.
let noScalingSolutionAtOrBelowTwo = "the LPA has no Wilson–Fisher scaling solution for d ≤ 2. With η = 0 the field's dimension (d−2)/2 vanishes at d = 2, where the LPA's multicritical solutions accumulate (the n-th exists below d_n = 2n/(n−1) → 2); the two-dimensional Ising point needs η = 1/4, beyond the LPA, and in d = 1 a scalar field is quantum mechanics, with no phase transition at all. Fixed points that polynomial truncations find there drift with the order (frg fixed-points labels them truncation artifacts). Use 2 < d < 4"

extension ScalingSolution {
    /// The whole-potential scaling solution that the polynomial truncation `spec` approaches as its
    /// order grows: the same LPA (Wetterich with the Litim regulator, or Polchinski) in the same
    /// dimension; nil where there is none to compare with (other truncations or regulators,
    /// `d` outside `(2, 4)`) or when it cannot be computed.
    public static func lpaReference(for spec: TruncationSpec) -> ScalingSolution? {
        guard spec.truncation == .lpa, spec.regulator == .litim, spec.dimension > 2, spec.dimension < 4 else { return nil }
        return try? scalingSolution(ScalingSolutionSpec(scheme: LPAScheme(spec.scheme), dimension: spec.dimension))
    }
}

/// The settings every scaling-solution solver shares, checked before any matrix is allocated: the
/// Wilson–Fisher range 2 < d < 4, the basis within ``ScalingSolutionSpec/minimumBasisSize`` … ``ScalingSolutionSpec/maximumBasisSize``
/// (and room to grow by 3/2 when the error is estimated), 2 … N/4 reported eigenvalues, a positive
/// tolerance and domain length.
func validateCollocation(dimension d: Double, basisSize: Int, eigenvalueCount: Int, tolerance: Double, domainLength: Double?,
                         estimatesError: Bool) throws {
    guard d.isFinite, d > 2, d < 4 else {
        throw FullPotentialError.unsupportedDimension(d, reason: d <= 2 ? noScalingSolutionAtOrBelowTwo : "for d ≥ 4 the Wilson–Fisher point has merged with the Gaussian one (mean field); the non-trivial scaling solution exists for 2 < d < 4")
    }
    let limits = ScalingSolutionSpec.minimumBasisSize...ScalingSolutionSpec.maximumBasisSize
    guard limits.contains(basisSize) else {
        throw FullPotentialError.invalidParameter(name: "basisSize", value: Double(basisSize), requirement: "between \(limits.lowerBound) and \(limits.upperBound)")
    }
    guard eigenvalueCount >= 2, eigenvalueCount <= basisSize / 4 else {
        throw FullPotentialError.invalidParameter(name: "eigenvalueCount", value: Double(eigenvalueCount), requirement: "between 2 and a quarter of the basis size (\(basisSize / 4))")
    }
    guard tolerance.isFinite, tolerance > 0 else {
        throw FullPotentialError.invalidParameter(name: "tolerance", value: tolerance, requirement: "positive")
    }
    if let length = domainLength, !(length.isFinite && length > 0) {
        throw FullPotentialError.invalidParameter(name: "domainLength", value: length, requirement: "positive")
    }
    guard !estimatesError || basisSize * 3 / 2 <= ScalingSolutionSpec.maximumBasisSize else {
        throw FullPotentialError.invalidParameter(name: "basisSize", value: Double(basisSize), requirement: "at most \(ScalingSolutionSpec.maximumBasisSize * 2 / 3) with the error estimate (the basis grows by 3/2 up to \(ScalingSolutionSpec.maximumBasisSize))")
    }
}

/// Newton's settings for every collocated scaling solution (LPA and O(∂²)): residuals to 1e-9 and
/// steps to 1e-12 in natural units, at most 60 iterations.
let collocationNewtonOptions: NewtonOptions = {
    var options = NewtonOptions()
    options.residualTolerance = 1e-9
    options.stepTolerance = 1e-12
    options.maxIterations = 60
    return options
}()
