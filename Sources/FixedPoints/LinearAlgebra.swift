import CLapack
import Foundation

/// Failures of the dense linear algebra behind Newton steps and stability matrices.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
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
}

/// A complex number, as eigenvalues come out of a real non-symmetric matrix.
public struct Complex: Hashable, Sendable, Codable, CustomStringConvertible {
    public var re: Double
    public var im: Double
    public init(re: Double, im: Double = 0) { self.re = re; self.im = im }
    public var description: String {
        im == 0 ? "\(re)" : "\(re)\(im < 0 ? "-" : "+")\(abs(im))i"
    }
}

/// Solves `A x = b` for a dense `n × n` row-major `A` by LU with partial pivoting (LAPACK `dgesv`).
public func solveLinearSystem(_ a: [Double], _ b: [Double]) throws -> [Double] {
    let n = b.count
    precondition(a.count == n * n, "matrix is not n×n")
    guard a.allSatisfy(\.isFinite), b.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFiniteInput(routine: "dgesv") }
    var a = a, x = b
    var pivots = [Int32](repeating: 0, count: n)
    let info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, Int32(n), 1, &a, Int32(n), &pivots, &x, 1)
    if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dgesv", argument: Int(-info)) }
    if info > 0 { throw LinearAlgebraError.singularMatrix(pivot: Int(info)) }
    return x
}

/// Eigenvalues and right eigenvectors of a real non-symmetric matrix.
public struct EigenDecomposition: Sendable {
    /// Eigenvalues, ordered by increasing real part (ties: increasing imaginary part).
    public var values: [Complex]
    /// `vectors[k]` is the right eigenvector of `values[k]`, normalized to unit Euclidean length,
    /// with its largest-magnitude component made real and positive.
    public var vectors: [[Complex]]
}

/// Eigen-decomposition of a dense row-major `n × n` matrix with LAPACK `dgeev`.
public func eigenDecomposition(_ matrix: [Double], dimension n: Int) throws -> EigenDecomposition {
    precondition(matrix.count == n * n, "matrix is not n×n")
    guard matrix.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFiniteInput(routine: "dgeev") }
    var a = matrix
    var wr = [Double](repeating: 0, count: n), wi = wr
    var vl = [Double](repeating: 0, count: 1)
    var vr = [Double](repeating: 0, count: n * n)
    let info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "V")), Int32(n),
                             &a, Int32(n), &wr, &wi, &vl, 1, &vr, Int32(n))
    if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dgeev", argument: Int(-info)) }
    if info > 0 { throw LinearAlgebraError.eigenvaluesDidNotConverge(routine: "dgeev", info: Int(info)) }

    // dgeev stores a complex pair's eigenvectors as columns j (real part) and j+1 (imaginary part).
    var pairs: [(Complex, [Complex])] = []
    var j = 0
    while j < n {
        if wi[j] == 0 {
            pairs.append((Complex(re: wr[j]), (0..<n).map { Complex(re: vr[$0 * n + j]) }))
            j += 1
        } else {
            let v = (0..<n).map { Complex(re: vr[$0 * n + j], im: vr[$0 * n + j + 1]) }
            pairs.append((Complex(re: wr[j], im: wi[j]), v))
            pairs.append((Complex(re: wr[j + 1], im: wi[j + 1]), v.map { Complex(re: $0.re, im: -$0.im) }))
            j += 2
        }
    }
    pairs.sort { ($0.0.re, $0.0.im) < ($1.0.re, $1.0.im) }
    return EigenDecomposition(values: pairs.map(\.0), vectors: pairs.map { normalized($0.1) })
}

private func normalized(_ v: [Complex]) -> [Complex] {
    guard let k = v.indices.max(by: { hypot(v[$0].re, v[$0].im) < hypot(v[$1].re, v[$1].im) }) else { return v }
    let norm = v.reduce(0) { $0 + $1.re * $1.re + $1.im * $1.im }.squareRoot()
    let r = hypot(v[k].re, v[k].im)
    guard norm > 0, r > 0 else { return v }
    // Multiply by conj(v_k)/|v_k| / norm: the largest component becomes real and positive.
    let cr = v[k].re / r / norm, ci = -v[k].im / r / norm
    return v.map { Complex(re: $0.re * cr - $0.im * ci, im: $0.re * ci + $0.im * cr) }
}
