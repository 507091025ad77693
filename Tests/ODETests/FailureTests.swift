import Foundation
import XCTest
import ODE

private struct Boom: Error, Equatable {
    let t: Double
}

/// Counts right-hand-side calls, to show that validation errors come before CVODE runs.
private final class Calls {
    var count = 0
}

/// CVODE failures come back as ODEError.solverFailed with CVODE's flag name and message;
/// invalid input is rejected before CVODE is called.
final class FailureTests: XCTestCase {
    /// BDF with Newton, one CVODE session driven in CV_NORMAL mode: its flags and messages
    /// (Jacobian failures need Newton). The failures under `auto` are in MethodSwitchingTests.
    let options = ODEOptions(tolerances: ODETolerances(relative: 1e-8, absolute: 1e-12), method: .bdf)

    private func cvodeFailure(_ body: () throws -> ODESolution, file: StaticString = #filePath,
                         line: UInt = #line) -> CVodeFailure? {
        do {
            _ = try body()
            XCTFail("expected a CVODE failure", file: file, line: line)
        } catch ODEError.solverFailed(let failure) {
            return failure
        } catch {
            XCTFail("expected ODEError.solverFailed, got \(error)", file: file, line: line)
        }
        return nil
    }

    /// An error thrown by f is unrecoverable: CVODE stops with CV_RHSFUNC_FAIL, and the thrown
    /// error comes back unchanged as `underlying`.
    func testUnrecoverableRightHandSideFailure() throws {
        let problem = ODEProblem(dimension: 1) { t, y, ydot in
            if t > 0.5 { throw Boom(t: t) }
            ydot[0] = -y[0]
        }
        let failure = try XCTUnwrap(cvodeFailure {
            try problem.solve(from: 0, to: 1, initialState: [1], output: .evenlySpaced(count: 3), options: options)
        })
        XCTAssertEqual(failure.flagName, "CV_RHSFUNC_FAIL")
        XCTAssertEqual(failure.flag, -8)
        XCTAssertTrue(failure.message.contains("right-hand side routine failed in an unrecoverable manner"),
                      failure.message)
        let boom = try XCTUnwrap(failure.underlying as? Boom)
        XCTAssertGreaterThan(boom.t, 0.5)
        // CVODE reports the last time it reached and the state there.
        XCTAssertLessThanOrEqual(failure.time, 0.5)
        XCTAssertEqual(failure.state[0], exp(-failure.time), accuracy: 1e-6)
        XCTAssertEqual(ODEError.solverFailed(failure).flagName, "CV_RHSFUNC_FAIL")

        // Failing at the very first evaluation, at t0, gives the same flag.
        let atStart = ODEProblem(dimension: 1) { t, _, _ in throw Boom(t: t) }
        let first = try XCTUnwrap(cvodeFailure {
            try atStart.solve(from: 0, to: 1, initialState: [1], output: .evenlySpaced(count: 2), options: options)
        })
        XCTAssertEqual(first.flagName, "CV_RHSFUNC_FAIL")
        XCTAssertEqual(first.underlying as? Boom, Boom(t: 0))
    }

    /// A recoverable failure makes CVODE retry with a smaller step: one such failure is
    /// absorbed and the answer is still right.
    func testRecoverableFailureIsRetried() throws {
        final class Once { var failed = false }
        let once = Once()
        let problem = ODEProblem(dimension: 1) { t, y, ydot in
            if t > 0.5 && !once.failed {
                once.failed = true
                throw ODERecoverableFailure("first evaluation past t = 0.5")
            }
            ydot[0] = -y[0]
        }
        let solution = try problem.solve(from: 0, to: 1, initialState: [1], output: .evenlySpaced(count: 2),
                                         options: options)
        XCTAssertTrue(once.failed)
        XCTAssertEqual(solution.finalState[0], exp(-1.0), accuracy: 1e-6)
    }

    /// Recoverable failures CVODE cannot get around. Past a fixed time, CVODE shrinks its step
    /// toward it until the step budget is spent (CV_TOO_MUCH_WORK); when every evaluation fails,
    /// it gives up after repeated failures on one step (CV_REPTD_RHSFUNC_ERR). Either way the
    /// last recoverable failure is attached.
    func testRecoverableFailuresCVODECannotAvoid() throws {
        let wall = ODEProblem(dimension: 1) { t, y, ydot in
            if t > 0.5 { throw ODERecoverableFailure("undefined past t = 0.5") }
            ydot[0] = -y[0]
        }
        let approach = try XCTUnwrap(cvodeFailure {
            try wall.solve(from: 0, to: 1, initialState: [1], output: .evenlySpaced(count: 2), options: options)
        })
        XCTAssertEqual(approach.flagName, "CV_TOO_MUCH_WORK")
        XCTAssertEqual((approach.underlying as? ODERecoverableFailure)?.reason, "undefined past t = 0.5")
        XCTAssertLessThanOrEqual(approach.time, 0.5)
        XCTAssertGreaterThan(approach.time, 0.49)

        let calls = Calls()
        let alwaysFailing = ODEProblem(dimension: 1) { _, y, ydot in
            calls.count += 1
            if calls.count > 3 { throw ODERecoverableFailure("evaluation \(calls.count)") }
            ydot[0] = -y[0]
        }
        let repeated = try XCTUnwrap(cvodeFailure {
            try alwaysFailing.solve(from: 0, to: 1, initialState: [1], output: .evenlySpaced(count: 2),
                                    options: options)
        })
        XCTAssertEqual(repeated.flagName, "CV_REPTD_RHSFUNC_ERR")
        XCTAssertEqual((repeated.underlying as? ODERecoverableFailure)?.reason, "evaluation \(calls.count)")
    }

    /// Ten steps cannot cover fifty periods: CV_TOO_MUCH_WORK, in both output modes.
    func testTooSmallStepBudget() throws {
        var budget = options
        budget.maxSteps = 10
        let failure = try XCTUnwrap(cvodeFailure {
            try oscillator(omega: 1).solve(from: 0, to: 100 * .pi, initialState: [1, 0],
                                           output: .evenlySpaced(count: 2), options: budget)
        })
        XCTAssertEqual(failure.flagName, "CV_TOO_MUCH_WORK")
        XCTAssertTrue(failure.message.contains("mxstep steps taken before reaching tout"), failure.message)
        XCTAssertNil(failure.underlying)
        XCTAssertGreaterThan(failure.time, 0)

        let steps = try XCTUnwrap(cvodeFailure {
            try oscillator(omega: 1).solve(from: 0, to: 100 * .pi, initialState: [1, 0], output: .steps,
                                           options: budget)
        })
        XCTAssertEqual(steps.flagName, "CV_TOO_MUCH_WORK")
    }

    /// An event function that throws stops CVODE with CV_RTFUNC_FAIL; a Jacobian that throws,
    /// with CV_LSETUP_FAIL. Both carry the thrown error.
    func testEventAndJacobianFailures() throws {
        let decay = ODEProblem(dimension: 1) { _, y, ydot in ydot[0] = -y[0] }
        let broken = ODEEvent("broken") { t, _ in throw Boom(t: t) }
        let rootFailure = try XCTUnwrap(cvodeFailure {
            try decay.solve(from: 0, to: 1, initialState: [1], output: .evenlySpaced(count: 2),
                            events: [broken], options: options)
        })
        XCTAssertEqual(rootFailure.flagName, "CV_RTFUNC_FAIL")
        XCTAssertNotNil(rootFailure.underlying as? Boom)

        let badJacobian = ODEProblem(dimension: 1, jacobian: { t, _, _, _ in throw Boom(t: t) }) { _, y, ydot in
            ydot[0] = -y[0]
        }
        let setupFailure = try XCTUnwrap(cvodeFailure {
            try badJacobian.solve(from: 0, to: 1, initialState: [1], output: .evenlySpaced(count: 2), options: options)
        })
        XCTAssertEqual(setupFailure.flagName, "CV_LSETUP_FAIL")
        XCTAssertNotNil(setupFailure.underlying as? Boom)
    }

    /// Negative, NaN, infinite and wrongly counted tolerances are rejected by validation, with
    /// a validation case (not CVODE's CV_ILL_INPUT) and without a single call of f.
    func testInvalidTolerancesRejectedBeforeCVODE() {
        let calls = Calls()
        let problem = ODEProblem(dimension: 2) { _, y, ydot in
            calls.count += 1
            ydot[0] = y[1]
            ydot[1] = -y[0]
        }
        func rejection(_ tolerances: ODETolerances) -> ODEError? {
            do {
                _ = try problem.solve(from: 0, to: 1, initialState: [1, 0], output: .evenlySpaced(count: 2),
                                      options: ODEOptions(tolerances: tolerances))
            } catch let error as ODEError {
                return error
            } catch {
                XCTFail("unexpected \(error)")
            }
            return nil
        }
        func check(_ tolerances: ODETolerances, _ matches: (ODEError) -> Bool, line: UInt = #line) {
            let error = rejection(tolerances)
            XCTAssertNil(error?.flagName, "rejected by CVODE, not by validation: \(String(describing: error))", line: line)
            XCTAssertTrue(error.map(matches) ?? false, "got \(String(describing: error))", line: line)
        }
        check(ODETolerances(relative: -1e-6, absolute: 1e-10)) {
            if case .invalidRelativeTolerance(-1e-6) = $0 { return true } else { return false }
        }
        check(ODETolerances(relative: .nan, absolute: 1e-10)) {
            if case .invalidRelativeTolerance(let r) = $0 { return r.isNaN } else { return false }
        }
        check(ODETolerances(relative: 1e-6, absolute: -1e-10)) {
            if case .invalidAbsoluteTolerance(nil, -1e-10) = $0 { return true } else { return false }
        }
        check(ODETolerances(relative: 1e-6, absolute: .infinity)) {
            if case .invalidAbsoluteTolerance(nil, .infinity) = $0 { return true } else { return false }
        }
        check(ODETolerances(relative: 1e-6, absolute: [1e-10])) {
            if case .absoluteToleranceCount(expected: 2, actual: 1) = $0 { return true } else { return false }
        }
        check(ODETolerances(relative: 1e-6, absolute: [1e-10, .nan])) {
            if case .invalidAbsoluteTolerance(component: 1, let a) = $0 { return a.isNaN } else { return false }
        }
        XCTAssertEqual(calls.count, 0, "CVODE never evaluated f")
        // The same problem with valid tolerances does run.
        XCTAssertNoThrow(try problem.solve(from: 0, to: 1, initialState: [1, 0], output: .evenlySpaced(count: 2),
                                           options: ODEOptions(tolerances: ODETolerances(relative: 1e-6, absolute: 1e-10))))
        XCTAssertGreaterThan(calls.count, 0)
    }

    /// The other inputs CVODE would reject or misuse.
    func testInvalidInputRejected() {
        let decay = ODEProblem(dimension: 1) { _, y, ydot in ydot[0] = -y[0] }
        func error(_ problem: ODEProblem = decay, from start: Double = 0, to end: Double = 1,
                   initialState: [Double] = [1], output: ODEOutput = .evenlySpaced(count: 2),
                   options: ODEOptions? = nil) -> String {
            do {
                _ = try problem.solve(from: start, to: end, initialState: initialState, output: output,
                                      options: options ?? self.options)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        var zeroSteps = options
        zeroSteps.maxSteps = 0
        var earlyStop = options
        earlyStop.stopTime = 0.5
        let banded = ODEProblem(dimension: 3, jacobianStructure: .banded(upper: 3, lower: 0)) { _, _, ydot in
            for i in 0..<3 { ydot[i] = 0 }
        }
        let empty = ODEProblem(dimension: 0) { _, _, _ in }
        XCTAssertEqual(error(empty, initialState: []), ODEError.invalidDimension(0).description)
        XCTAssertEqual(error(initialState: [1, 2]), ODEError.initialStateCount(expected: 1, actual: 2).description)
        XCTAssertEqual(error(initialState: [.nan]), ODEError.nonFiniteInitialState(component: 0, value: .nan).description)
        XCTAssertEqual(error(to: 0), ODEError.invalidTimeSpan(start: 0, end: 0).description)
        XCTAssertEqual(error(to: .infinity), ODEError.invalidTimeSpan(start: 0, end: .infinity).description)
        XCTAssertEqual(error(banded, initialState: [0, 0, 0]),
                       ODEError.invalidBandwidth(upper: 3, lower: 0, dimension: 3).description)
        XCTAssertEqual(error(output: .evenlySpaced(count: 1)), ODEError.invalidOutputCount(1).description)
        XCTAssertEqual(error(output: .times([])), ODEError.invalidOutputCount(0).description)
        XCTAssertEqual(error(output: .times([0.5, 1.5])), ODEError.invalidOutputTime(index: 1, time: 1.5).description)
        XCTAssertEqual(error(output: .times([0.5, 0.5])), ODEError.invalidOutputTime(index: 1, time: 0.5).description)
        XCTAssertEqual(error(from: 1, to: 0, output: .times([0.2, 0.5])),
                       ODEError.invalidOutputTime(index: 1, time: 0.5).description)
        XCTAssertEqual(error(options: zeroSteps), ODEError.invalidMaxSteps(0).description)
        XCTAssertEqual(error(options: earlyStop), ODEError.invalidStopTime(0.5, end: 1).description)
        XCTAssertEqual(error(), "no error")
    }
}
