import ComplexModule
import Foundation
import XCTest
@testable import Flows
import FixedPoints
import ODE
import Truncation

final class PassiveFlowTests: XCTestCase {
    private func lpa6(d: Double) throws -> BetaFunctions {
        try BetaFunctions(TruncationSpec(dimension: d, order: 6))
    }

    private var tight: FlowSolverSettings {
        var s = FlowSolverSettings()
        s.relativeTolerance = 1e-13
        s.absoluteTolerance = 1e-15
        return s
    }

    /// Classical fourth-order Runge–Kutta with a fixed step, independent of CVODE.
    private func rk4(_ field: BetaFunctions, from u0: [Double], to tEnd: Double, steps: Int) -> [Double] {
        let h = tEnd / Double(steps)
        var u = u0
        func add(_ a: [Double], _ b: [Double], _ c: Double) -> [Double] { zip(a, b).map { $0 + c * $1 } }
        for _ in 0..<steps {
            let k1 = field.beta(at: u)
            let k2 = field.beta(at: add(u, k1, h / 2))
            let k3 = field.beta(at: add(u, k2, h / 2))
            let k4 = field.beta(at: add(u, k3, h))
            u = (0..<u.count).map { u[$0] + h / 6 * (k1[$0] + 2 * k2[$0] + 2 * k3[$0] + k4[$0]) }
        }
        return u
    }

    func testAgreesWithFixedStepRungeKutta() throws {
        // RK4's global error is O(h⁴): with h = 1e-4 over 3 e-folds it is ~1e-14 relative, far below
        // the 1e-8 asserted; CVODE runs at rtol 1e-13.
        for (d, u0) in [(3.0, [-0.1, 10.0, 400.0]), (1.0, [0.02, -0.0013, 0.0005])] {
            let beta = try lpa6(d: d)
            var flow = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions, initialCouplings: u0, tEnd: -3)
            flow.solver = tight
            flow.runawayBound = 1e12
            let result = try flow.run()
            XCTAssertEqual(result.ending, .completed)
            let reference = rk4(beta, from: u0, to: -3, steps: 30_000)
            for i in 0..<3 {
                XCTAssertEqual(result.dimensionless.last![i], reference[i], accuracy: 1e-8 * max(1, abs(reference[i])), "d = \(d), \(beta.couplingNames[i])")
            }
        }
    }

    func testFlowStartedOnFixedPointStaysThere() throws {
        let beta = try lpa6(d: 3)
        let wf = try TruncationStudies.wilsonFisherByOrder(beta.spec).last!.fixedPoint
        var flow = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions, initialCouplings: wf.couplings, tEnd: -5)
        flow.solver = tight
        let result = try flow.run()
        XCTAssertEqual(result.ending, .completed)
        for state in result.dimensionless {
            for (x, x0) in zip(state, wf.couplings) { XCTAssertEqual(x, x0, accuracy: 1e-8 * max(1, abs(x0))) }
        }
    }

    func testRelevantDirectionLeavesAtTheEigenvalueRate() throws {
        // ū(t) = ū* + ε e^{θ t} v + O(ε²): along the relevant eigenvector (θ = −1/ν < 0) the
        // distance grows like e^{θ t} toward the IR (t < 0); along an irrelevant one it shrinks.
        let beta = try lpa6(d: 3)
        let wf = try TruncationStudies.wilsonFisherByOrder(beta.spec).last!.fixedPoint
        for index in [0, 1] {
            let theta = wf.eigenvalues[index].real
            let v = wf.eigenvectors[index].map(\.real)
            let epsilon = 1e-7 * (1 + (wf.couplings.map(abs).max() ?? 0))
            let start = zip(wf.couplings, v).map { $0 + epsilon * $1 }
            var flow = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions, initialCouplings: start, tEnd: -2)
            flow.solver = tight
            flow.sampling = .evenlySpaced(count: 5)
            let result = try flow.run()
            for (t, state) in zip(result.t, result.dimensionless) {
                let deviation = zip(state, wf.couplings).map { $0 - $1 }
                let expected = v.map { epsilon * exp(theta * t) * $0 }
                let scale = expected.map(abs).max()!
                for (x, y) in zip(deviation, expected) {
                    XCTAssertEqual(x, y, accuracy: 2e-4 * scale, "θ = \(theta), t = \(t)")
                }
            }
        }
    }

    func testBrokenPhaseStopsAtTheThresholdWithTheTrajectoryKept() throws {
        let beta = try lpa6(d: 3)
        var flow = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions,
                               initialCouplings: [-0.152857142857143, 12.43052216113878, 540.8125841949683], tEnd: -8)
        flow.sampling = .evenlySpaced(count: 81)
        let result = try flow.run()
        guard case let .leftDomain(constraint, _, t) = result.ending else { return XCTFail("\(result.ending)") }
        XCTAssertEqual(constraint, "threshold 1+w")
        XCTAssertEqual(result.t.last!, t)
        XCTAssertEqual(1 + result.dimensionless.last![0], beta.thresholdStopLevel, accuracy: 1e-9)
        XCTAssertTrue(result.t.allSatisfy { $0 >= t })
        XCTAssertTrue(result.dimensionless.joined().allSatisfy(\.isFinite))
    }

    func testDimensionfulCouplingsAreCanonicallyRescaled() throws {
        let beta = try lpa6(d: 1)
        var flow = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions,
                               initialCouplings: [0.02, -0.0013, 0.0005], tEnd: -6)
        flow.uvScale = 10
        let result = try flow.run()
        XCTAssertEqual(beta.canonicalDimensions, [2, 3, 4])
        for s in result.t.indices {
            let k = 10 * exp(result.t[s])
            XCTAssertEqual(result.k[s], k, accuracy: 1e-12 * k)
            for i in 0..<3 {
                XCTAssertEqual(result.dimensionful[s][i], result.dimensionless[s][i] * pow(k, beta.canonicalDimensions[i]),
                               accuracy: 1e-12 * abs(result.dimensionful[s][i]))
            }
        }
        // Deep in the IR (k ≪ m): the dimensionful couplings freeze.
        let last = result.dimensionful.last!, before = result.dimensionful[result.dimensionful.count - 2]
        for i in 0..<3 { XCTAssertEqual(last[i], before[i], accuracy: 1e-5 * abs(last[i])) }
    }

    func testRunawayBoundStopsTheFlow() throws {
        let beta = try lpa6(d: 1)
        var flow = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions,
                               initialCouplings: [0.02, -0.0013, 0.0005], tEnd: -10)
        flow.runawayBound = 1e6
        let result = try flow.run()
        guard case .runaway(let coupling, let t) = result.ending else { return XCTFail("\(result.ending)") }
        XCTAssertEqual(coupling, "u6")
        XCTAssertEqual(abs(result.dimensionless.last![2]), 1e6, accuracy: 1e-3)
        XCTAssertGreaterThan(t, -10)
    }

    func testInvalidSettingsAreErrorsBeforeCVODE() throws {
        let beta = try lpa6(d: 3)
        XCTAssertThrowsError(try PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions, initialCouplings: [0, 0], tEnd: -1).run()) {
            XCTAssertEqual($0 as? FlowError, .initialCount(expected: 3, got: 2))
        }
        XCTAssertThrowsError(try PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions, initialCouplings: [-1.5, 0, 0], tEnd: -1).run()) {
            guard case .initialOutsideDomain = $0 as? FlowError else { return XCTFail("\($0)") }
        }
    }

    /// Issue 16: toward the UV from the d = 3 Wilson–Fisher region, `k = e^t` and `u2 = k² ū2` grow
    /// without bound; at `t = 1000` they were `inf` in the table while the flow "completed". The flow
    /// stops where the first value reaches 1e300 (u2, at t ≈ 350), and every value is finite.
    func testFlowStopsWhereAValueLeavesTheRepresentableRange() throws {
        let beta = try lpa6(d: 3)
        let flow = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions,
                               initialCouplings: [-0.132857142857143, 12.43052216113878, 540.8125841949683], tEnd: 1000)
        let result = try flow.run()
        guard case let .outOfRange(quantity, t) = result.ending else { return XCTFail("\(result.ending)") }
        XCTAssertEqual(quantity, "the dimensionful u2 = k^2 u2bar")
        XCTAssertEqual(t, 350.37, accuracy: 0.01)
        XCTAssertEqual(result.t.last, t)
        XCTAssertEqual(abs(result.dimensionful.last![0]), 1e300, accuracy: 1e290)
        for values in [result.k] + result.dimensionless + result.dimensionful {
            XCTAssertTrue(values.allSatisfy { $0.isFinite && abs($0) <= 1e300 * (1 + 1e-6) }, "\(values)")
        }
        // k itself: a flow of u4 alone in d = 4 (D = 0) reaches k = 1e300 first, at ln k = ln 1e300.
        let d4 = try lpa6(d: 4)
        var toward = PassiveFlow(equations: d4, canonicalDimensions: d4.canonicalDimensions, initialCouplings: [0, 0, 0], tEnd: 800)
        toward.uvScale = 1
        guard case let .outOfRange(what, tk) = try toward.run().ending else { return XCTFail("k should leave the range") }
        XCTAssertEqual(what, "the scale k = Λe^t")
        XCTAssertEqual(tk, log(1e300), accuracy: 1e-6)
    }

    func testCouplingsBeyondTheRepresentableRangeCannotStart() throws {
        let beta = try lpa6(d: 1)
        XCTAssertThrowsError(try PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions,
                                             initialCouplings: [0.1, 0, 1e301], tEnd: 1).run()) {
            XCTAssertEqual($0 as? FlowError, .initialOutOfRange(quantity: "the dimensionless u6bar"))
        }
        // Representable couplings whose beta functions overflow (ū4 ū6 ≈ 1e400).
        XCTAssertThrowsError(try PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions,
                                             initialCouplings: [0.1, 1e200, 1e200], tEnd: 1).run()) {
            guard case .initialBetaNotFinite = $0 as? FlowError else { return XCTFail("\($0)") }
        }
    }

    /// The integrator is a choice of cost, not of result: the symmetric-phase flow (t = 0 → −8)
    /// and the broken-phase one that stops at the threshold pole, both from the Wilson–Fisher point
    /// of φ⁶ in d = 3 shifted by ±0.01 in ū2, reach the same end (time and couplings) with auto,
    /// Adams and BDF at the default rtol 1e-10 as a BDF reference at rtol 1e-13. Bound: 1e-7
    /// relative, a thousand times the local tolerance — room for the error accumulated over the
    /// few hundred steps of a flow that leaves the fixed point along its relevant direction.
    func testEveryMethodReachesTheSameEnd() throws {
        let beta = try lpa6(d: 3)
        let wf = try TruncationStudies.wilsonFisherByOrder(beta.spec).last!.fixedPoint
        for shift in [0.01, -0.01] {
            var start = wf.couplings
            start[0] += shift
            var reference = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions,
                                        initialCouplings: start, tEnd: -8)
            reference.solver = tight
            reference.solver.method = .bdf
            let expected = try reference.run()
            XCTAssertEqual(expected.ending == .completed, shift > 0, "\(expected.ending)")
            for method in [ODEMethod.auto, .adams, .bdf] {
                var flow = reference
                flow.solver = FlowSolverSettings()
                flow.solver.method = method
                let result = try flow.run()
                let label = "\(method), ū2 shifted by \(shift)"
                XCTAssertEqual(result.ending.stopTime ?? -8, expected.ending.stopTime ?? -8, accuracy: 1e-7, label)
                for (x, x0) in zip(result.dimensionless.last!, expected.dimensionless.last!) {
                    XCTAssertEqual(x, x0, accuracy: 1e-7 * max(1, abs(x0)), label)
                }
                XCTAssertEqual(result.statistics.bdfSteps == result.statistics.steps, method == .bdf, label)
            }
        }
    }
}
