import Foundation

/// The stiff Robertson chemical-kinetics problem exactly as SUNDIALS' example
/// cvRoberts_dns.c sets it up, shared by the tests (which compare with the example's published
/// output) and the benchmarks:
///
///     y1' = -0.04 y1 + 1e4 y2 y3
///     y2' =  0.04 y1 - 1e4 y2 y3 - 3e7 y2²
///     y3' =  3e7 y2²,     y(0) = (1, 0, 0), t from 0 to 4e10,
///
/// BDF, Newton with the dense solver and the exact Jacobian, rtol 1e-4,
/// atol (1e-8, 1e-14, 1e-6), outputs at t = 0.4·10^k (k = 0…11), and the root functions
/// g1 = y1 - 1e-4, g2 = y3 - 0.01 (non-terminal: the example prints each root and goes on).
public enum RobertsonProblem {
    public static var problem: ODEProblem {
        ODEProblem(dimension: 3, jacobian: jacobian(t:y:fy:J:), rightHandSide: rightHandSide(t:y:ydot:))
    }

    private static func jacobian(
        t: Double, y: UnsafeBufferPointer<Double>, fy: UnsafeBufferPointer<Double>, J: JacobianMatrix
    ) {
        J[0, 0] = -0.04
        J[0, 1] = 1.0e4 * y[2]
        J[0, 2] = 1.0e4 * y[1]
        J[1, 0] = 0.04
        J[1, 1] = -1.0e4 * y[2] - 6.0e7 * y[1]
        J[1, 2] = -1.0e4 * y[1]
        J[2, 1] = 6.0e7 * y[1]
    }

    private static func rightHandSide(
        t: Double, y: UnsafeBufferPointer<Double>, ydot: UnsafeMutableBufferPointer<Double>
    ) {
        // The example's operations in the example's order, for bit-identical results.
        let yd1 = -0.04 * y[0] + 1.0e4 * y[1] * y[2]
        let yd3 = 3.0e7 * y[1] * y[1]
        ydot[0] = yd1
        ydot[2] = yd3
        ydot[1] = -yd1 - yd3
    }

    public static var events: [ODEEvent] {
        [
            ODEEvent("y1 = 1e-4", isTerminal: false) { _, y in y[0] - 1.0e-4 },
            ODEEvent("y3 = 0.01", isTerminal: false) { _, y in y[2] - 0.01 },
        ]
    }

    public static let options = ODEOptions(
        tolerances: ODETolerances(relative: 1.0e-4, absolute: [1.0e-8, 1.0e-14, 1.0e-6]), method: .bdf)

    public static let outputTimes = (0..<12).map { 0.4 * pow(10.0, Double($0)) }

    /// Runs the example's integration.
    public static func solve() throws -> ODESolution {
        try problem.solve(from: 0, to: 4.0e10, initialState: [1, 0, 0], output: .times(outputTimes),
                          events: events, options: options)
    }
}
