import Foundation
import XCTest
@testable import FRGCLI
import FRGConfig
import Reports
import Runs

/// What `frg flow` writes: the header (program, configuration, equations, ending) on every
/// output, no NaN, JSON and SVG that parse.
final class FlowRenderingTests: XCTestCase {
    static let flows = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("flows")

    func testOutputsCarryTheHeaderAndNoNaN() throws {
        let settings = try FlowConfig.load(path: Self.flows.appendingPathComponent("wf-d3-broken.yaml").path)
        let rendering = FlowRendering(settings: settings, trajectory: try settings.run.run())
        // The CSV is data only (one header row); the header lines go to the sidecar.
        let csv = try rendering.csv()
        XCTAssertTrue(csv.hasPrefix("t,k,u2bar,"))
        XCTAssertFalse(csv.contains("#"))
        XCTAssertFalse(csv.lowercased().contains("nan"))
        let meta = rendering.csvMeta()
        XCTAssertTrue(meta.header.contains { $0.hasPrefix("equations: wetterich lpa") })
        XCTAssertTrue(meta.header.contains { $0.hasPrefix("ending: stopped at t = ") })
        XCTAssertEqual(meta.config, settings.file)
        let json = try JSONSerialization.jsonObject(with: Data(try rendering.json().utf8)) as! [String: Any]
        XCTAssertEqual((json["ending"] as! [String: Any])["kind"] as? String, "left-domain")
        XCTAssertEqual(json["schema"] as? String, "frg/flow/v1")
        XCTAssertEqual(json["frgVersion"] as? String, frgVersion)
        XCTAssertTrue((json["header"] as! [String]).contains { $0.hasPrefix("ending: stopped at t = ") })
        let summary = try rendering.summary(rows: 5)
        XCTAssertTrue(summary.contains("stopped at t = "))
        XCTAssertTrue(summary.hasSuffix("Jacobian evaluations"))
        XCTAssertNoThrow(try Plot(rendering.trajectory.figure).svg())
    }

    func testFullPotentialWritesEveryGridPoint() throws {
        let settings = try FlowConfig.load(path: Self.flows.appendingPathComponent("full-potential-nn-d1.yaml").path)
        let rendering = FlowRendering(settings: settings, trajectory: try settings.run.run())
        let dataLines = try rendering.csv().split(separator: "\n").filter { !$0.hasPrefix("#") }
        let trajectory = rendering.trajectory
        // Header line plus one row per grid point per snapshot.
        XCTAssertEqual(dataLines.count, 1 + trajectory.detail!.rows.count)
        XCTAssertEqual(trajectory.detail!.rows.count % trajectory.samples.rows.count, 0)
        XCTAssertTrue(try rendering.summary(rows: 4).hasSuffix("(the potential at every grid point is in the --output file)"))
    }
}
