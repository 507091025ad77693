import Flows
import Foundation
import TextOutput
import Truncation

/// How the starting couplings of a passive flow are given.
public enum CouplingUnits: String, Sendable, CaseIterable {
    /// `ū_i` at the starting scale, in units of that scale.
    case dimensionless
    /// `u_i` in units of `Λ^{D_i}`, converted with `ū_i = Λ^{−D_i} u_i` (`D_i` the canonical dimension).
    case dimensionful
}

/// The passive RG flow of a derived truncation (PHYSICS.md §1, §3): the beta functions of `spec`
/// integrated with CVODE in RG time `t = ln(k/Λ)` from `tStart` to `tEnd`, in either direction:
/// toward the infrared (`tEnd < tStart`, from microscopic couplings) or toward the ultraviolet
/// (from effective couplings, as for the couplings measured from a network ensemble).
public struct PassiveFlowRun: FlowRun {
    public var spec: TruncationSpec
    public var units: CouplingUnits
    /// The scale `Λ` of `t = ln(k/Λ)`, in the units of the dimensionful couplings.
    public var uvScale: Double
    /// Starting values by coupling name, at `tStart`; couplings of the truncation not listed start at zero.
    public var couplings: [(name: String, value: Double)]
    /// RG time where the couplings are given (0: at `k = Λ`).
    public var tStart: Double = 0
    /// Final RG time: below `tStart` toward the infrared, above it toward the ultraviolet.
    public var tEnd: Double
    public var sampling: FlowSampling
    /// The flow stops when a threshold denominator `1 + w` falls to this level.
    public var thresholdStop: Double
    /// The flow stops when any `|ū_i|` reaches this.
    public var runawayBound: Double
    /// When set, bounds on the dimensionful `|u_i|` replace `runawayBound` (`PassiveFlow`).
    public var dimensionfulRunawayBounds: [Double]?
    public var solver: FlowSolverSettings
    /// The name of `Λ` in headers: `Λ`, or `m0` when the scale is the network's mass.
    public var scaleName = "Λ"
    /// Lines that say where the starting couplings come from and how they are normalized, for the
    /// output header (empty: they were given as numbers).
    public var provenance: [String] = []

    public init(spec: TruncationSpec, units: CouplingUnits = .dimensionless, uvScale: Double = 1,
                couplings: [(name: String, value: Double)], tEnd: Double,
                sampling: FlowSampling = .evenlySpaced(count: 101), thresholdStop: Double = 1e-3,
                runawayBound: Double = 1e8, solver: FlowSolverSettings = FlowSolverSettings()) {
        self.spec = spec
        self.units = units
        self.uvScale = uvScale
        self.couplings = couplings
        self.tEnd = tEnd
        self.sampling = sampling
        self.thresholdStop = thresholdStop
        self.runawayBound = runawayBound
        self.solver = solver
    }

    public struct Outcome: Sendable {
        public var result: FlowResult
        public var beta: BetaFunctions
        /// Couplings of the truncation that started at zero because none was given.
        public var defaulted: [String]
    }

    public func integrate() throws -> Outcome {
        let flow = try passiveFlow()
        let given = Set(couplings.map(\.name))
        return Outcome(result: try flow.run(), beta: flow.equations,
                       defaulted: flow.equations.couplingNames.filter { !given.contains($0) })
    }

    /// The flow `integrate()` runs: the compiled beta functions with the starting couplings in
    /// dimensionless form, the range, sampling, stops and solver settings.
    public func passiveFlow() throws -> PassiveFlow<BetaFunctions> {
        var beta = try BetaFunctions(spec)
        let given = Dictionary(couplings.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        var initial = beta.couplingNames.map { given[$0] ?? 0 }
        if units == .dimensionful {
            // ū_i = k^{−D_i} u_i at the starting scale k = Λ e^{tStart}.
            let k = uvScale * exp(tStart)
            initial = zip(initial, beta.canonicalDimensions).map { $0 * pow(k, -$1) }
        }
        beta.thresholdStopLevel = thresholdStop
        var flow = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions,
                               initialCouplings: initial, tEnd: tEnd)
        flow.uvScale = uvScale
        flow.tStart = tStart
        flow.sampling = sampling
        flow.runawayBound = runawayBound
        flow.dimensionfulRunawayBounds = dimensionfulRunawayBounds
        flow.solver = solver
        return flow
    }

    public func trajectory(of outcome: Outcome) -> FlowTrajectory {
        let result = outcome.result, beta = outcome.beta
        let names = result.couplingNames
        var header = ["equations: \(spec.outline), derived by frg from the functional flow equation"]
        let start = "k = \(formatNumber(uvScale * exp(tStart)))" + (tStart == 0 ? " = \(scaleName)" : " = \(formatNumber(exp(tStart))) \(scaleName)")
        header.append(tEnd < tStart
            ? "direction: toward the infrared (UV → IR): the couplings given at \(start) are microscopic; the flow integrates the fluctuations out"
            : "direction: toward the ultraviolet (IR → UV, reversed): the couplings given at \(start) are effective (1PI) ones; the flow reconstructs the microscopic couplings that produce them")
        header += provenance
        header.append(spec.scheme == .polchinski
                      ? (spec.truncation == .lpa
                         ? "regulator: absorbed into v and φ (normalized Polchinski form, PHYSICS.md §1)"
                         : "Polchinski cutoff: the \(spec.regulator.rawValue) regulator's UV counterpart c = R/(p² + R); its constants γ, σ stay in the equations (frg beta prints them)")
                      : "regulator: \(beta.regulator.shapeDescription)")
        header.append("scale: t = ln(k/\(scaleName)), \(scaleName) = \(uvScale); dimensionless ū_i, dimensionful u_i = k^D_i ū_i with D = "
                      + zip(names, result.canonicalDimensions).map { "\($0):\(formatNumber($1))" }.joined(separator: " "))
        if !outcome.defaulted.isEmpty {
            header.append("couplings not given start at 0: \(outcome.defaulted.joined(separator: ", "))")
        }
        header.append("ending: \(result.ending)")

        var samples = TrajectoryTable(columns: ["t", "k"] + names.map { $0 + "bar" } + names)
        for s in result.t.indices {
            samples.rows.append([result.t[s], result.k[s]] + result.dimensionless[s] + result.dimensionful[s])
        }
        var figure = TrajectoryFigure(title: "Passive flow: \(spec.outline)", xLabel: "RG time t = ln(k/Λ)",
                                      yLabel: "dimensionless couplings (symmetric log scale)", yScale: .symlog)
        for (i, coupling) in beta.couplings.enumerated() {
            figure.series.append(.init(label: coupling.symbol, x: result.t, y: result.dimensionless.map { $0[i] }))
        }

        var ending: [String: Any] = ["description": result.ending.description]
        switch result.ending {
        case .completed: ending["kind"] = "completed"
        case let .leftDomain(constraint, _, t): ending["kind"] = "left-domain"; ending["constraint"] = constraint; ending["t"] = t
        case let .runaway(coupling, t): ending["kind"] = "runaway"; ending["coupling"] = coupling; ending["t"] = t
        case let .outOfRange(quantity, t): ending["kind"] = "out-of-range"; ending["quantity"] = quantity; ending["t"] = t
        }
        let json: [String: Any] = [
            "kind": "passive",
            "truncation": ["scheme": spec.scheme.rawValue, "truncation": spec.truncation.rawValue,
                           "expansion": spec.expansion.rawValue, "order": spec.order,
                           "dimension": spec.dimension, "regulator": spec.regulator.rawValue],
            "uvScale": uvScale,
            "couplings": names,
            "canonicalDimensions": result.canonicalDimensions,
            "samples": result.t.indices.map { s -> [String: Any] in
                ["t": result.t[s], "k": result.k[s],
                 "dimensionless": Dictionary(uniqueKeysWithValues: zip(names, result.dimensionless[s])),
                 "dimensionful": Dictionary(uniqueKeysWithValues: zip(names, result.dimensionful[s]))]
            },
            "ending": ending,
        ]
        let statistics = result.statistics
        return FlowTrajectory(
            kind: .passive, header: header, samples: samples, endingSummary: "\(result.ending)",
            solverSummary: "CVODE: \(statistics.stepSummary), \(statistics.rightHandSideEvaluations) right-hand-side and \(statistics.jacobianEvaluations) Jacobian evaluations",
            figure: figure, jsonMembers: json)
    }
}
