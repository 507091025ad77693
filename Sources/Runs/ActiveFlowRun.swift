import Flows
import Foundation
import TextOutput

/// The active flow of seed 001 (PHYSICS.md §3): couplings `u_{2n}` as functions of the network
/// parameter `σ_W`, `σ_W du_{2n}/dσ_W = a u_{2n}` under the chosen law, integrated with CVODE in
/// `ln σ_W` from `sigmaStart` to `sigmaEnd`; the scale is `k = √(2σ_W²/d)`.
public struct ActiveFlowRun: FlowRun {
    public var law: ActiveFlowLaw
    public var dimension: Double
    public var sigmaStart: Double
    public var sigmaEnd: Double
    /// Couplings at `sigmaStart` by order `2n` (`4` for `u4`, `6` for `u6`).
    public var couplings: [(order: Int, value: Double)]
    public var sampling: FlowSampling
    public var solver: FlowSolverSettings

    public init(law: ActiveFlowLaw, dimension: Double, sigmaStart: Double, sigmaEnd: Double,
                couplings: [(order: Int, value: Double)], sampling: FlowSampling = .evenlySpaced(count: 101),
                solver: FlowSolverSettings = FlowSolverSettings()) {
        self.law = law
        self.dimension = dimension
        self.sigmaStart = sigmaStart
        self.sigmaEnd = sigmaEnd
        self.couplings = couplings
        self.sampling = sampling
        self.solver = solver
    }

    public func integrate() throws -> ActiveFlowResult {
        let sorted = couplings.sorted { $0.order < $1.order }
        var flow = ActiveFlow(law: law, dimension: dimension, orders: sorted.map(\.order),
                              initialCouplings: sorted.map(\.value), sigmaStart: sigmaStart, sigmaEnd: sigmaEnd)
        flow.sampling = sampling
        flow.solver = solver
        return try flow.run()
    }

    public func trajectory(of result: ActiveFlowResult) -> FlowTrajectory {
        let names = result.couplingNames
        let header = [
            "equations: active flow, law '\(law.rawValue)': σ_W du/dσ_W = a u with a = "
                + zip(names, result.exponents).map { "\($0):\(formatNumber($1))" }.joined(separator: " ")
                + ", d = \(formatNumber(dimension))",
            "scale: σ_W, with k = sqrt(2 σ_W²/d)",
            "ending: completed",
        ]
        var samples = TrajectoryTable(columns: ["sigmaW", "k"] + names)
        for s in result.sigmaW.indices {
            samples.rows.append([result.sigmaW[s], result.k[s]] + result.couplings[s])
        }
        var figure = TrajectoryFigure(title: "Active flow (\(law.rawValue) law), d = \(formatNumber(dimension))",
                                      xLabel: "σ_W", yLabel: "couplings (symmetric log scale)", xScale: .log, yScale: .symlog)
        for (i, name) in names.enumerated() {
            figure.series.append(.init(label: name, x: result.sigmaW, y: result.couplings.map { $0[i] }))
        }
        let json: [String: Any] = [
            "kind": "active",
            "law": law.rawValue,
            "dimension": dimension,
            "couplings": names,
            "exponents": result.exponents,
            "samples": result.sigmaW.indices.map { s -> [String: Any] in
                ["sigmaW": result.sigmaW[s], "k": result.k[s],
                 "couplings": Dictionary(uniqueKeysWithValues: zip(names, result.couplings[s]))]
            },
            "ending": ["kind": "completed", "description": "completed"],
        ]
        return FlowTrajectory(kind: .active, header: header, samples: samples, endingSummary: nil,
                              solverSummary: "CVODE: \(result.statistics.steps) steps", figure: figure, jsonMembers: json)
    }
}
