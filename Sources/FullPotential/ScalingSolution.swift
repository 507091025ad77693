import ComplexModule
import Dispatch
import FixedPoints
import Foundation
import RealModule
import Truncation

/// What to compute for a scaling solution of the LPA.
///
/// The solution is computed for the derivative `w(ρ) = ∂u/∂ρ` of the potential in `ρ = φ²/2`
/// (Polchinski: `y = ∂v/∂ρ`). In `ρ` only the Z2-even sector exists, and the derivative drops the
/// field-independent vacuum-energy mode (eigenvalue `−d`), so every eigenvalue of the discretized
/// stability operator is a physical even one: no shift or redundant mode has to be filtered out.
public struct ScalingSolutionSpec: Sendable {
    public var scheme: LPAScheme
    /// Dimension `d`, real, `2 < d < 4` (the Wilson–Fisher range).
    public var dimension: Double
    /// Polynomial degree `N` of the Chebyshev collocation (`N + 1` nodes).
    public var basisSize: Int
    /// Right end of the domain `[0, ρ_max]` in the scheme's solver variable: Wetterich
    /// `ρ/K_d` (the loop factor `K_d` scaled out), Polchinski `ρ`. Nil: the default, chosen so
    /// that the loop term is small against the classical scaling at `ρ_max` and the fast mode
    /// excited by the boundary condition has decayed before the region of the minimum:
    /// Polchinski 25; Wetterich `1.5/λ₂` for `d ≥ 3` (`λ₂ = (4−d)D³/18`, `D = 3(d−2)/(4d−10)`, the
    /// quartic coupling of the order-2 expansion about the minimum; 8 at `d = 3`, growing toward
    /// `d = 4` where the scaling potential becomes flat), and `8 − 5(3 − d)` below `d = 3`.
    public var domainLength: Double?
    /// Also solve with `N + N/2` nodes on a domain 1.25 times longer and report how much `ν`, `ω`
    /// change (the error estimate of both the basis and the boundary condition).
    public var estimatesError: Bool

    public init(scheme: LPAScheme = .wetterich, dimension: Double = 3, basisSize: Int? = nil,
                domainLength: Double? = nil, estimatesError: Bool = true) {
        self.scheme = scheme
        self.dimension = dimension
        self.basisSize = basisSize ?? (scheme == .wetterich ? 40 : 60)
        self.domainLength = domainLength
        self.estimatesError = estimatesError
    }

    var resolvedDomainLength: Double {
        if let domainLength { return domainLength }
        switch scheme {
        case .polchinski: return 25
        case .wetterich:
            let d = dimension
            guard d >= 3 else { return 8 - 5 * (3 - d) }
            let D = 3 * (d - 2) / (4 * d - 10)
            return 1.5 / ((4 - d) * D * D * D / 18)
        }
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
    /// Eigenvalues `θ` of the stability operator (`t = ln k`: relevant `θ < 0`), increasing.
    /// With the error estimate on, only those that agree to `1e-6` (relative) between the two
    /// resolutions are listed; without it the lowest `N/4`.
    public var eigenvalues: [Complex<Double>]
    /// `|ν − ν_refined|` and the same for `ω` (see ``ScalingSolutionSpec/estimatesError``); nil
    /// without the error estimate.
    public var nuChange: Double?
    public var omegaChange: Double?
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
/// the exact Jacobian, then the eigenvalues of that Jacobian (LAPACK `dgeev`). At `ρ = 0` the
/// equation itself is collocated (its regularity condition). At `ρ_max` the large-field
/// asymptotics enter: the second derivative in the equation is replaced by its value for the
/// asymptotic power law — Wetterich `w ∝ ρ^{2/(d−2)}` gives `w'' = (2/(d−2) − 1) w'/ρ`, Polchinski
/// `y − 1 ∝ ρ^{−2/(d+2)}` gives `y'' = (−2/(d+2) − 1) y'/ρ`. The other solution of the ODE grows like
/// `exp(c ρ^{(d+2)/(d−2)})` (Wetterich) or `exp(2ρ)` (Polchinski) toward large field, so the error of
/// that boundary condition decays exponentially inward; the domain default makes it negligible.
public func scalingSolution(_ spec: ScalingSolutionSpec) throws -> ScalingSolution {
    let d = spec.dimension
    guard d.isFinite, d > 2, d < 4 else {
        throw FullPotentialError.unsupportedDimension(d, reason: d <= 2 ? noScalingSolutionAtOrBelowTwo : "for d ≥ 4 the Wilson–Fisher point has merged with the Gaussian one (mean field); the non-trivial scaling solution exists for 2 < d < 4")
    }
    guard spec.basisSize >= 16, spec.basisSize <= 400 else {
        throw FullPotentialError.invalidParameter(name: "basisSize", value: Double(spec.basisSize), requirement: "between 16 and 400")
    }
    let length = spec.resolvedDomainLength
    guard length.isFinite, length > 0 else {
        throw FullPotentialError.invalidParameter(name: "domainLength", value: length, requirement: "positive")
    }
    // The base and the refined solve are independent: one per core.
    let resolutions = [(spec.basisSize, length), (spec.basisSize + spec.basisSize / 2, 1.25 * length)]
    let solves = spec.estimatesError ? 2 : 1
    // Each solve writes only its own slot.
    nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<Result<CollocatedSolution, Error>?>.allocate(capacity: solves)
    slots.initialize(repeating: nil)
    defer { slots.deallocate() }
    DispatchQueue.concurrentPerform(iterations: solves) { k in
        slots[k] = Result { try solveCollocated(scheme: spec.scheme, dimension: d, basisSize: resolutions[k].0,
                                                length: resolutions[k].1) }
    }
    let base = try slots[0]!.get()
    let (nu, omega) = try exponents(base.eigenvalues, spec: spec)
    var eigenvalues = Array(base.eigenvalues.prefix(max(4, spec.basisSize / 4)))
    var nuChange: Double?, omegaChange: Double?
    if spec.estimatesError {
        let refined = try slots[1]!.get()
        let (nu2, omega2) = try exponents(refined.eigenvalues, spec: spec)
        nuChange = abs(nu - nu2)
        omegaChange = abs(omega - omega2)
        eigenvalues = []
        for (a, b) in zip(base.eigenvalues, refined.eigenvalues) {
            guard hypot(a.real - b.real, a.imaginary - b.imaginary) <= 1e-6 * (1 + hypot(a.real, a.imaginary)) else { break }
            eigenvalues.append(a)
        }
    }
    return ScalingSolution(spec: spec, nu: nu, omega: omega, eigenvalues: eigenvalues,
                           nuChange: nuChange, omegaChange: omegaChange, minimum: base.minimum,
                           samples: base.samples, minimumCouplings: base.minimumCouplings,
                           originCouplings: base.originCouplings, residual: base.residual)
}

private func exponents(_ eigenvalues: [Complex<Double>], spec: ScalingSolutionSpec) throws -> (nu: Double, omega: Double) {
    let real = eigenvalues.filter { abs($0.imaginary) <= 1e-9 * (1 + abs($0.real)) }.map(\.real)
    let relevant = eigenvalues.filter { $0.real < 0 }
    guard relevant.count == 1, let theta1 = real.first, theta1 < 0, let omega = real.first(where: { $0 > 0 }) else {
        throw FullPotentialError.unexpectedSpectrum(scheme: spec.scheme, dimension: spec.dimension, relevantCount: relevant.count)
    }
    return (-1 / theta1, omega)
}

private struct CollocatedSolution {
    var eigenvalues: [Complex<Double>]
    var minimum: Double
    var samples: [PotentialSample]
    var minimumCouplings: [Double]
    var originCouplings: [Double]
    var residual: Double
}

/// Newton from a guess; below `d = 3` (Wetterich) or away from `d = 3` (Polchinski) the
/// guess comes from continuation in `d` from `d = 3` in steps of at most 0.1.
private func solveCollocated(scheme: LPAScheme, dimension d: Double, basisSize n: Int, length: Double) throws -> CollocatedSolution {
    let grid = ChebyshevGrid(basisSize: n, length: length)
    var path: [Double] = [d]
    let directGuess = scheme == .wetterich ? (d >= 3) : (abs(d - 3) < 1e-12)
    if !directGuess {
        let steps = Int((abs(d - 3) / 0.1).rounded(.up))
        path = (0...steps).map { 3 + (d - 3) * Double($0) / Double(steps) }
    }
    var state = initialGuess(scheme: scheme, dimension: path[0], nodes: grid.nodes)
    var options = NewtonOptions()
    options.residualTolerance = 1e-9
    options.stepTolerance = 1e-12
    options.maxIterations = 60
    var equations = CollocatedFixedPointEquations(scheme: scheme, dimension: path[0], grid: grid)
    var residual = 0.0
    for dk in path {
        equations = CollocatedFixedPointEquations(scheme: scheme, dimension: dk, grid: grid)
        switch newtonSolve(equations, from: state, options: options) {
        case let .success((root, r)):
            state = root
            residual = r
        case let .failure(failure):
            throw FullPotentialError.scalingSolutionNotFound(scheme: scheme, dimension: dk, basisSize: n, failure: failure)
        }
    }
    let decomposition: EigenDecomposition
    do {
        decomposition = try eigenDecomposition(equations.jacobian(at: state), dimension: grid.size)
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
    return CollocatedSolution(eigenvalues: decomposition.values, minimum: minimum,
                              samples: equations.samples(state), minimumCouplings: [minimum] + atMinimum.dropFirst(),
                              originCouplings: origin, residual: residual)
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
