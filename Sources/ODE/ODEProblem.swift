/// The right-hand side of dy/dt = f(t, y): write `ydot[i] = f_i(t, y)` for every `i`.
///
/// This is the hot path, called for every stage of every step: `y` and `ydot` are views of
/// CVODE's own vectors (valid only during the call), so nothing is copied or allocated. Throw
/// ``ODERecoverableFailure`` when `(t, y)` lies where f cannot be evaluated but a smaller step
/// may avoid it; throw any other error to stop the integration (it comes back out of
/// ``ODEProblem/solve(from:to:initialState:output:events:options:)`` inside
/// ``ODEError/solverFailed(_:)`` as ``CVodeFailure/underlying``).
public typealias ODERightHandSide = (
    _ t: Double, _ y: UnsafeBufferPointer<Double>, _ ydot: UnsafeMutableBufferPointer<Double>
) throws -> Void

/// An exact Jacobian: set `jacobian[i, j] = ∂f_i/∂y_j` at `(t, y)`; `fy` holds f(t, y).
///
/// CVODE zeroes the matrix before each call, so only nonzero entries need writing. For a
/// banded problem only entries with `-upper ≤ i - j ≤ lower` exist. Errors thrown follow the
/// same rules as for ``ODERightHandSide``.
public typealias ODEJacobian = (
    _ t: Double, _ y: UnsafeBufferPointer<Double>, _ fy: UnsafeBufferPointer<Double>,
    _ jacobian: JacobianMatrix
) throws -> Void

/// Shape of the Jacobian ∂f/∂y, which selects CVODE's direct linear solver for the Newton
/// iteration: dense LU, or banded LU when `∂f_i/∂y_j = 0` unless `-upper ≤ i - j ≤ lower`
/// (`upper`, `lower` are the half-bandwidths, e.g. 1 and 1 for a tridiagonal system).
public enum JacobianStructure: Equatable, Sendable {
    case dense
    case banded(upper: Int, lower: Int)
}

/// A system of ordinary differential equations dy/dt = f(t, y), y ∈ ℝⁿ.
///
/// The problem holds only the equations; initial data, time span, output, events and
/// tolerances are given to ``solve(from:to:initialState:output:events:options:)``, so one
/// problem can be integrated from many initial states.
public struct ODEProblem {
    /// n, the number of components of y.
    public var dimension: Int
    public var rightHandSide: ODERightHandSide
    /// Exact Jacobian, or nil to let CVODE build it from difference quotients of f.
    public var jacobian: ODEJacobian?
    public var jacobianStructure: JacobianStructure

    public init(
        dimension: Int,
        jacobianStructure: JacobianStructure = .dense,
        jacobian: ODEJacobian? = nil,
        rightHandSide: @escaping ODERightHandSide
    ) {
        self.dimension = dimension
        self.jacobianStructure = jacobianStructure
        self.jacobian = jacobian
        self.rightHandSide = rightHandSide
    }
}

/// Thrown by a right-hand side or Jacobian to report a recoverable failure: CVODE retries the
/// step with a smaller step size. If it cannot recover, the solve fails with a flag such as
/// `CV_REPTD_RHSFUNC_ERR` and this error as ``CVodeFailure/underlying``.
public struct ODERecoverableFailure: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "recoverable failure: \(reason)" }
}

/// Write access to the Jacobian matrix CVODE is about to factor, indexed `[i, j]` with
/// `J[i, j] = ∂f_i/∂y_j` (row i = equation, column j = variable, both 0-based).
///
/// A view of CVODE's column-major storage, valid only during the Jacobian call. For a banded
/// matrix, indices outside the band are a programming error and trap.
public struct JacobianMatrix {
    /// n.
    public let dimension: Int
    /// Half-bandwidths: entries exist for `-upperBandwidth ≤ i - j ≤ lowerBandwidth`
    /// (both n - 1 for a dense matrix).
    public let upperBandwidth: Int
    public let lowerBandwidth: Int
    private let base: UnsafeMutablePointer<Double>
    private let columnStride: Int
    private let offset: Int

    init(base: UnsafeMutablePointer<Double>, dimension: Int, columnStride: Int, offset: Int,
         upperBandwidth: Int, lowerBandwidth: Int) {
        self.base = base
        self.dimension = dimension
        self.columnStride = columnStride
        self.offset = offset
        self.upperBandwidth = upperBandwidth
        self.lowerBandwidth = lowerBandwidth
    }

    public subscript(i: Int, j: Int) -> Double {
        get { base[index(i, j)] }
        nonmutating set { base[index(i, j)] = newValue }
    }

    /// Storage index (see cvshim_matrix in cvode_shim.h): offset + j·columnStride + i.
    @inline(__always)
    private func index(_ i: Int, _ j: Int) -> Int {
        precondition(
            i >= 0 && i < dimension && j >= 0 && j < dimension
                && i - j <= lowerBandwidth && j - i <= upperBandwidth,
            "Jacobian entry [\(i), \(j)] outside the \(dimension)×\(dimension) matrix "
                + "with half-bandwidths upper \(upperBandwidth), lower \(lowerBandwidth)")
        return offset + j * columnStride + i
    }
}
