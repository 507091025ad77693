import ComplexModule
import Foundation
import RealModule
import Truncation

/// A zero of the beta functions with its linearized flow.
///
/// Conventions (PHYSICS.md §1): RG time `t = ln(k/Λ)` decreases toward the infrared; the
/// stability matrix is `M_ij = ∂β_i/∂ū_j` at the fixed point; an eigenvalue `θ` with `Re θ < 0`
/// is a relevant direction (it grows toward the IR). `ν = −1/θ_min` with `θ_min` the most negative
/// real eigenvalue, `ω` the smallest positive real part (the leading correction to scaling).
public struct FixedPoint: Sendable {
    public enum Kind: String, Sendable, Codable {
        /// All couplings vanish.
        case gaussian
        /// Non-Gaussian with exactly one relevant direction, which is real.
        case wilsonFisher = "wilson-fisher"
        /// Non-Gaussian with two or more relevant directions (tricritical and higher).
        case multicritical
        /// Anything else: no relevant direction, or a complex leading eigenvalue.
        case other
    }

    public var couplingNames: [String]
    public var couplings: [Double]
    public var kind: Kind
    /// Eigenvalues of the stability matrix, ordered by increasing real part.
    public var eigenvalues: [Complex<Double>]
    /// Right eigenvectors, one per eigenvalue, unit length, in the coupling basis.
    public var eigenvectors: [[Complex<Double>]]
    /// Number of eigenvalues with `Re θ < −marginalTolerance`.
    public var relevantDirections: Int
    /// Number of eigenvalues with `|Re θ| ≤ marginalTolerance`.
    public var marginalDirections: Int
    /// `−1/θ_min`, nil when there is no real negative eigenvalue.
    public var nu: Double?
    /// Smallest positive real part of an eigenvalue, nil when none.
    public var omega: Double?
    /// Anomalous dimension at the fixed point (two-derivative truncations), nil in the LPA.
    public var eta: Double?
    /// How many starts of the search converged here.
    public var basin: Int
    /// `max_i |β_i|` at the returned couplings.
    public var residual: Double
    /// Whether the point persists as the order of the truncation grows (`Persistence`), nil when
    /// not checked.
    public var persistence: Persistence? = nil

    /// The value of a coupling by name.
    public func coupling(_ name: String) -> Double? {
        couplingNames.firstIndex(of: name).map { couplings[$0] }
    }
}

/// Thresholds used to classify eigenvalues and fixed points.
public struct ClassificationOptions: Sendable {
    /// `|Re θ|` below this counts as marginal.
    public var marginalTolerance: Double = 1e-9
    /// A fixed point whose couplings (in the expansion about the minimum: all but `κ`) are below
    /// this in magnitude is Gaussian; its couplings and eigenvalues below it are reported as 0.
    public var gaussianTolerance: Double = 1e-7
    public init() {}
}

/// Linearizes `field` at `point` and classifies it.
public func analyzeFixedPoint(_ field: some VectorField, at point: [Double], residual: Double, basin: Int = 0,
                              options: ClassificationOptions = ClassificationOptions()) throws -> FixedPoint {
    let n = field.dimension
    let decomposition = try eigenDecomposition(field.jacobian(at: point), dimension: n)
    var values = decomposition.values
    var couplings = point
    var eta = field.anomalousDimension(at: point)
    let gaussian = field.isGaussian(point, tolerance: options.gaussianTolerance)
    if gaussian {
        // At the Gaussian point the couplings that vanish are exactly 0 (and so is η). The root a
        // search returns misses them by up to the tolerance — about the running minimum the
        // Gaussian point lies on the edge λ2 → 0 of the domain, and Newton stops at λ2 ≈ 10⁻⁹ —
        // so they, and the spectrum's digits below its accuracy, are noise and not reported.
        let tolerance = options.gaussianTolerance
        couplings = point.map { abs($0) <= tolerance ? 0 : $0 }
        eta = eta.map { abs($0) <= tolerance ? 0 : $0 }
        values = spectrumToItsAccuracy(field, at: point, values, residualBelow: tolerance)
    }
    let relevant = values.filter { $0.real < -options.marginalTolerance }.count
    let marginal = values.filter { abs($0.real) <= options.marginalTolerance }.count
    let thetaMin = values.filter { $0.imaginary == 0 && $0.real < -options.marginalTolerance }.map(\.real).min()
    let omega = values.filter { $0.real > options.marginalTolerance }.map(\.real).min()

    let kind: FixedPoint.Kind
    if gaussian {
        kind = .gaussian
    } else if relevant == 1, values.first.map({ $0.imaginary == 0 }) == true {
        kind = .wilsonFisher
    } else if relevant >= 2 {
        kind = .multicritical
    } else {
        kind = .other
    }
    return FixedPoint(couplingNames: field.coordinateNames, couplings: couplings, kind: kind,
                      eigenvalues: values, eigenvectors: decomposition.vectors,
                      relevantDirections: relevant, marginalDirections: marginal,
                      nu: thetaMin.map { -1 / $0 }, omega: omega,
                      eta: eta, basin: basin, residual: residual)
}

/// The eigenvalues `values` of the stability matrix at a Gaussian root `point`, their real parts
/// rounded to the accuracy the root gives them: how far the spectrum moves when the residual
/// couplings (those below `residualBelow`, zero at the exact point) are doubled, times ten, up
/// to the next power of ten. The marginal eigenvalue that the search finds as `1.9·10⁻⁹` about
/// the running minimum in `d = 3` is then 0, and ν = 0.5 exactly; an exactly Gaussian root (no
/// residual couplings) keeps its spectrum as computed.
private func spectrumToItsAccuracy(_ field: some VectorField, at point: [Double], _ values: [Complex<Double>],
                                   residualBelow tolerance: Double) -> [Complex<Double>] {
    let residual = point.map { abs($0) <= tolerance ? $0 : 0 }
    guard residual.contains(where: { $0 != 0 }) else { return values }
    let doubled = zip(point, residual).map { $0 + $1 }
    guard field.isInDomain(doubled),
          let moved = try? eigenDecomposition(field.jacobian(at: doubled), dimension: point.count).values,
          moved.count == values.count else { return values }
    let change = zip(values, moved).map { abs($0.real - $1.real) }.max() ?? 0
    // Only a spectrum known to better than 10⁻³ is rounded; a coarser one is left as it is.
    guard change > 0, change <= 1e-4 else { return values }
    let scale = pow(10, -(log10(10 * change)).rounded(.up))
    return values.map { Complex(($0.real * scale).rounded() / scale, $0.imaginary) }
}
