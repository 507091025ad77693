import FRGConfig
import Flows
import Foundation
import TextOutput
import FullPotential
import Reports
import Truncation

/// A finished flow with what is needed to print, write and plot it.
struct FlowReport {
    enum Trajectory {
        case passive(FlowResult, BetaFunctions, FlowConfig.Passive)
        case active(ActiveFlowResult, FlowConfig.Active)
        case fullPotential(FullPotentialFlowResult, FlowConfig.FullPotentialRun)
    }

    var settings: FlowConfig
    var trajectory: Trajectory
    /// Couplings that started at zero because the file did not list them.
    var defaultedCouplings: [String]

    /// Builds the flow a configuration describes and integrates it.
    static func run(_ settings: FlowConfig) throws -> FlowReport {
        if let run = settings.fullPotential {
            let result = try FullPotentialFlow(spec: run.spec, initialPotential: run.initial).run()
            return FlowReport(settings: settings, trajectory: .fullPotential(result, run), defaultedCouplings: [])
        }
        switch settings.kind {
        case .passive:
            let passive = settings.passive!
            let beta = try BetaFunctions(passive.spec)
            let given = Dictionary(uniqueKeysWithValues: passive.couplings.map { ($0.name, $0.value) })
            var initial = beta.couplingNames.map { given[$0] ?? 0 }
            if passive.units == .dimensionful {
                initial = zip(initial, beta.canonicalDimensions).map { $0 * pow(passive.uvScale, -$1) }
            }
            var field = beta
            field.thresholdStopLevel = passive.thresholdStop
            var flow = PassiveFlow(equations: field, canonicalDimensions: beta.canonicalDimensions,
                                   initialCouplings: initial, tEnd: passive.tEnd)
            flow.uvScale = passive.uvScale
            flow.sampling = passive.sampling
            flow.runawayBound = passive.runawayBound
            flow.solver = settings.solver
            return FlowReport(settings: settings, trajectory: .passive(try flow.run(), beta, passive),
                              defaultedCouplings: beta.couplingNames.filter { given[$0] == nil })
        case .active:
            let active = settings.active!
            let couplings: [(name: String, value: Double)]
            if let given = active.couplings {
                couplings = given.sorted { $0.name < $1.name }
            } else {
                let measured = try MeasurementFile.read(at: active.measurement!)
                guard abs(measured.sigmaW - active.sigmaStart) <= 1e-12 * active.sigmaStart else {
                    throw ConfigError(SourceLocation(file: settings.file, line: 1, column: 1), keyPath: "active.measurement",
                                      "the measurement was taken at σ_W = \(measured.sigmaW), the flow starts at σ_W = \(active.sigmaStart)")
                }
                couplings = measured.couplings
            }
            var flow = ActiveFlow(law: active.law, dimension: active.dimension,
                                  orders: couplings.map { Int($0.name.dropFirst())! },
                                  initialCouplings: couplings.map(\.value),
                                  sigmaStart: active.sigmaStart, sigmaEnd: active.sigmaEnd)
            flow.sampling = active.sampling
            flow.solver = settings.solver
            return FlowReport(settings: settings, trajectory: .active(try flow.run(), active), defaultedCouplings: [])
        }
    }

    // MARK: Header

    /// Comment lines recording the configuration, the equations' scheme and the program version.
    var headerLines: [String] {
        var lines = ["frg \(frgVersion) flow", "config: \(settings.file)"]
        if let text = try? String(contentsOfFile: settings.file, encoding: .utf8) {
            lines += text.split(separator: "\n", omittingEmptySubsequences: false).map { "config| \($0)" }
        }
        switch trajectory {
        case let .passive(result, beta, passive):
            lines.append("equations: \(describe(beta.spec)), derived by frg from the functional flow equation")
            lines.append(beta.spec.scheme == .polchinski
                         ? "regulator: absorbed into v and φ (normalized Polchinski form, PHYSICS.md §1)"
                         : "regulator: \(beta.regulator.shapeDescription)")
            lines.append("scale: t = ln(k/Λ), Λ = \(passive.uvScale); dimensionless ū_i, dimensionful u_i = k^D_i ū_i with D = \(zip(result.couplingNames, result.canonicalDimensions).map { "\($0):\(formatNumber($1))" }.joined(separator: " "))")
            if !defaultedCouplings.isEmpty {
                lines.append("couplings not given in the file start at 0: \(defaultedCouplings.joined(separator: ", "))")
            }
            lines.append("ending: \(result.ending)")
        case let .fullPotential(result, run):
            let spec = run.spec
            lines.append(spec.scheme == .wetterich
                         ? "equations: Wetterich LPA of the whole potential, ∂_t U = K_d k^(d+2)/(k² + U''), Litim regulator, d = \(formatNumber(spec.dimension))"
                         : "equations: Polchinski LPA of the whole interaction, ∂_t V = −k^(d−2) V'' + V'²/k², d = \(formatNumber(spec.dimension))")
            lines.append("grid: \(spec.gridPoints) points on 0 ≤ φ ≤ \(formatNumber(spec.fieldMax)) (units of Λ^((d−2)/2)); U' integrated by CVODE (BDF, banded exact Jacobian), finite volumes")
            lines.append("scale: t = ln(k/Λ); U, φ and k in units of Λ (Λ = \(formatNumber(run.uvScale)) in the file's units); U(0) (the vacuum energy) is not tracked")
            if !run.couplings.isEmpty {
                lines.append("initial potential: U = Σ u_2n φ^2n/(2n)! with " + run.couplings.map { "\($0.name) = \(formatNumber($0.value))" }.joined(separator: ", "))
            }
            lines.append("ending: \(describe(result.ending))")
        case let .active(result, active):
            lines.append("equations: active flow, law '\(active.law.rawValue)': σ_W du/dσ_W = a u with a = \(zip(result.couplingNames, result.exponents).map { "\($0):\(formatNumber($1))" }.joined(separator: " ")), d = \(formatNumber(active.dimension))")
            lines.append("scale: σ_W, with k = sqrt(2 σ_W²/d)")
            lines.append("ending: completed")
        }
        return lines
    }

    // MARK: Renderings

    func table() -> Table {
        switch trajectory {
        case let .passive(result, _, _):
            var table = Table(header: ["t", "k"] + result.couplingNames.map { $0 + "bar" } + result.couplingNames,
                              comments: headerLines)
            for s in result.t.indices {
                table.append([formatExact(result.t[s]), formatExact(result.k[s])]
                             + result.dimensionless[s].map(formatExact) + result.dimensionful[s].map(formatExact))
            }
            return table
        case let .fullPotential(result, _):
            // One row per snapshot; the whole potential is in the CSV/JSON files.
            var table = Table(header: ["t", "k", "phi0", "kappa", "Upp0", "u2bar", "min(1+u'')", "U(0)-U(phi0)"], comments: headerLines)
            for snapshot in result.snapshots {
                let minimum = result.field.firstIndex { $0 >= snapshot.minimumField } ?? 0
                table.append([snapshot.t, snapshot.k, snapshot.minimumField, snapshot.kappa, snapshot.massSquared, snapshot.u2,
                              snapshot.thresholdDenominator.min() ?? .nan,
                              snapshot.potential[0] - snapshot.potential[minimum]].map(formatExact))
            }
            return table
        case let .active(result, _):
            var table = Table(header: ["sigmaW", "k"] + result.couplingNames, comments: headerLines)
            for s in result.sigmaW.indices {
                table.append([formatExact(result.sigmaW[s]), formatExact(result.k[s])] + result.couplings[s].map(formatExact))
            }
            return table
        }
    }

    func csv() -> String {
        guard case let .fullPotential(result, _) = trajectory else { return table().csv() }
        // Long format: the potential at every grid point of every snapshot.
        var table = Table(header: ["t", "k", "phi", "U-U(0)", "dU/dphi", "d2U/dphi2", "1+U''/k^2"], comments: headerLines)
        for snapshot in result.snapshots {
            for (i, phi) in result.field.enumerated() {
                table.append([snapshot.t, snapshot.k, phi, snapshot.potential[i] - snapshot.potential[0], snapshot.firstDerivative[i],
                              snapshot.secondDerivative[i], snapshot.thresholdDenominator[i]].map(formatExact))
            }
        }
        return table.csv()
    }

    /// Up to `rows` evenly chosen samples, readable numbers, and how the flow ended.
    func summary(rows: Int) -> String {
        let full = table()
        let count = full.rows.count
        let picked = count <= rows ? Array(0..<count)
            : Array(Set((0..<rows).map { Int((Double($0) * Double(count - 1) / Double(rows - 1)).rounded()) })).sorted()
        var short = Table(header: full.header)
        for i in picked {
            short.append(full.rows[i].map { Double($0).map { formatNumber($0) } ?? $0 })
        }
        var text = headerLines.filter { !$0.hasPrefix("config|") }.map { "# \($0)" }.joined(separator: "\n")
        text += "\n" + short.text()
        switch trajectory {
        case let .passive(result, _, _):
            text += "\(result.ending)\n"
            text += "CVODE: \(result.statistics.steps) steps, \(result.statistics.rightHandSideEvaluations) right-hand-side and \(result.statistics.jacobianEvaluations) Jacobian evaluations"
        case let .fullPotential(result, _):
            text += "\(describe(result.ending))\n"
            text += "CVODE: \(result.steps) steps (the potential at every grid point is in the --output file)"
        case let .active(result, _):
            text += "CVODE: \(result.statistics.steps) steps"
        }
        return text
    }

    func json() throws -> String {
        var object: [String: Any] = ["program": "frg", "version": frgVersion, "config": settings.file,
                                     "header": headerLines.filter { !$0.hasPrefix("config|") }]
        switch trajectory {
        case let .passive(result, beta, passive):
            object["kind"] = "passive"
            object["truncation"] = ["scheme": beta.spec.scheme.rawValue, "truncation": beta.spec.truncation.rawValue,
                                    "expansion": beta.spec.expansion.rawValue, "order": beta.spec.order,
                                    "dimension": beta.spec.dimension, "regulator": beta.spec.regulator.rawValue]
            object["uvScale"] = passive.uvScale
            object["couplings"] = result.couplingNames
            object["canonicalDimensions"] = result.canonicalDimensions
            object["samples"] = result.t.indices.map { s -> [String: Any] in
                ["t": result.t[s], "k": result.k[s],
                 "dimensionless": Dictionary(uniqueKeysWithValues: zip(result.couplingNames, result.dimensionless[s])),
                 "dimensionful": Dictionary(uniqueKeysWithValues: zip(result.couplingNames, result.dimensionful[s]))]
            }
            var ending: [String: Any] = ["description": result.ending.description]
            switch result.ending {
            case .completed: ending["kind"] = "completed"
            case let .leftDomain(constraint, _, t): ending["kind"] = "left-domain"; ending["constraint"] = constraint; ending["t"] = t
            case let .runaway(coupling, t): ending["kind"] = "runaway"; ending["coupling"] = coupling; ending["t"] = t
            }
            object["ending"] = ending
        case let .fullPotential(result, run):
            object["kind"] = "full-potential"
            object["scheme"] = run.spec.scheme.rawValue
            object["dimension"] = run.spec.dimension
            object["field"] = result.field
            object["samples"] = result.snapshots.map { s -> [String: Any] in
                ["t": s.t, "k": s.k, "minimumField": s.minimumField, "kappa": s.kappa, "massSquared": s.massSquared, "u2": s.u2,
                 "potentialMinusOrigin": s.potential.map { $0 - s.potential[0] }, "firstDerivative": s.firstDerivative,
                 "secondDerivative": s.secondDerivative]
            }
            object["ending"] = ["description": describe(result.ending)]
        case let .active(result, active):
            object["kind"] = "active"
            object["law"] = active.law.rawValue
            object["dimension"] = active.dimension
            object["couplings"] = result.couplingNames
            object["exponents"] = result.exponents
            object["samples"] = result.sigmaW.indices.map { s -> [String: Any] in
                ["sigmaW": result.sigmaW[s], "k": result.k[s],
                 "couplings": Dictionary(uniqueKeysWithValues: zip(result.couplingNames, result.couplings[s]))]
            }
            object["ending"] = ["kind": "completed", "description": "completed"]
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func plot() throws -> Plot {
        switch trajectory {
        case let .passive(result, beta, _):
            var plot = Plot(title: "Passive flow: \(describe(beta.spec))", xLabel: "RG time t = ln(k/Λ)",
                            yLabel: "dimensionless couplings (symmetric log scale)", yScale: .symlog)
            for (i, name) in result.couplingNames.enumerated() {
                plot.series.append(PlotSeries(label: barred(name), x: result.t, y: result.dimensionless.map { $0[i] }))
            }
            return plot
        case let .fullPotential(result, run):
            var plot = Plot(title: "Full-potential flow (\(run.spec.scheme.rawValue)), d = \(formatNumber(run.spec.dimension))",
                            xLabel: "field φ (units of Λ^((d−2)/2))", yLabel: "U(φ) − U(0) (units of Λ^d)")
            // Show the field range where the structure is: up to where the initial potential rises
            // to ten times its depth below U(0) (the whole grid when it has no dip).
            let first = result.snapshots[0].potential.map { $0 - result.snapshots[0].potential[0] }
            let depth = -(first.min() ?? 0)
            let cut = depth > 0 ? (first.indices.first { i in result.field[i] > 0 && first[i] > 10 * depth } ?? first.count) : first.count
            let shown = max(cut, first.count / 5)
            let count = result.snapshots.count
            let picks = Array(Set((0..<min(6, count)).map { Int((Double($0) * Double(count - 1) / Double(max(1, min(6, count) - 1))).rounded()) })).sorted()
            for i in picks {
                let s = result.snapshots[i]
                plot.series.append(PlotSeries(label: "t = \(formatNumber(s.t, significant: 3))", x: Array(result.field.prefix(shown)),
                                              y: s.potential.prefix(shown).map { $0 - s.potential[0] }))
            }
            return plot
        case let .active(result, active):
            var plot = Plot(title: "Active flow (\(active.law.rawValue) law), d = \(formatNumber(active.dimension))",
                            xLabel: "σ_W", yLabel: "couplings (symmetric log scale)", xScale: .log, yScale: .symlog)
            for (i, name) in result.couplingNames.enumerated() {
                plot.series.append(PlotSeries(label: name, x: result.sigmaW, y: result.couplings.map { $0[i] }))
            }
            return plot
        }
    }
}

/// One-line description of a truncation, as printed in headers and titles.
func describe(_ spec: TruncationSpec) -> String {
    "\(spec.scheme.rawValue) \(spec.truncation.rawValue), expansion about \(spec.expansion == .zero ? "φ = 0" : "the running minimum"), order φ^\(spec.order), d = \(formatNumber(spec.dimension)), \(spec.regulator.rawValue) regulator"
}

/// The dimensionless symbol of a coupling: ū2, v̄4, κ̄, λ̄3.
func barred(_ name: String) -> String {
    let bar = "\u{0304}"
    if name == "kappa" { return "κ" + bar }
    if name.hasPrefix("lambda") { return "λ" + bar + name.dropFirst("lambda".count) }
    guard let first = name.first else { return name }
    return String(first) + bar + name.dropFirst()
}

/// How a full-potential flow ended, in words.
func describe(_ ending: FullPotentialFlowEnding) -> String {
    switch ending {
    case .reachedEnd: return "completed: reached the final scale"
    case let .convexityFloor(t, field):
        return "stopped at t = \(t): min(1 + u'') reached the stop level at φ = \(field) — inside the coexistence region the potential has flattened (U'' → −k², the approach to the convex effective potential) as far as the grid resolves"
    }
}
