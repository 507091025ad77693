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
    /// this in magnitude is Gaussian.
    public var gaussianTolerance: Double = 1e-7
    public init() {}
}

/// Linearizes `field` at `point` and classifies it.
public func analyzeFixedPoint(_ field: some VectorField, at point: [Double], residual: Double, basin: Int = 0,
                              options: ClassificationOptions = ClassificationOptions()) throws -> FixedPoint {
    let n = field.dimension
    let decomposition = try eigenDecomposition(field.jacobian(at: point), dimension: n)
    let values = decomposition.values
    let relevant = values.filter { $0.real < -options.marginalTolerance }.count
    let marginal = values.filter { abs($0.real) <= options.marginalTolerance }.count
    let thetaMin = values.filter { $0.imaginary == 0 && $0.real < -options.marginalTolerance }.map(\.real).min()
    let omega = values.filter { $0.real > options.marginalTolerance }.map(\.real).min()

    let kind: FixedPoint.Kind
    if field.isGaussian(point, tolerance: options.gaussianTolerance) {
        kind = .gaussian
    } else if relevant == 1, values.first.map({ $0.imaginary == 0 }) == true {
        kind = .wilsonFisher
    } else if relevant >= 2 {
        kind = .multicritical
    } else {
        kind = .other
    }
    return FixedPoint(couplingNames: field.coordinateNames, couplings: point, kind: kind,
                      eigenvalues: values, eigenvectors: decomposition.vectors,
                      relevantDirections: relevant, marginalDirections: marginal,
                      nu: thetaMin.map { -1 / $0 }, omega: omega,
                      eta: field.anomalousDimension(at: point), basin: basin, residual: residual)
}
