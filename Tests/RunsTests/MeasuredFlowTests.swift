import Flows
import Foundation
import GaussNet
import Runs
import Truncation
import XCTest

/// The seed's passive RG: measured (effective) couplings, canonically normalized, flowed toward
/// the ultraviolet.
final class MeasuredFlowTests: XCTestCase {
    /// A small real measurement (Gauss-net, the paper's inputs, marginal estimator: its values are
    /// within 1e-7 of the exact ones, which keeps the numbers below close to a hand computation).
    static func measurement(width: Int = 10, sigmaW: Double = 1) throws -> GaussNet.Measurement {
        let settings = SamplerSettings(sigmaW: sigmaW, width: width, netsPerBag: 200, bags: 4, seed: 3, estimator: .marginal)
        return try EnsembleJob(settings: settings).run().measurement
    }

    static let lpa6 = TruncationSpec(scheme: .wetterich, truncation: .lpa, expansion: .zero, dimension: 1, order: 6)

    /// By hand, d = 1, σ_W = 2: m0² = 2σ_W²/d = 8; Z = (d/2) σ_W^{d−4} (2πd)^{−d/2} = 1/(16√(2π)),
    /// so 1/Z² = 512π and 1/Z³ = 4096 (2π)^{3/2}.
    func testMeasuredCouplingsAreCanonicallyNormalized() throws {
        let m = try Self.measurement(sigmaW: 2)
        var flow = MeasuredFlow(measurement: m, source: "test", spec: Self.lpa6, tEnd: 2)
        flow.irScale = 0.05
        let run = try flow.passiveRun()
        let given = Dictionary(uniqueKeysWithValues: run.couplings.map { ($0.name, $0.value) })
        XCTAssertEqual(given["u2"]!, 8, accuracy: 1e-13)
        XCTAssertEqual(given["u4"]!, m.u4.mean * 512 * Double.pi, accuracy: 1e-12 * abs(given["u4"]!))
        XCTAssertEqual(given["u6"]!, m.u6.mean * 4096 * pow(2 * Double.pi, 1.5), accuracy: 1e-12 * abs(given["u6"]!))
        XCTAssertEqual(run.units, .dimensionful)
        XCTAssertEqual(run.uvScale, 8.0.squareRoot(), accuracy: 1e-15)  // t = ln(k/m0)
        XCTAssertEqual(run.tStart, log(0.05), accuracy: 1e-15)
        // A chosen u6 is converted like the measured one.
        flow.sixthOrder = .chosen(100)
        let chosen = try flow.passiveRun().couplings.first { $0.name == "u6" }!.value
        XCTAssertEqual(chosen, 100 * 4096 * pow(2 * Double.pi, 1.5), accuracy: 1e-9 * chosen)
    }

    /// Integrated up to the UV and back down, the flow returns the measured couplings. At N = 1000
    /// the map from UV to IR couplings is well conditioned; at N = 100 it is not (a relative change
    /// of 1e-7 in λ6 at k = 30 m0 moves λ4 at k = 0.01 m0 by 5 %: the microscopic couplings are
    /// fine-tuned), so a round trip there would test the conditioning rather than the integration.
    func testReversedFlowIntegratedBackReturnsTheMeasuredCouplings() throws {
        let m = try Self.measurement(width: 1000)
        var flow = MeasuredFlow(measurement: m, source: "test", spec: Self.lpa6, tEnd: log(30))
        flow.sixthOrder = .chosen(abs(m.u6.mean))  // stabilized: this flow reaches the UV
        flow.solver.relativeTolerance = 1e-12
        flow.solver.absoluteTolerance = 1e-300
        let up = try flow.passiveRun()
        let upward = try up.integrate().result
        XCTAssertEqual(upward.ending, .completed)
        XCTAssertGreaterThan(upward.t.last!, upward.t.first!)
        let uv = Dictionary(uniqueKeysWithValues: zip(upward.couplingNames, upward.dimensionful.last!))
        // The microscopic couplings differ from the effective ones: the fluctuations matter.
        XCTAssertGreaterThan(abs(uv["u2"]! - up.couplings[0].value), 1e-3)

        var down = PassiveFlowRun(spec: Self.lpa6, units: .dimensionful, uvScale: up.uvScale,
                                  couplings: upward.couplingNames.map { ($0, uv[$0]!) }, tEnd: up.tStart)
        down.tStart = upward.t.last!
        down.runawayBound = .greatestFiniteMagnitude
        down.solver = flow.solver
        let downward = try down.integrate().result
        XCTAssertEqual(downward.ending, .completed)
        for (i, start) in up.couplings.enumerated() {
            XCTAssertEqual(downward.dimensionful.last![i], start.value, accuracy: 1e-7 * abs(start.value), start.name)
        }
    }

    /// With the couplings the ensemble has at N = 10 (u6 large and negative), the truncated flow
    /// toward the UV blows up at a finite scale below m0, and the run says so.
    func testStrongMeasuredCouplingsBlowUpBeforeTheUltraviolet() throws {
        let m = try Self.measurement(width: 10)
        let flow = MeasuredFlow(measurement: m, source: "test", spec: Self.lpa6, tEnd: log(100))
        let outcome = try flow.integrate()
        guard case .runaway(let coupling, let t) = outcome.flow.result.ending else { return XCTFail("\(outcome.flow.result.ending)") }
        XCTAssertEqual(coupling, "u6")
        XCTAssertLessThan(exp(t), 1)  // below m0
        let trajectory = flow.trajectory(of: outcome)
        XCTAssertTrue(trajectory.header.contains { $0.hasPrefix("result: no microscopic couplings") })
        XCTAssertTrue(trajectory.header.contains { $0.hasPrefix("stability: the truncated potential") })
        XCTAssertTrue(trajectory.header.contains { $0.hasPrefix("direction: toward the ultraviolet") })
    }

    /// The jackknife over bags: for the linear ū4 it is exactly the bag-spread standard error; the
    /// microscopic couplings of a flow that reaches the UV get errors from the repeated flows.
    func testJackknifeErrorsOfTheMicroscopicCouplings() throws {
        let m = try Self.measurement(width: 1000)
        let samples = m.leaveOneOutCouplings()
        XCTAssertEqual(samples.count, m.bags.count)
        XCTAssertEqual(Measurement.jackknifeError(samples.map(\.u4)), m.u4.standardError, accuracy: 1e-9 * m.u4.standardError)
        XCTAssertEqual(Measurement.jackknifeError(samples.map(\.u6)), m.u6.standardError, accuracy: 1e-9 * m.u6.standardError)
        var flow = MeasuredFlow(measurement: m, source: "test", spec: Self.lpa6, tEnd: log(30))
        flow.sixthOrder = .positive
        let outcome = try flow.integrate()
        XCTAssertEqual(outcome.flow.result.ending, .completed)
        XCTAssertEqual(outcome.leaveOneOut?.completed, m.bags.count)
        let errors = try XCTUnwrap(outcome.endErrors)
        XCTAssertTrue(errors.allSatisfy { $0 > 0 && $0.isFinite })
        XCTAssertTrue(flow.trajectory(of: outcome).header.contains { $0.hasPrefix("errors: jackknife over the 4 bags") })
    }

    func testOnlyTheLPAAboutZeroInTheMeasurementsDimensionTakesMeasuredCouplings() throws {
        let m = try Self.measurement()
        var spec = Self.lpa6
        spec.expansion = .minimum
        XCTAssertThrowsError(try MeasuredFlow(measurement: m, source: "t", spec: spec, tEnd: 1).passiveRun())
        spec = Self.lpa6
        spec.dimension = 2
        XCTAssertThrowsError(try MeasuredFlow(measurement: m, source: "t", spec: spec, tEnd: 1).passiveRun()) {
            XCTAssertEqual($0 as? MeasuredFlowError, .dimension(truncation: 2, measurement: 1))
        }
    }
}
