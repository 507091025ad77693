import FixedPoints
import XCTest

/// `solveLinearSystem` (LAPACK dgesv, loaded at first use) against a known solution and its
/// singular case.
final class LinearAlgebraTests: XCTestCase {
    func testSolveAgainstKnownSolution() throws {
        // b = A x for x = (2, −1, 0.5, 4), exact in binary; A is diagonally dominant (condition
        // ~3), so LU with partial pivoting returns x to a few ulps: 1e-14 is a loose bound that a
        // transposed layout (another x entirely) fails at order one.
        let a: [Double] = [4, 1, 0, -1,
                           1, 5, 2, 0,
                           0, -2, 6, 1,
                           1, 0, 1, 3]
        let x = [2.0, -1, 0.5, 4]
        let b = (0..<4).map { i in (0..<4).reduce(0.0) { $0 + a[4 * i + $1] * x[$1] } }
        XCTAssertEqual(try solveLinearSystem(a, b), x, accuracy: 1e-14)
    }

    func testSingularMatrixIsATypedError() {
        XCTAssertThrowsError(try solveLinearSystem([1, 2, 2, 4], [1, 1])) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .singularMatrix(pivot: 2))
        }
    }
}
