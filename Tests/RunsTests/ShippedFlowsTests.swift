import Foundation
import XCTest
import FRGConfig
import Flows
import FullPotential
import Runs

/// Each ready config in flows/ runs and ends the way its leading comment says.
final class ShippedFlowsTests: XCTestCase {
    static let flows = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("flows")

    private func config(_ name: String) throws -> FlowConfig {
        try FlowConfig.load(path: Self.flows.appendingPathComponent(name).path)
    }

    private func passive(_ name: String) throws -> FlowResult {
        guard let run = try config(name).passive else { throw XCTSkip("not passive") }
        return try run.integrate().result
    }

    /// The main job: the measured couplings of the N = 10 ensemble, canonically normalized, flowed
    /// from k = 0.01 m0 toward the UV; with the measured u6 the φ⁶ flow blows up below the mass.
    func testMeasuredNNFlowStartsCanonicalAndBlowsUpBelowTheMass() throws {
        guard let flow = try config("nn-d1.yaml").run as? MeasuredFlow else { return XCTFail("not a flow from measured couplings") }
        let outcome = try flow.integrate()
        let result = outcome.flow.result
        // d = 1, σ_W = 1: m0² = 2, Z = 1/(2√(2π)), so u4 = 8π ū4 and u6 = (2√(2π))³ ū6 (docs/conventions.md §5).
        let start = result.dimensionful[0]
        XCTAssertEqual(start[0], 2, accuracy: 1e-12)
        XCTAssertEqual(start[1], 8 * Double.pi * flow.measurement.u4.mean, accuracy: 1e-10 * abs(start[1]))
        XCTAssertEqual(start[2], pow(2 * (2 * Double.pi).squareRoot(), 3) * flow.measurement.u6.mean, accuracy: 1e-10 * abs(start[2]))
        XCTAssertEqual(result.k[0] / 2.0.squareRoot(), 0.01, accuracy: 1e-12)
        guard case .runaway(let coupling, let t) = result.ending else { return XCTFail("\(result.ending)") }
        XCTAssertEqual(coupling, "u6")
        XCTAssertLessThan(t, 0)  // k < m0
        XCTAssertTrue(flow.trajectory(of: outcome).header.contains { $0.hasPrefix("result: no microscopic couplings") })
    }

    /// With u6 chosen positive the same couplings flow to k = 100 m0. In d = 1 the dimensionful
    /// couplings converge as k → ∞ (super-renormalizable): for k ≫ m the mass and quartic flows
    /// fall like k^{d−2} = 1/k (∂_t u2 ≈ −K_d u4/k), so their changes over equal steps in t shrink
    /// by e^{−Δt}; the sextic one faster. Their limits are the microscopic couplings.
    func testStabilizedNNFlowReachesTheUltraviolet() throws {
        guard let flow = try config("nn-d1-stabilized.yaml").run as? MeasuredFlow else { return XCTFail("not a flow from measured couplings") }
        let result = try flow.integrate().flow.result
        XCTAssertEqual(result.ending, .completed)
        XCTAssertEqual(result.k.last! / 2.0.squareRoot(), exp(4.605), accuracy: 1e-9)
        XCTAssertGreaterThan(result.dimensionful[0][2], 0)
        let n = result.t.count
        let (a, b, c) = (result.dimensionful[n - 1], result.dimensionful[n - 11], result.dimensionful[n - 21])
        let shrink = exp(-(result.t[n - 1] - result.t[n - 11]))
        for i in 0..<2 { XCTAssertEqual((a[i] - b[i]) / (b[i] - c[i]), shrink, accuracy: 0.1, result.couplingNames[i]) }
        XCTAssertLessThan(abs((a[2] - b[2]) / (b[2] - c[2])), shrink / 2)
        // The fluctuations raise the mass toward the UV: m²(Λ) > m0².
        XCTAssertGreaterThan(a[0], 2)
    }

    func testUVToIRNNFlowCompletesAndFreezesInTheInfrared() throws {
        let result = try passive("nn-d1-uv-to-ir.yaml")
        XCTAssertEqual(result.ending, .completed)
        XCTAssertEqual(result.t.last!, -6, accuracy: 1e-12)
        // Dimensionful couplings at the UV scale are the file's: u2 = 2, u4 = −12.83, u6 = 50.
        XCTAssertEqual(result.dimensionful[0], [2, -12.83, 50], accuracy: 1e-12)
        // Below the mass the dimensionful couplings freeze; the u6 loop has turned u4 positive.
        let last = result.dimensionful.last!, earlier = result.dimensionful[result.t.count - 11]
        for i in 0..<3 { XCTAssertEqual(last[i], earlier[i], accuracy: 1e-4 * abs(last[i])) }
        XCTAssertGreaterThan(last[1], 0)
        XCTAssertGreaterThan(last[2], 0)
    }

    func testWilsonFisherSymmetricSideCompletesInTheSymmetricPhase() throws {
        let result = try passive("wf-d3-symmetric.yaml")
        XCTAssertEqual(result.ending, .completed)
        let u2 = result.dimensionless.map { $0[0] }
        XCTAssertGreaterThan(u2.last!, 1000)
        // ū2 grows like e^{−2t} at the end (mass freezes).
        let n = u2.count
        XCTAssertEqual(log(u2[n - 1] / u2[n - 11]) / (result.t[n - 1] - result.t[n - 11]), -2, accuracy: 1e-3)
    }

    func testWilsonFisherBrokenSideStopsAtThePole() throws {
        let result = try passive("wf-d3-broken.yaml")
        guard case let .leftDomain(constraint, _, t) = result.ending else { return XCTFail("\(result.ending)") }
        XCTAssertEqual(constraint, "threshold 1+w")
        XCTAssertGreaterThan(t, -8)
        XCTAssertLessThan(t, -1)
        XCTAssertEqual(1 + result.dimensionless.last![0], 1e-3, accuracy: 1e-9)
    }

    func testActiveFlowCompletes() throws {
        guard let run = try config("active-sigma.yaml").active else { return XCTFail("not active") }
        let result = try run.integrate()
        XCTAssertEqual(result.sigmaW.first!, 1, accuracy: 1e-12)
        XCTAssertEqual(result.sigmaW.last!, 20, accuracy: 1e-10)
        XCTAssertEqual(result.couplings.last![0], -12.8296 * pow(20, 3), accuracy: 1e-6 * 12.8296 * pow(20, 3))
        XCTAssertEqual(result.couplings.last![1], -21225 * pow(20, 4), accuracy: 1e-6 * 21225 * pow(20, 4))
    }

    func testPolchinskiFlowCompletes() throws {
        let result = try passive("polchinski-d3.yaml")
        XCTAssertEqual(result.ending, .completed)
        XCTAssertEqual(result.couplingNames, ["v2", "v4", "v6"])
    }

    private func fullPotential(_ name: String) throws -> FullPotentialFlowResult {
        guard let run = try config(name).fullPotential else { throw XCTSkip("not a full-potential flow") }
        return try run.integrate()
    }

    func testFullPotentialBrokenPhaseFlattensTowardConvexity() throws {
        let result = try fullPotential("full-potential-d3-broken.yaml")
        guard case .convexityFloor(let t, let field) = result.ending else { return XCTFail("\(result.ending)") }
        XCTAssertLessThan(t, -4)
        let first = result.snapshots.first!, last = result.snapshots.last!
        XCTAssertLessThan(field, last.minimumField)
        // The barrier U(0) − U(φ0) shrinks by more than three orders of magnitude, the minimum stays.
        func barrier(_ s: FullPotentialSnapshot) -> Double {
            s.potential[0] - s.potential[result.field.firstIndex { $0 >= s.minimumField }!]
        }
        XCTAssertLessThan(abs(barrier(last)), 1e-3 * barrier(first))
        XCTAssertEqual(last.minimumField, first.minimumField, accuracy: 0.05)
    }

    func testFullPotentialNNFlowBecomesConvexInOneDimension() throws {
        // At Λ the potential has a second, deeper minimum near φ = 6.2; in d = 1 the flow must remove
        // it: at the end U' ≥ 0 on the whole half-line (a convex, single-well effective potential).
        let result = try fullPotential("full-potential-nn-d1.yaml")
        XCTAssertEqual(result.ending, .reachedEnd)
        XCTAssertTrue(result.snapshots.first!.firstDerivative.contains { $0 < 0 })
        XCTAssertTrue(result.snapshots.last!.firstDerivative.allSatisfy { $0 >= -1e-9 })
        let curvature = result.snapshots.map(\.massSquared)
        XCTAssertEqual(curvature.last!, curvature[curvature.count - 3], accuracy: 1e-3 * curvature.last!)
    }

    func testTrajectoryCarriesTheEndingAndNoNaN() throws {
        let trajectory = try config("wf-d3-broken.yaml").run.run()
        XCTAssertEqual(trajectory.kind, .passive)
        XCTAssertTrue(trajectory.header.contains { $0.hasPrefix("equations: wetterich lpa") })
        XCTAssertTrue(trajectory.header.contains { $0.hasPrefix("ending: stopped at t = ") })
        XCTAssertEqual(trajectory.samples.columns, ["t", "k", "u2bar", "u4bar", "u6bar", "u2", "u4", "u6"])
        XCTAssertTrue(trajectory.samples.rows.allSatisfy { $0.allSatisfy(\.isFinite) })
        XCTAssertEqual((trajectory.jsonMembers["ending"] as? [String: Any])?["kind"] as? String, "left-domain")
        XCTAssertEqual(trajectory.figure.series.map(\.label), ["ū2", "ū4", "ū6"])
    }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy * max(1, abs(y)), file: file, line: line) }
}
