import Foundation
import XCTest
@testable import Comparison

final class StatisticsTests: XCTestCase {
    func testChiSquaredSurvivalAgainstClosedForms() {
        // k = 2: Q = e^{−x/2}. k = 1: Q = erfc(√(x/2)). k = 4: Q = e^{−x/2}(1 + x/2).
        for x in [0.1, 1.0, 3.0, 10.0, 40.0] {
            XCTAssertEqual(chiSquaredSurvival(x, degreesOfFreedom: 2), exp(-x / 2), accuracy: 1e-13 * max(1e-3, exp(-x / 2)) + 1e-300)
            XCTAssertEqual(chiSquaredSurvival(x, degreesOfFreedom: 1), erfc((x / 2).squareRoot()), accuracy: 1e-12)
            XCTAssertEqual(chiSquaredSurvival(x, degreesOfFreedom: 4), exp(-x / 2) * (1 + x / 2), accuracy: 1e-12)
        }
    }

    func testPowerLawFitRecoversExactLaw() throws {
        let x = [2.0, 5, 10, 20, 50, 100]
        let y = x.map { Measured(-3 * pow($0, -1), 0.01 * 3 * pow($0, -1)) }
        let fit = try PowerLawFit(x: x, y: y)
        XCTAssertEqual(fit.exponent, -1, accuracy: 1e-12)
        XCTAssertEqual(fit.amplitude, -3, accuracy: 1e-11)
        XCTAssertEqual(fit.chiSquared, 0, accuracy: 1e-18)
        XCTAssertEqual(fit.degreesOfFreedom, 4)
        // Exponent error for equal relative errors r: r / sqrt(Σ(ln x − mean)²).
        let lx = x.map(log), mean = lx.reduce(0, +) / Double(lx.count)
        let expected = 0.01 / lx.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }.squareRoot()
        XCTAssertEqual(fit.exponentError, expected, accuracy: 1e-12)
    }

    func testComparisonPullsAndChiSquared() throws {
        let c = try TheoryComparison(theory: "t", x: [1, 2, 3], measured: [Measured(1, 0.5), Measured(2, 1), Measured(3, 1)],
                                     predicted: [0, 2, 5], fittedParameters: 0)
        XCTAssertEqual(c.rows.map(\.pull), [2, 0, -2])
        XCTAssertEqual(c.chiSquared, 8)
        XCTAssertEqual(c.degreesOfFreedom, 3)
        XCTAssertEqual(c.pValue, chiSquaredSurvival(8, degreesOfFreedom: 3))
    }

    func testMixedSignsRejected() {
        XCTAssertThrowsError(try PowerLawFit(x: [1, 2, 3], y: [Measured(1, 0.1), Measured(-1, 0.1), Measured(1, 0.1)])) {
            XCTAssertEqual($0 as? StatisticsError, .mixedSigns)
        }
    }

    /// A χ² beyond double precision (pulls of 1e190 at σ_W = 1000, found by the fuzz test) has
    /// p = 0, not NaN.
    func testInfiniteChiSquaredHasNoTail() {
        XCTAssertEqual(chiSquaredSurvival(.infinity, degreesOfFreedom: 3), 0)
        XCTAssertEqual(chiSquaredSurvival(1e300, degreesOfFreedom: 3), 0)
    }
}
