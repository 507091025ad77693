import Foundation
import XCTest
import ODE

/// Problems with closed-form solutions: the global error must stay below 1e-10 relative to the
/// solution's scale, with each method.
///
/// CVODE controls the local error per step; the global error accumulates over the steps. With
/// rtol 1e-12, atol 1e-14 Adams meets 1e-10 with margin (oscillator over five periods: 2e-11),
/// but BDF (order ≤ 5, thousands of steps) reaches 9e-10 there, so BDF runs with rtol 1e-14,
/// atol 1e-17 (global error 5e-12). Measured with this code; the criterion is not loosened.
final class ExactSolutionTests: XCTestCase {
    let tightBDF = ODEOptions(tolerances: ODETolerances(relative: 1e-14, absolute: 1e-17), method: .bdf)
    let tightAdams = ODEOptions(tolerances: ODETolerances(relative: 1e-12, absolute: 1e-14), method: .adams)
    var bothMethods: [ODEOptions] { [tightBDF, tightAdams] }

    /// y' = -k y, y(0) = 1: y(t) = e^{-kt}, checked relative to y(t) itself at 21 times.
    func testExponentialDecay() throws {
        let k = 1.3
        let problem = ODEProblem(dimension: 1, jacobian: { _, _, _, J in J[0, 0] = -k }) { _, y, ydot in
            ydot[0] = -k * y[0]
        }
        for options in bothMethods {
            try checkDecay(problem, k: k, options: options)
        }
    }

    private func checkDecay(_ problem: ODEProblem, k: Double, options: ODEOptions) throws {
        let solution = try problem.solve(from: 0, to: 5, initialState: [1], output: .evenlySpaced(count: 21),
                                         options: options)
        XCTAssertEqual(solution.times.count, 21)
        XCTAssertEqual(solution.termination, .reachedEnd)
        for (t, y) in zip(solution.times, solution.states) {
            let exact = exp(-k * t)
            XCTAssertLessThan(abs(y[0] - exact) / exact, 1e-10, "t = \(t), \(options.method)")
        }
        XCTAssertEqual(solution.times.first, 0)
        XCTAssertEqual(solution.times.last, 5)
        XCTAssertEqual(solution.finalTime, 5)
        XCTAssertGreaterThan(solution.statistics.jacobianEvaluations, 0)
        XCTAssertEqual(solution.statistics.rightHandSideEvaluationsForJacobian, 0, "exact Jacobian in use")
    }

    /// x'' = -ω² x as y = (x, v): x = cos ωt, v = -ω sin ωt over five periods; errors relative
    /// to the amplitudes 1 and ω (both components pass through zero).
    func testHarmonicOscillator() throws {
        for options in bothMethods {
            let solution = try oscillator(omega: 2).solve(
                from: 0, to: 5 * .pi, initialState: [1, 0], output: .evenlySpaced(count: 101), options: options)
            XCTAssertEqual(solution.times.count, 101)
            assertOscillator(solution, omega: 2)
            XCTAssertEqual(solution.statistics.rightHandSideEvaluationsForJacobian, 0)
        }
    }

    /// Decreasing time: y' = -y from t = 2 back to t = 0 starting at y(2) = e^{-2}, so y(t) = e^{-t};
    /// and the oscillator run backward from t = 0 to -3π.
    func testBackwardIntegration() throws {
        let decay = ODEProblem(dimension: 1) { _, y, ydot in ydot[0] = -y[0] }
        let solution = try decay.solve(from: 2, to: 0, initialState: [exp(-2.0)],
                                       output: .times([1.5, 1, 0.5, 0]), options: tightBDF)
        XCTAssertEqual(solution.times, [1.5, 1, 0.5, 0])
        for (t, y) in zip(solution.times, solution.states) {
            XCTAssertLessThan(abs(y[0] - exp(-t)) / exp(-t), 1e-10, "t = \(t)")
        }
        XCTAssertLessThan(solution.statistics.lastStepSize, 0, "CVODE stepped toward decreasing t")

        for options in bothMethods {
            let backward = try oscillator(omega: 1.5).solve(
                from: 0, to: -3 * .pi, initialState: [1, 0], output: .evenlySpaced(count: 31), options: options)
            XCTAssertEqual(backward.times.last, -3 * .pi)
            XCTAssertTrue(zip(backward.times, backward.times.dropFirst()).allSatisfy { $0 > $1 })
            assertOscillator(backward, omega: 1.5)
        }
    }

    /// Adams–Moulton on the nonstiff y' = y cos t, y(0) = 1: y = e^{sin t}. Adams may raise its
    /// order above BDF's maximum of 5, which shows which family CVODE used.
    func testAdamsOnNonstiffProblem() throws {
        let problem = ODEProblem(dimension: 1) { t, y, ydot in ydot[0] = y[0] * cos(t) }
        let solution = try problem.solve(from: 0, to: 20, initialState: [1], output: .evenlySpaced(count: 41),
                                         options: tightAdams)
        for (t, y) in zip(solution.times, solution.states) {
            let exact = exp(sin(t))
            XCTAssertLessThan(abs(y[0] - exact) / exact, 1e-10, "t = \(t)")
        }
        XCTAssertGreaterThan(solution.statistics.lastOrder, 5, "only Adams reaches orders above 5")
    }

    /// Output after every internal step: starts at t0, strictly increasing, lands on the end
    /// time, one entry per step, and every entry accurate.
    func testOutputAtEveryStep() throws {
        let problem = ODEProblem(dimension: 1) { _, y, ydot in ydot[0] = -y[0] }
        let solution = try problem.solve(from: 0, to: 3, initialState: [1], output: .steps, options: tightAdams)
        XCTAssertEqual(solution.times.first, 0)
        XCTAssertEqual(solution.times.last, 3)
        XCTAssertEqual(solution.times.count, solution.statistics.steps + 1)
        XCTAssertTrue(zip(solution.times, solution.times.dropFirst()).allSatisfy { $0 < $1 })
        for (t, y) in zip(solution.times, solution.states) {
            XCTAssertLessThan(abs(y[0] - exp(-t)) / exp(-t), 1e-10, "t = \(t)")
        }
        XCTAssertEqual(solution.statistics.internalTime, 3, "the stop time keeps the last step on the end")
    }

    /// Per-component absolute tolerances, listed output times including t0, and the end time
    /// not among the outputs (the integration still runs to it).
    func testListedTimesAndPerComponentTolerances() throws {
        let options = ODEOptions(tolerances: ODETolerances(relative: 1e-12, absolute: [1e-14, 1e-13]),
                                 method: .adams)
        let solution = try oscillator(omega: 1).solve(
            from: 0, to: 2, initialState: [1, 0], output: .times([0, 0.25, 1]), options: options)
        XCTAssertEqual(solution.times, [0, 0.25, 1])
        XCTAssertEqual(solution.states[0], [1, 0])
        XCTAssertEqual(solution.finalTime, 2)
        XCTAssertLessThan(abs(solution.finalState[0] - cos(2.0)), 1e-10)
        assertOscillator(solution, omega: 1)
    }

    /// With a stop time, CVODE never evaluates f beyond it; without one it may step past the
    /// end and interpolate back.
    func testStopTimeKeepsRightHandSideInRange() throws {
        final class Latest { var t = -Double.infinity }
        let latest = Latest()
        let problem = ODEProblem(dimension: 1) { t, y, ydot in
            latest.t = max(latest.t, t)
            ydot[0] = -y[0]
        }
        // A single method in CV_NORMAL mode (auto never steps past the end, stop time or not).
        var options = ODEOptions(tolerances: ODETolerances(relative: 1e-6, absolute: 1e-10), method: .bdf)
        _ = try problem.solve(from: 0, to: 1, initialState: [1], output: .evenlySpaced(count: 2), options: options)
        XCTAssertGreaterThan(latest.t, 1, "without a stop time CVODE steps past the end")

        latest.t = -.infinity
        options.stopTime = 1
        let solution = try problem.solve(from: 0, to: 1, initialState: [1], output: .evenlySpaced(count: 2),
                                         options: options)
        XCTAssertLessThanOrEqual(latest.t, 1)
        XCTAssertEqual(solution.statistics.internalTime, 1)
        XCTAssertLessThan(abs(solution.finalState[0] - exp(-1.0)), 1e-5)
    }

    /// Two solvers on two threads at once give bit-for-bit the results of running them one
    /// after the other: no shared state between solves.
    func testConcurrentSolvesAreIndependent() throws {
        let omegas = [1.0, 2.5]
        func run(_ omega: Double) throws -> ODESolution {
            try oscillator(omega: omega).solve(from: 0, to: 20, initialState: [1, 0],
                                               output: .evenlySpaced(count: 50), options: tightAdams)
        }
        let sequential = try omegas.map(run)
        final class Results: @unchecked Sendable { var solutions = [ODESolution?](repeating: nil, count: 2) }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            results.solutions[i] = try? run(omegas[i])
        }
        for i in 0..<2 {
            let concurrent = try XCTUnwrap(results.solutions[i])
            XCTAssertEqual(concurrent.states, sequential[i].states)
            XCTAssertEqual(concurrent.statistics, sequential[i].statistics)
        }
    }
}

/// x' = v, v' = -ω² x with its exact Jacobian.
func oscillator(omega: Double) -> ODEProblem {
    ODEProblem(dimension: 2, jacobian: { _, _, _, J in
        J[0, 1] = 1
        J[1, 0] = -omega * omega
    }) { _, y, ydot in
        ydot[0] = y[1]
        ydot[1] = -omega * omega * y[0]
    }
}

/// Checks x = cos ωt, v = -ω sin ωt to 1e-10 relative to the amplitudes 1 and ω.
func assertOscillator(_ solution: ODESolution, omega: Double, file: StaticString = #filePath, line: UInt = #line) {
    for (t, y) in zip(solution.times, solution.states) {
        XCTAssertLessThan(abs(y[0] - cos(omega * t)), 1e-10, "x at t = \(t)", file: file, line: line)
        XCTAssertLessThan(abs(y[1] + omega * sin(omega * t)) / omega, 1e-10, "v at t = \(t)", file: file, line: line)
    }
}
