import Diagnostics
import Foundation
import LapackRuntime
import XCTest

/// The lazily loaded LAPACKE against known answers, and the thread policy: after the first call
/// the loaded BLAS runs on one thread and (OpenBLAS) never started a pool.
final class LapackTests: XCTestCase {
    func testSolveAgainstKnownSolution() throws {
        // Row-major A with the integer solution x = (1, −2, 3): b = A x exactly in binary.
        // Partial pivoting must swap rows (a11 = 0). Backward-stable LU on a matrix of condition
        // ~10 gives x to a few ulps; 1e-14 is a loose bound that a transposed layout (x would be
        // (−1.8, 0.44, 1.36)-like) or a wrong pivot fails by orders of magnitude.
        var a: [Double] = [0, 2, 1,
                           1, 1, 1,
                           4, -1, 2]
        let x = [1.0, -2, 3]
        var b = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + a[3 * i + $1] * x[$1] } }
        var pivots = [Int32](repeating: 0, count: 3)
        let info = try Lapack.dgesv(Lapack.rowMajor, 3, 1, &a, 3, &pivots, &b, 1)
        XCTAssertEqual(info, 0)
        for (got, want) in zip(b, x) { XCTAssertEqual(got, want, accuracy: 1e-14) }
    }

    func testSingularMatrixReportsItsPivot() throws {
        var a: [Double] = [1, 2, 2, 4]
        var b: [Double] = [1, 1]
        var pivots = [Int32](repeating: 0, count: 2)
        XCTAssertEqual(try Lapack.dgesv(Lapack.rowMajor, 2, 1, &a, 2, &pivots, &b, 1), 2)
    }

    func testEigenvaluesOfTridiagonalToeplitzMatrix() throws {
        // T = tridiag(c, a, b) of size n has eigenvalues a + 2√(bc) cos(kπ/(n+1)), k = 1…n, real
        // for bc > 0 although T is not symmetric. n = 48 is the size of frg's larger stability
        // matrices. T = D S D⁻¹ with S symmetric and D = diag((b/c)^(i/2)), so the eigenvalue
        // condition numbers are at most cond(D) = (b/c)^((n−1)/2) ≈ 190 here, and dgeev's backward-
        // stable result is within ~n·ε·‖T‖·190 ≈ 6e-12 of the exact values: 1e-10 bounds that, while
        // a wrong layout or argument (a shifted or truncated matrix) misses by more than 1e-3.
        let n = 48, diagonal = 0.5, upper = 1.5, lower = 1.2
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            matrix[i * n + i] = diagonal
            if i + 1 < n { matrix[i * n + i + 1] = upper; matrix[(i + 1) * n + i] = lower }
        }
        var wr = [Double](repeating: 0, count: n), wi = wr, vl = [0.0], vr = [Double](repeating: 0, count: n * n)
        let info = try Lapack.dgeev(Lapack.rowMajor, UInt8(ascii: "N"), UInt8(ascii: "V"), Int32(n), &matrix, Int32(n),
                                    &wr, &wi, &vl, 1, &vr, Int32(n))
        XCTAssertEqual(info, 0)
        let expected = (1...n).map { diagonal + 2 * (upper * lower).squareRoot() * cos(Double($0) * .pi / Double(n + 1)) }.sorted()
        XCTAssertEqual(wi.map(abs).max()!, 0, accuracy: 1e-10)
        for (got, want) in zip(wr.sorted(), expected) { XCTAssertEqual(got, want, accuracy: 1e-10) }
    }

    func testBLASRunsOnOneThreadAfterTheFirstCall() throws {
        try Lapack.load()
        // Which library Debian's alternatives chose decides which queries exist; reference BLAS
        // and ATLAS have none and are serial anyway.
        let provider = Lapack.provider ?? "unknown"
        if let threads = Lapack.blasThreadCount {
            XCTAssertEqual(threads, 1, "BLAS threads per call (LAPACK from \(provider))")
        }
        // OpenBLAS sizes its pool in its constructor: 1 means the load set the count before it ran
        // and no worker thread was started (on a multi-core machine it would otherwise be the core count).
        if let pool = Lapack.openBLASPoolSize {
            XCTAssertEqual(pool, 1, "OpenBLAS pool size at load (LAPACK from \(provider))")
        }
    }

    func testLoadLeavesTheEnvironmentAsItWas() throws {
        // The thread variables are set for the load only: afterwards each has its value from the
        // process's start (/proc/self/environ is the environment the kernel passed, which setenv
        // does not change), or is absent as it was.
        try Lapack.load()
        let launched = try Data(contentsOf: URL(fileURLWithPath: "/proc/self/environ"))
            .split(separator: 0).compactMap { String(bytes: $0, encoding: .utf8) }
        for name in ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS", "BLIS_NUM_THREADS", "MKL_NUM_THREADS"] {
            let atStart = launched.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
            XCTAssertEqual(getenv(name).map { String(cString: $0) }, atStart, name)
        }
    }

    func testLoadErrorNamesLibraryAndPackage() {
        let error = LapackLoadError.libraryUnavailable(library: "liblapacke.so.3", reason: "cannot open shared object file")
        XCTAssertTrue(error.description.contains("liblapacke.so.3"))
        XCTAssertTrue(error.description.contains("liblapacke-dev"))
        XCTAssertEqual(error.category, .runFailed)
    }
}
