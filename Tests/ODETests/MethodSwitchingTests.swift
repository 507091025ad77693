import Foundation
import XCTest
import ODE

/// `ODEMethod.auto`: Adams (fixed-point iteration) where the problem is non-stiff, BDF (Newton)
/// where it is stiff, switching by restarting CVODE; and `.adams` with either iteration.
final class MethodSwitchingTests: XCTestCase {
    /// The harmonic oscillator y'' = −y, exact solution (cos t, −sin t).
    let oscillator = ODEProblem(dimension: 2, jacobian: { _, _, _, J in J[0, 1] = 1; J[1, 0] = -1 }) { _, y, ydot in
        ydot[0] = y[1]
        ydot[1] = -y[0]
    }

    /// A non-stiff problem stays with Adams all the way (no BDF step, no switch) and agrees with
    /// the exact solution at every output. Ten periods at rtol 1e-10: the global error of a
    /// non-dissipative oscillation grows about linearly with the number of steps, so 1e-7 is a
    /// bound with a wide margin, and the same bound holds for BDF and for Adams with Newton.
    func testNonStiffProblemStaysAdams() throws {
        let times = (0...40).map { Double($0) * Double.pi / 2 }
        for (method, iteration) in [(ODEMethod.auto, nil), (.adams, nil), (.adams, ODEIteration.fixedPoint), (.bdf, nil)] {
            let options = ODEOptions(tolerances: ODETolerances(relative: 1e-10, absolute: 1e-12), method: method,
                                     iteration: iteration, maxSteps: 100_000)
            let solution = try oscillator.solve(from: 0, to: 20 * Double.pi, initialState: [1, 0],
                                                output: .times(times), options: options)
            XCTAssertEqual(solution.times, times, "\(method)")
            for (t, y) in zip(solution.times, solution.states) {
                XCTAssertEqual(y[0], cos(t), accuracy: 1e-7, "\(method) \(String(describing: iteration)) at t = \(t)")
                XCTAssertEqual(y[1], -sin(t), accuracy: 1e-7, "\(method) \(String(describing: iteration)) at t = \(t)")
            }
            let s = solution.statistics
            XCTAssertEqual(s.methodSwitches, 0, "\(method)")
            XCTAssertEqual(s.bdfSteps, method == .bdf ? s.steps : 0, "\(method)")
            // Fixed-point iteration evaluates no Jacobian; Newton does; auto's Adams only for its
            // stiffness check every 20 steps.
            switch (method, iteration) {
            case (.auto, _):
                XCTAssertGreaterThan(s.jacobianEvaluations, 0)
                XCTAssertLessThanOrEqual(s.jacobianEvaluations, s.steps / 20)
            case (_, .fixedPoint?): XCTAssertEqual(s.jacobianEvaluations, 0)
            default: XCTAssertGreaterThan(s.jacobianEvaluations, 0, "\(method)")
            }
        }
    }

    /// Adams' higher orders (up to 12 against BDF's 5) make it take fewer steps at tight
    /// tolerances on a smooth problem: the point of choosing it where the problem allows.
    func testAdamsTakesFewerStepsThanBDFAtTightTolerance() throws {
        func steps(_ method: ODEMethod) throws -> Int {
            let options = ODEOptions(tolerances: ODETolerances(relative: 1e-10, absolute: 1e-12), method: method,
                                     maxSteps: 100_000)
            return try oscillator.solve(from: 0, to: 20 * Double.pi, initialState: [1, 0],
                                        output: .evenlySpaced(count: 2), options: options).statistics.steps
        }
        XCTAssertLessThan(try steps(.auto), try steps(.bdf))
    }

    /// A stiff problem (SUNDIALS' Robertson kinetics, t up to 4e10) makes the fixed-point
    /// iteration fail: auto switches to BDF, takes most steps there, and reaches the states of
    /// the BDF-only run. Both integrate at rtol 1e-4, so their states may differ by a few times
    /// that; 1e-3 relative (per component, above the absolute tolerance) is the bound.
    func testStiffProblemSwitchesToBDF() throws {
        var options = RobertsonProblem.options
        options.method = .auto
        options.maxSteps = 100_000
        let auto = try RobertsonProblem.problem.solve(from: 0, to: 4.0e10, initialState: [1, 0, 0],
                                                     output: .times(RobertsonProblem.outputTimes),
                                                     events: RobertsonProblem.events, options: options)
        let bdf = try RobertsonProblem.solve()
        XCTAssertEqual(auto.times, bdf.times)
        let atol = [1.0e-8, 1.0e-14, 1.0e-6]
        for (a, b) in zip(auto.states, bdf.states) {
            for i in 0..<3 {
                XCTAssertLessThanOrEqual(abs(a[i] - b[i]), 1e-3 * abs(b[i]) + 10 * atol[i], "component \(i): \(a) vs \(b)")
            }
        }
        XCTAssertEqual(auto.events.map(\.name), bdf.events.map(\.name))
        for (a, b) in zip(auto.events, bdf.events) { XCTAssertEqual(a.time, b.time, accuracy: 1e-3 * b.time) }
        let s = auto.statistics
        XCTAssertGreaterThanOrEqual(s.methodSwitches, 1)
        XCTAssertGreaterThan(s.bdfSteps, s.steps / 2, "the stiff stretch is integrated with BDF")
        // Adams with fixed-point iteration alone cannot get through the stiff stretch.
        options.method = .adams
        options.iteration = .fixedPoint
        options.maxSteps = 5000
        XCTAssertThrowsError(try RobertsonProblem.problem.solve(
            from: 0, to: 4.0e10, initialState: [1, 0, 0], output: .evenlySpaced(count: 2), options: options)) { error in
            XCTAssertNotNil((error as? ODEError)?.flagName, "\(error)")
        }
    }

    /// Under auto, terminal events stop the integration where they cross, outputs before them
    /// are kept (interpolated from CVODE's polynomial) and none after: dλ/dt = λ², λ(0) = 1,
    /// λ = 1/(1 − t) reaches 100 at t = 0.99 (to CVODE's root tolerance and the integration error).
    func testEventsAndOutputsUnderAuto() throws {
        let problem = ODEProblem(dimension: 1, jacobian: { _, y, _, J in J[0, 0] = 2 * y[0] }) { _, y, ydot in
            ydot[0] = y[0] * y[0]
        }
        let bound = ODEEvent("λ = 100", direction: .increasing) { _, y in y[0] - 100 }
        let options = ODEOptions(tolerances: ODETolerances(relative: 1e-10, absolute: 1e-12))
        XCTAssertEqual(options.method, .auto, "auto is the default")
        let solution = try problem.solve(from: 0, to: 2, initialState: [1], output: .evenlySpaced(count: 9),
                                         events: [bound], options: options)
        guard case .event(let event) = solution.termination else { return XCTFail("no event: \(solution.termination)") }
        XCTAssertEqual(event.time, 0.99, accuracy: 1e-8)
        XCTAssertEqual(event.state[0], 100, accuracy: 1e-5)
        XCTAssertEqual(solution.times, [0, 0.25, 0.5, 0.75])
        for (t, y) in zip(solution.times, solution.states) { XCTAssertEqual(y[0], 1 / (1 - t), accuracy: 1e-8 / (1 - t)) }
        XCTAssertEqual(solution.finalTime, event.time)

        // Every step recorded, backwards in time: λ(t) = 1/(1 − t) from t = 0 down to −3.
        let steps = try problem.solve(from: 0, to: -3, initialState: [1], output: .steps, options: options)
        XCTAssertEqual(steps.times.first, 0)
        XCTAssertEqual(steps.times.last, -3)
        XCTAssertEqual(steps.times.count, steps.statistics.steps + 1)
        for (t, y) in zip(steps.times, steps.states) { XCTAssertEqual(y[0], 1 / (1 - t), accuracy: 1e-8) }
    }

    /// The step budget holds under auto as for a single method: between two outputs, over the
    /// whole integration for one-step output; exceeding it is CV_TOO_MUCH_WORK.
    func testStepBudgetUnderAuto() {
        let options = ODEOptions(tolerances: ODETolerances(relative: 1e-10, absolute: 1e-12), maxSteps: 20)
        for output in [ODEOutput.evenlySpaced(count: 2), .steps] {
            XCTAssertThrowsError(try oscillator.solve(from: 0, to: 100, initialState: [1, 0], output: output,
                                                      options: options)) { error in
                XCTAssertEqual((error as? ODEError)?.flagName, "CV_TOO_MUCH_WORK", "\(error)")
            }
        }
        // Many outputs, each within the budget of the one before, get through.
        XCTAssertNoThrow(try oscillator.solve(from: 0, to: 100, initialState: [1, 0], output: .evenlySpaced(count: 1001),
                                              options: options))
    }
}
