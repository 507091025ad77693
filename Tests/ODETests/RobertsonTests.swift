import Foundation
import XCTest
import ODE

/// RobertsonProblem (SUNDIALS' cvRoberts_dns example) against the example's published output.
final class RobertsonTests: XCTestCase {
    /// The rows of /usr/share/doc/libsundials-dev/examples/cvode/serial/cvRoberts_dns.out
    /// (SUNDIALS 6.4.1), as printed by the example: t with "%0.4e", y with "%14.6e".
    /// The example compiled against the installed library reproduces this file byte for byte.
    static let referenceRows: [(t: String, y: [String], roots: [Int32]?)] = [
        ("2.6391e-01", ["9.899653e-01", "3.470564e-05", "1.000000e-02"], [0, 1]),
        ("4.0000e-01", ["9.851641e-01", "3.386242e-05", "1.480205e-02"], nil),
        ("4.0000e+00", ["9.055097e-01", "2.240338e-05", "9.446793e-02"], nil),
        ("4.0000e+01", ["7.158017e-01", "9.185037e-06", "2.841892e-01"], nil),
        ("4.0000e+02", ["4.505360e-01", "3.223271e-06", "5.494608e-01"], nil),
        ("4.0000e+03", ["1.832299e-01", "8.944378e-07", "8.167692e-01"], nil),
        ("4.0000e+04", ["3.898902e-02", "1.622006e-07", "9.610108e-01"], nil),
        ("4.0000e+05", ["4.936383e-03", "1.984224e-08", "9.950636e-01"], nil),
        ("4.0000e+06", ["5.168093e-04", "2.068293e-09", "9.994832e-01"], nil),
        ("2.0790e+07", ["1.000000e-04", "4.000397e-10", "9.999000e-01"], [-1, 0]),
        ("4.0000e+07", ["5.202440e-05", "2.081083e-10", "9.999480e-01"], nil),
        ("4.0000e+08", ["5.201061e-06", "2.080435e-11", "9.999948e-01"], nil),
        ("4.0000e+09", ["5.258603e-07", "2.103442e-12", "9.999995e-01"], nil),
        ("4.0000e+10", ["6.934511e-08", "2.773804e-13", "9.999999e-01"], nil),
    ]

    /// "Final Statistics" of the same file.
    static let referenceStatistics = (
        steps: 542, errorTestFailures: 22, rhsEvaluations: 754, nonlinearIterations: 751,
        nonlinearFailures: 3, linearSolverSetups: 107, jacobianEvaluations: 11, rootEvaluations: 570,
        lastOrder: 4, initialStep: 8.236259832589498e-14, lastStep: 4747036977.219155,
        currentTime: 41154661313.59952)

    /// Every printed row, output times and roots merged in order of time, agrees with the
    /// reference to all 7 printed digits.
    func testMatchesSundialsReferenceOutput() throws {
        let solution = try RobertsonProblem.solve()
        XCTAssertEqual(solution.termination, .reachedEnd)
        var rows: [(t: Double, y: [Double], roots: [Int32]?)] = zip(solution.times, solution.states).map {
            ($0, $1, nil)
        }
        for event in solution.events {
            var roots: [Int32] = [0, 0]
            roots[event.index] = event.crossing == .increasing ? 1 : -1
            rows.append((event.time, event.state, roots))
        }
        rows.sort { $0.t < $1.t }
        XCTAssertEqual(rows.count, Self.referenceRows.count)
        for (row, reference) in zip(rows, Self.referenceRows) {
            XCTAssertEqual(String(format: "%0.4e", row.t), reference.t)
            XCTAssertEqual(row.y.map { String(format: "%.6e", $0) }, reference.y, "t = \(reference.t)")
            XCTAssertEqual(row.roots, reference.roots, "t = \(reference.t)")
        }
        XCTAssertEqual(solution.events.map(\.name), ["y3 = 0.01", "y1 = 1e-4"])
    }

    /// The shim drives CVODE with the same calls as the example, so CVODE takes the very same
    /// steps: every counter of the reference's "Final Statistics" agrees exactly, and the step
    /// sizes and internal time to the 16 digits printed.
    func testMatchesSundialsReferenceStatistics() throws {
        let stats = try RobertsonProblem.solve().statistics
        let reference = Self.referenceStatistics
        XCTAssertEqual(stats.steps, reference.steps)
        XCTAssertEqual(stats.errorTestFailures, reference.errorTestFailures)
        XCTAssertEqual(stats.rightHandSideEvaluations, reference.rhsEvaluations)
        XCTAssertEqual(stats.nonlinearIterations, reference.nonlinearIterations)
        XCTAssertEqual(stats.nonlinearConvergenceFailures, reference.nonlinearFailures)
        XCTAssertEqual(stats.linearSolverSetups, reference.linearSolverSetups)
        XCTAssertEqual(stats.jacobianEvaluations, reference.jacobianEvaluations)
        XCTAssertEqual(stats.rightHandSideEvaluationsForJacobian, 0)
        XCTAssertEqual(stats.eventFunctionEvaluations, reference.rootEvaluations)
        XCTAssertEqual(stats.lastOrder, reference.lastOrder)
        XCTAssertEqual(stats.initialStepSize, reference.initialStep, accuracy: 1e-15 * reference.initialStep)
        XCTAssertEqual(stats.lastStepSize, reference.lastStep, accuracy: 1e-15 * reference.lastStep)
        XCTAssertEqual(stats.internalTime, reference.currentTime, accuracy: 1e-15 * reference.currentTime)
    }

    /// The example's own accuracy check (check_ans in cvRoberts_dns.c): at t = 4e10 the
    /// weighted RMS distance to a reference solution computed with rtol 1e-8, atol 1e-14,
    /// weights 1/(rtol·|ref_i| + 10·atol_i), is below 1.
    func testFinalStateWithinToleranceOfAccurateReference() throws {
        let solution = try RobertsonProblem.solve()
        let reference = [5.2083495894337328e-08, 2.0833399429795671e-13, 9.9999994791629776e-01]
        let atol = [1.0e-8, 1.0e-14, 1.0e-6]
        let squares = (0..<3).map { i -> Double in
            let weight = 1 / (1.0e-4 * abs(reference[i]) + 10 * atol[i])
            return pow((solution.finalState[i] - reference[i]) * weight, 2)
        }
        let wrms = sqrt(squares.reduce(0, +) / 3)
        XCTAssertLessThan(wrms, 1)
        XCTAssertEqual(solution.finalTime, 4.0e10)
    }
}
