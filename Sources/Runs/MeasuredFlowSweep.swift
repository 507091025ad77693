import Flows
import Foundation
import GaussNet
import TextOutput
import Truncation

/// The seed's passive flow from several measurements (typically ensembles of several widths `N`):
/// each is flowed from its effective couplings toward the ultraviolet (`MeasuredFlow`), and the
/// table has one row per measurement — the effective couplings, how far toward the UV the flow
/// got, and the couplings there (the microscopic ones when it reached the end).
public struct MeasuredFlowSweep: FlowRun {
    public var flows: [MeasuredFlow]

    public init(flows: [MeasuredFlow]) {
        self.flows = flows
    }

    public func integrate() throws -> [MeasuredFlow.Outcome] {
        try flows.map { try $0.integrate() }
    }

    public func trajectory(of outcomes: [MeasuredFlow.Outcome]) -> FlowTrajectory {
        let first = flows[0]
        let names = outcomes[0].flow.result.couplingNames
        var header = ["equations: \(first.spec.outline), derived by frg from the functional flow equation",
                      "direction: toward the ultraviolet (IR → UV, reversed), one flow per measurement, each from its effective (1PI) couplings",
                      "normalization: canonical (docs/conventions.md): u2 = m0², u4 = λ4 = ū4/Z², u6 = λ6 = ū6/Z³ with Z = (d/2) σ_W^{d−4} (2πd)^{−d/2}",
                      "start: k_IR = \(formatNumber(first.irScale)) m0 for each network; end: k = \(formatNumber(exp(first.tEnd))) m0; the flow stops where a coupling grows by \(formatNumber(first.runawayFactor)) (blow-up of the truncated flow)"]
        switch first.sixthOrder {
        case .measured: header.append("u6: measured")
        case .chosen(let u6): header.append("u6: CHOSEN, raw u6 = \(formatNumber(u6)) for every measurement (not measured)")
        case .positive: header.append("u6: CHOSEN positive, |ū6| of each measurement (the seed's stabilization; not measured)")
        }
        var columns = ["width", "sigmaW", "sigmaB"] + names.map { $0 + "_ir" } + names.map { $0 + "_ir_error" }
        columns += ["k_end_over_m0", "reached_end", "loo_reached_end"] + names.map { $0 + "_end" } + names.map { $0 + "_end_error" }
        var table = TrajectoryTable(columns: columns, integerColumns: ["width", "reached_end"])
        var reached: [(n: Double, k: Double)] = [], stopped: [(n: Double, k: Double)] = []
        for (flow, full) in zip(flows, outcomes) {
            let outcome = full.flow
            let s = flow.measurement.settings
            let canonical = try? CanonicalCouplings(flow.measurement)
            let ir = outcome.result.dimensionful.first!
            var errors = [Double](repeating: 0, count: names.count)
            if let canonical, names.count >= 2 {
                errors[1] = canonical.lambda4Error
                // A chosen u6 has no error; |ū6| has the measured one.
                if names.count >= 3, flow.sixthOrder == .measured || flow.sixthOrder == .positive { errors[2] = canonical.lambda6Error }
            }
            let m0 = full.run.uvScale
            let kEnd = outcome.result.k.last! / m0
            let completed = outcome.result.ending == .completed
            // Jackknife errors of the end values, 0 where the leave-one-bag-out flows ended otherwise.
            let endErrors = full.endErrors ?? [Double](repeating: 0, count: names.count)
            let looCompleted = Double(full.leaveOneOut?.completed ?? 0) / Double(max(1, full.leaveOneOut?.total ?? 1))
            table.rows.append([Double(s.width), s.sigmaW, s.sigmaB] + ir + errors + [kEnd, completed ? 1 : 0, looCompleted]
                              + outcome.result.dimensionful.last! + endErrors)
            if completed { reached.append((Double(s.width), kEnd)) } else { stopped.append((Double(s.width), kEnd)) }
            var label = "N = \(s.width): " + (completed ? "reached k = \(formatNumber(kEnd)) m0" : "\(outcome.result.ending) (k = \(formatNumber(kEnd, significant: 4)) m0)")
            if let loo = full.leaveOneOut {
                label += "; leave-one-bag-out: \(loo.completed) of \(loo.total) reached the end"
                if let range = loo.stopRange { label += ", the others stopped at k = \(formatNumber(range.lowerBound, significant: 3)) … \(formatNumber(range.upperBound, significant: 3)) m0" }
            }
            header.append(label)
        }
        var figure: TrajectoryFigure
        if stopped.isEmpty {
            // Every flow reached the end: its couplings there are the microscopic ones.
            figure = TrajectoryFigure(title: "Microscopic couplings at k = \(formatNumber(exp(first.tEnd), significant: 3)) m0, φ^\(first.spec.order) LPA, d = \(formatNumber(first.spec.dimension))",
                                      xLabel: "width N", yLabel: "couplings at the end, canonical field (symmetric log scale)",
                                      xScale: .log, yScale: .symlog)
            let widths = flows.map { Double($0.measurement.settings.width) }
            for (i, coupling) in outcomes[0].flow.result.couplingNames.enumerated() {
                figure.series.append(.init(label: "\(coupling) at the end", x: widths,
                                           y: outcomes.map { $0.flow.result.dimensionful.last![i] }, style: .markers))
                figure.series.append(.init(label: "\(coupling) measured (IR)", x: widths,
                                           y: outcomes.map { $0.flow.result.dimensionful.first![i] }, style: .dashed))
            }
        } else {
            figure = TrajectoryFigure(title: "How far toward the UV the measured couplings flow (φ^\(first.spec.order) LPA)",
                                      xLabel: "width N", yLabel: "k_end/m0 (end of the flow, or where it blew up)",
                                      xScale: .log, yScale: .log)
            if !reached.isEmpty { figure.series.append(.init(label: "reached the end", x: reached.map(\.n), y: reached.map(\.k), style: .markers)) }
            figure.series.append(.init(label: "blew up (truncation fails)", x: stopped.map(\.n), y: stopped.map(\.k), style: .markers))
        }
        let json: [String: Any] = [
            "kind": "measured-sweep",
            "columns": table.columns,
            "rows": table.rows,
        ]
        return FlowTrajectory(kind: .passive, header: header, samples: table, endingSummary: nil,
                              solverSummary: "\(flows.count) flows, \(outcomes.filter { $0.flow.result.ending == .completed }.count) reached the end",
                              figure: figure, jsonMembers: json)
    }
}
