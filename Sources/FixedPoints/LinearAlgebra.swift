import LapackRuntime
import ComplexModule
import Diagnostics
import Foundation
import RealModule

/// Failures of the dense linear algebra behind Newton steps and stability matrices. They are
/// failures of a run (`ErrorCategory.runFailed`): the matrices come from the program, not the user.
public enum LinearAlgebraError: UserFacingError, Equatable {
    /// LAPACK reported an illegal argument (`info < 0`) — a bug, reported with the routine's name.
    case illegalArgument(routine: String, argument: Int)
    /// The matrix is exactly singular: `U(i,i) = 0` in the LU factorization (`dgesv`, `info = i`).
    case singularMatrix(pivot: Int)
    /// The QR algorithm failed to converge (`dgeev`, `info > 0`).
    case eigenvaluesDidNotConverge(routine: String, info: Int)
    /// Non-finite entries reached LAPACK.
    case nonFiniteInput(routine: String)

    public var description: String {
        switch self {
        case let .illegalArgument(routine, argument): return "LAPACK \(routine): illegal value in argument \(argument)"
        case let .singularMatrix(pivot): return "LAPACK dgesv: the matrix is singular (zero pivot U(\(pivot),\(pivot)))"
        case let .eigenvaluesDidNotConverge(routine, info): return "LAPACK \(routine): QR algorithm failed to converge (info = \(info))"
        case let .nonFiniteInput(routine): return "LAPACK \(routine): the matrix has non-finite entries"
        }
    }

    public var category: ErrorCategory { .runFailed }
}

/// Solves `A x = b` for a dense `n × n` row-major `A` by LU with partial pivoting (LAPACK `dgesv`).
/// LAPACK is loaded at the first call (`Lapack`: single-threaded BLAS); throws `LapackLoadError`
/// if it cannot be.
public func solveLinearSystem(_ a: [Double], _ b: [Double]) throws -> [Double] {
    let n = b.count
    precondition(a.count == n * n, "matrix is not n×n")
    guard a.allSatisfy(\.isFinite), b.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFiniteInput(routine: "dgesv") }
    var a = a, x = b
    var pivots = [Int32](repeating: 0, count: n)
    let info = try Lapack.dgesv(Lapack.rowMajor, Int32(n), 1, &a, Int32(n), &pivots, &x, 1)
    if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dgesv", argument: Int(-info)) }
    if info > 0 { throw LinearAlgebraError.singularMatrix(pivot: Int(info)) }
    return x
}

/// Eigenvalues and right eigenvectors of a real non-symmetric matrix.
public struct EigenDecomposition: Sendable {
    /// Eigenvalues, ordered by increasing real part (ties: increasing imaginary part).
    public var values: [Complex<Double>]
    /// `vectors[k]` is the right eigenvector of `values[k]`, normalized to unit Euclidean length,
    /// with its largest-magnitude component made real and positive.
    public var vectors: [[Complex<Double>]]
}

/// Eigen-decomposition of a dense row-major `n × n` matrix with LAPACK `dgeev`.
public func eigenDecomposition(_ matrix: [Double], dimension n: Int) throws -> EigenDecomposition {
    precondition(matrix.count == n * n, "matrix is not n×n")
    guard matrix.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFiniteInput(routine: "dgeev") }
    var a = matrix
    var wr = [Double](repeating: 0, count: n), wi = wr
    var vl = [Double](repeating: 0, count: 1)
    var vr = [Double](repeating: 0, count: n * n)
    let info = try Lapack.dgeev(Lapack.rowMajor, UInt8(ascii: "N"), UInt8(ascii: "V"), Int32(n),
                                &a, Int32(n), &wr, &wi, &vl, 1, &vr, Int32(n))
    if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dgeev", argument: Int(-info)) }
    if info > 0 { throw LinearAlgebraError.eigenvaluesDidNotConverge(routine: "dgeev", info: Int(info)) }

    // dgeev stores a complex pair's eigenvectors as columns j (real part) and j+1 (imaginary part).
    var pairs: [(Complex<Double>, [Complex<Double>])] = []
    var j = 0
    while j < n {
        if wi[j] == 0 {
            pairs.append((Complex(wr[j], 0), (0..<n).map { Complex(vr[$0 * n + j], 0) }))
            j += 1
        } else {
            let v = (0..<n).map { Complex(vr[$0 * n + j], vr[$0 * n + j + 1]) }
            pairs.append((Complex(wr[j], wi[j]), v))
            pairs.append((Complex(wr[j + 1], wi[j + 1]), v.map(\.conjugate)))
            j += 2
        }
    }
    pairs.sort { ($0.0.real, $0.0.imaginary) < ($1.0.real, $1.0.imaginary) }
    return EigenDecomposition(values: pairs.map(\.0), vectors: pairs.map { normalized($0.1) })
}

private func normalized(_ v: [Complex<Double>]) -> [Complex<Double>] {
    // Component-wise arithmetic, not Complex's operators: the rounding is part of the output.
    guard let k = v.indices.max(by: { hypot(v[$0].real, v[$0].imaginary) < hypot(v[$1].real, v[$1].imaginary) }) else { return v }
    let norm = v.reduce(0) { $0 + $1.real * $1.real + $1.imaginary * $1.imaginary }.squareRoot()
    let r = hypot(v[k].real, v[k].imaginary)
    guard norm > 0, r > 0 else { return v }
    // Multiply by conj(v_k)/|v_k| / norm: the largest component becomes real and positive.
    let cr = v[k].real / r / norm, ci = -v[k].imaginary / r / norm
    return v.map { Complex($0.real * cr - $0.imaginary * ci, $0.real * ci + $0.imaginary * cr) }
}
