import Diagnostics
import FixedPoints
import Foundation
import Truncation

/// The exact RG equation solved in the local potential approximation (LPA).
public enum LPAScheme: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Wetterich equation with the Litim regulator `R_k(p) = (k² − p²) θ(k² − p²)`:
    /// `∂_t u = −d u + (d−2)/2 φ u' + K_d / (1 + u'')` (dimensionless, PHYSICS.md §1).
    case wetterich
    /// Polchinski equation in normalized dimensionless form:
    /// `∂_t v = −d v + (d−2)/2 φ v' − v'' + v'²` (PHYSICS.md §1).
    case polchinski

    public var description: String { rawValue }

    /// The same equation as the polynomial truncations name it.
    public var flowEquation: FlowEquation {
        switch self {
        case .wetterich: return .wetterich
        case .polchinski: return .polchinski
        }
    }

    /// The scheme of the polynomial truncations' `equation`.
    public init(_ equation: FlowEquation) {
        switch equation {
        case .wetterich: self = .wetterich
        case .polchinski: self = .polchinski
        }
    }
}

/// Failures of the full-potential solvers, with the context to act on them.
///
/// A dimension, parameter or initial potential the solvers cannot take is the caller's input
/// (`ErrorCategory.invalidInput`); Newton, LAPACK or CVODE failing on valid input is a failed run.
public enum FullPotentialError: UserFacingError {
    /// The dimension is outside the range the solver handles, and why.
    case unsupportedDimension(Double, reason: String)
    /// A numerical parameter (basis size, grid, range, time) is out of range.
    case invalidParameter(name: String, value: Double, requirement: String)
    /// The initial potential cannot be used (empty couplings, a table not covering the grid, …).
    case invalidInitialPotential(String)
    /// The grid does not resolve the initial potential: its curvature at `field` differs between
    /// the grid's spacing and half of it.
    case unresolvedInitialPotential(field: Double, spacing: Double, coarse: Double, fine: Double)
    /// Newton's method for the scaling solution did not converge.
    case scalingSolutionNotFound(scheme: LPAScheme, dimension: Double, basisSize: Int, failure: NewtonFailure)
    /// The scaling solution found is not the Wilson–Fisher one (it has no single relevant direction).
    case unexpectedSpectrum(scheme: LPAScheme, dimension: Double, relevantCount: Int)
    /// Newton's method for the Polchinski O(∂²) scaling solution did not converge at the cutoff
    /// constant `σ`; `reached`: the last `σ` of the continuation from 0 that had a solution (the
    /// branch ends between the two, a fold), nil outside the continuation.
    case derivative2SolutionNotFound(dimension: Double, sigma: Double, reached: Double?, basisSize: Int, failure: NewtonFailure)
    /// The Polchinski O(∂²) spectrum moved too far (at `σ`, or between basis sizes) to tell the
    /// potential tower from the redundant one.
    case ambiguousTowers(dimension: Double, sigma: Double)
    /// LAPACK failed on the stability matrix.
    case linearAlgebra(LinearAlgebraError)
    /// CVODE failed during a flow.
    case flowFailed(time: Double, underlying: String)

    public var description: String {
        switch self {
        case let .unsupportedDimension(d, reason):
            return "full potential: dimension d = \(d) is not supported: \(reason)"
        case let .invalidParameter(name, value, requirement):
            return "full potential: \(name) = \(value) is invalid; it must be \(requirement)"
        case let .invalidInitialPotential(reason):
            return "full potential: invalid initial potential: \(reason)"
        case let .unresolvedInitialPotential(phi, h, coarse, fine):
            return "full potential: the grid does not resolve the initial potential: at φ = \(phi) its curvature U'' is \(coarse) at the grid spacing \(h) but \(fine) at half of it; use more gridPoints or a smaller fieldMax"
        case let .scalingSolutionNotFound(scheme, d, n, failure):
            return "full potential: no \(scheme) scaling solution found in d = \(d) with \(n + 1) Chebyshev nodes: \(failure)"
        case let .unexpectedSpectrum(scheme, d, count):
            return "full potential: the \(scheme) scaling solution in d = \(d) has \(count) relevant even directions, not 1 (not Wilson–Fisher)"
        case let .derivative2SolutionNotFound(d, sigma, reached, n, failure):
            let branch = reached.map { "; the branch followed from the LPA (σ = 0) ends between σ = \(String(format: "%.4g", $0)) and \(String(format: "%.4g", sigma)) (a fold: no solution beyond, however small the step)" } ?? ""
            return "full potential: no Polchinski O(∂²) scaling solution found in d = \(d) at σ = \(String(format: "%.4g", sigma)) with \(n + 1) Chebyshev nodes per function: \(failure)\(branch)"
        case let .ambiguousTowers(d, sigma):
            return "full potential: the Polchinski O(∂²) spectrum in d = \(d) at σ = \(sigma) moved too far to tell the potential eigenvalues from the redundant ones (an eigenvalue's nearest predecessor is not unique)"
        case let .linearAlgebra(error):
            return "full potential: \(error)"
        case let .flowFailed(t, underlying):
            return "full potential: the flow failed at t = \(t): \(underlying)"
        }
    }

    public var category: ErrorCategory {
        switch self {
        case .unsupportedDimension, .invalidParameter, .invalidInitialPotential, .unresolvedInitialPotential: return .invalidInput
        case .scalingSolutionNotFound, .derivative2SolutionNotFound, .ambiguousTowers, .unexpectedSpectrum, .linearAlgebra, .flowFailed: return .runFailed
        }
    }
}
