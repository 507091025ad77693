import Foundation
import XCTest
import ODE

/// Events located by CVODE's rootfinding against crossing times known in closed form.
final class EventTests: XCTestCase {
    let options = ODEOptions(tolerances: ODETolerances(relative: 1e-12, absolute: 1e-14), method: .adams)

    /// y' = -y, y(0) = 1 crosses 1/2 at t = ln 2: the integration stops there, keeps the outputs
    /// before it, and reports the event, its direction, time and state.
    func testTerminalEventStopsAtExactCrossing() throws {
        let decay = ODEProblem(dimension: 1) { _, y, ydot in ydot[0] = -y[0] }
        let half = ODEEvent("y = 1/2") { _, y in y[0] - 0.5 }
        let solution = try decay.solve(from: 0, to: 2, initialState: [1], output: .evenlySpaced(count: 21),
                                       events: [half], options: options)
        guard case .event(let event) = solution.termination else {
            return XCTFail("expected the event to stop the integration, got \(solution.termination)")
        }
        XCTAssertEqual(event.name, "y = 1/2")
        XCTAssertEqual(event.index, 0)
        XCTAssertEqual(event.crossing, .decreasing)
        XCTAssertTrue(event.isTerminal)
        XCTAssertEqual(event.time, log(2.0), accuracy: 1e-8)
        XCTAssertEqual(event.state[0], 0.5, accuracy: 1e-8)
        XCTAssertEqual(solution.events, [event])
        XCTAssertEqual(solution.finalTime, event.time)
        XCTAssertEqual(solution.finalState, event.state)
        // Outputs at 0, 0.1, …, 0.6 lie before ln 2 ≈ 0.693; none after it.
        XCTAssertEqual(solution.times.count, 7)
        XCTAssertEqual(solution.times.last!, 0.6, accuracy: 1e-15)
    }

    /// x = cos t: with direction .increasing the event skips the decreasing zero at π/2 and
    /// fires at 3π/2; a non-terminal event on v = -sin t records every zero (π, 2π) and the
    /// integration goes on.
    func testDirectionFilterAndNonTerminalEvents() throws {
        let rising = ODEEvent("x rises through 0", direction: .increasing) { _, y in y[0] }
        let vZero = ODEEvent("v = 0", isTerminal: false) { _, y in y[1] }
        let solution = try oscillator(omega: 1).solve(
            from: 0, to: 10, initialState: [1, 0], output: .times([10]), events: [rising, vZero], options: options)
        XCTAssertEqual(solution.events.map(\.name), ["v = 0", "x rises through 0"])
        XCTAssertEqual(solution.events[0].time, .pi, accuracy: 1e-8)
        XCTAssertEqual(solution.events[0].crossing, .increasing, "v = -sin t rises through 0 at π")
        XCTAssertFalse(solution.events[0].isTerminal)
        guard case .event(let stop) = solution.termination else { return XCTFail("no terminal event") }
        XCTAssertEqual(stop.time, 1.5 * .pi, accuracy: 1e-8)
        XCTAssertEqual(stop.index, 0)
        XCTAssertEqual(stop.crossing, .increasing)
        XCTAssertTrue(solution.times.isEmpty, "the only output time, 10, lies after the event")
    }

    /// A flow-like stop: u' = -1 - u² (u = tan(π/4 - t) from u(0) = 1) ran backward from t = 0
    /// meets the bound |u| > 10 where tan(π/4 - t) = 10, t = π/4 - atan 10 < 0, keeping the
    /// trajectory computed so far.
    func testBoundEventInBackwardIntegration() throws {
        let problem = ODEProblem(dimension: 1) { _, y, ydot in ydot[0] = -1 - y[0] * y[0] }
        let bound = ODEEvent("|u| > 10") { _, y in abs(y[0]) - 10 }
        let solution = try problem.solve(from: 0, to: -2, initialState: [1], output: .evenlySpaced(count: 21),
                                         events: [bound], options: options)
        guard case .event(let event) = solution.termination else { return XCTFail("no event") }
        let exact = Double.pi / 4 - atan(10.0)
        XCTAssertEqual(event.time, exact, accuracy: 1e-8)
        XCTAssertEqual(event.crossing, .increasing)
        XCTAssertEqual(event.state[0], 10, accuracy: 1e-6)
        XCTAssertEqual(solution.times.count, 7, "outputs 0, -0.1, …, -0.6 precede t = \(exact) ≈ -0.686")
        for (t, y) in zip(solution.times, solution.states) {
            XCTAssertEqual(y[0], tan(.pi / 4 - t), accuracy: 1e-9 * max(1, abs(y[0])), "t = \(t)")
        }
    }

    /// Events are also located in one-step output mode, where they are not recorded as steps.
    func testEventInStepOutput() throws {
        let decay = ODEProblem(dimension: 1) { _, y, ydot in ydot[0] = -y[0] }
        let quarter = ODEEvent("y = 1/4") { _, y in y[0] - 0.25 }
        let solution = try decay.solve(from: 0, to: 5, initialState: [1], output: .steps,
                                       events: [quarter], options: options)
        guard case .event(let event) = solution.termination else { return XCTFail("no event") }
        XCTAssertEqual(event.time, log(4.0), accuracy: 1e-8)
        XCTAssertLessThan(solution.times.last!, event.time)
    }
}
