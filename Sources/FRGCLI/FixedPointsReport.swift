import ComplexModule
import FixedPoints
import Foundation
import FullPotential
import Reports
import TextOutput
import Truncation

/// How `frg fixed-points` prints and writes its results (docs/outputs.md): the `--format`
/// document (text, JSON, CSV) on stdout or in the `--output` file, SVG files when asked. With a
/// JSON or CSV document given `--output`, the text tables still go to the terminal: to stdout
/// when the document goes to a file, to stderr when it goes to stdout (`-o -`).
struct FixedPointsReport {
    var format: OutputFormat = .text
    var output: String?
    var plot: String?
    var deviationPlot: String?
    /// The census's Newton starts, seed and box, recorded in its JSON.
    var starts = 0, seed: UInt64 = 0, width = 0.0

    /// The text form goes to stdout unless stdout carries the document.
    private var console: Console { Console(stdoutIsDocument: format != .text && (output == nil || output == "-")) }

    /// Writes the document of the chosen format; `text` is printed (to stdout or stderr) when the
    /// document is not text.
    private func deliver(text: () throws -> String, json: () throws -> [String: Any], schema: String,
                         csv: () throws -> (Table, CSVMeta)) throws {
        let files = OutputFiles()
        switch format {
        case .text, .latex:
            try files.deliver(try text(), to: output)
            return
        case .json:
            try files.deliver(try jsonDocument(schema: schemaName(schema), version: frgVersion, try json()), to: output)
        case .csv:
            let (table, meta) = try csv()
            try files.deliver(try table.csv(), to: output, meta: meta)
        }
        // Beside a document in a file or on stdout (`-o`), the tables for people; without
        // `--output` the document alone, as asked.
        if output != nil { console.say(try text(), terminator: "") }
    }

    /// Every fixed point of one truncation.
    func emit(_ census: FixedPointCensus) throws {
        let spec = census.spec, points = census.points
        let showEta = census.beta.hasAnomalousDimension
        let names = census.beta.couplingNames
        try deliver(text: { try censusText(census) }, json: {
            ["truncation": spec.truncationObject, "starts": starts, "seed": seed, "width": width,
             "fixedPoints": points.enumerated().map { index, p in
                 var object = fixedPointObject(p)
                 object["index"] = index + 1
                 return object
             },
             "shortfall": census.shortfall ?? NSNull(), "searchMissed": census.searchMissed ?? NSNull()]
        }, schema: "fixed-points", csv: {
            let eigenvalueCount = points.map(\.eigenvalues.count).max() ?? 0
            var table = Table(header: ["index", "kind", "spectralKind", "nu", "omega", "eta", "relevantDirections", "basin", "residual"]
                              + names + eigenvalueColumns(eigenvalueCount))
            for (index, p) in points.enumerated() {
                table.append(["\(index + 1)", p.reportedKind, p.kind.rawValue, csvNumber(p.nu), csvNumber(p.omega),
                              csvNumber(showEta ? p.eta : nil), "\(p.relevantDirections)", "\(p.basin)", formatExact(p.residual)]
                             + p.couplings.map(formatExact) + eigenvalueCells(p.eigenvalues, count: eigenvalueCount))
            }
            var notes: [String] = []
            for (index, p) in points.enumerated() { if let persistence = p.persistence { notes.append("\(index + 1): \(persistence.evidence)") } }
            notes += [census.shortfall, census.searchMissed].compactMap { $0 }
            return (table, CSVMeta(columns: table.header, describes: schemaName("fixed-points"),
                                   header: ["Fixed points: \(spec.outline); \(census.startCount) Newton starts",
                                            "eigenvalues θ of ∂β_i/∂ū_j, t = ln(k/Λ): θ < 0 relevant; ν = −1/θ_min, ω = smallest Re θ > 0"],
                                   truncation: spec.truncationObject, notes: notes))
        })
    }

    private func censusText(_ census: FixedPointCensus) throws -> String {
        let spec = census.spec, points = census.points
        var out = "# Fixed points: \(spec.outline); \(census.startCount) Newton starts\n"
        out += "# eigenvalues θ of ∂β_i/∂ū_j, t = ln(k/Λ): θ < 0 relevant; ν = −1/θ_min, ω = smallest Re θ > 0\n"
        let showEta = census.beta.hasAnomalousDimension
        var header = ["#", "kind"] + census.beta.couplingNames
        header += showEta ? ["ν", "ω", "η"] : ["ν", "ω"]
        header += ["eigenvalues", "basin"]
        var table = Table(header: header)
        for (index, p) in points.enumerated() {
            var row = ["\(index + 1)", p.reportedKind]
            row += p.couplings.map { formatNumber($0, significant: 8) }
            row.append(optionalNumber(p.nu, significant: 8))
            row.append(optionalNumber(p.omega, significant: 8))
            if showEta { row.append(optionalNumber(p.eta, significant: 6)) }
            row.append(p.eigenvalues.map(formatEigenvalue).joined(separator: " "))
            row.append("\(p.basin)")
            table.append(row)
        }
        out += try table.text()
        for (index, p) in points.enumerated() {
            guard let persistence = p.persistence else { continue }
            let name = persistence.persists ? p.kind.rawValue : "\(p.reportedKind) (\(p.kind.rawValue) spectrum at φ^\(spec.order))"
            out += "# \(index + 1) \(name): \(persistence.evidence)\n"
        }
        if let shortfall = census.shortfall { out += "# \(shortfall)\n" }
        if let missed = census.searchMissed { out += "# \(missed)\n" }
        return out
    }

    /// Branch studies (in the order, the dimension or the regulator prefactor): the document (schema
    /// fixed-point-study), a plot of ν and ω, with a reference the distance to the whole-potential
    /// exponents, and with `stationary` (a PMS scan) where ν and η are stationary in the parameter.
    func emit(_ studies: [BranchStudy], study: String, title: String, reference: ScalingSolution? = nil,
              stationary: Bool = false) throws {
        let kind = studies[0].parameter
        let parameterKey: String
        switch kind {
        case .order: parameterKey = "order"
        case .dimension: parameterKey = "dimension"
        case .prefactor: parameterKey = "prefactor"
        }
        func step(_ value: Double) -> Any { kind == .order ? Int(value) as Any : value as Any }
        func seriesTruncation(_ study: BranchStudy) -> [String: Any] {
            var object = study.spec.truncationObject
            // The scanned quantity varies along the series: it is in the steps, not the truncation.
            if kind == .dimension { object["dimension"] = nil }
            if kind == .prefactor { object["prefactor"] = nil }
            return object
        }
        let pms = stationary ? stationaryPoints(studies) : []
        try deliver(text: { try studiesText(studies, title: title, reference: reference) + pmsText(pms, parameter: kind.rawValue) }, json: {
            var object: [String: Any] = ["study": study, "parameter": parameterKey,
             "fullPotential": reference.map { ["nu": $0.nu, "omega": $0.omega] as [String: Any] } ?? NSNull(),
             "series": studies.map { s -> [String: Any] in
                 ["truncation": seriesTruncation(s), "stopped": s.stopped ?? NSNull(),
                  "persistence": s.persistence.map(persistenceObject) ?? NSNull(),
                  "steps": s.steps.map { [parameterKey: step($0.parameter), "fixedPoint": fixedPointObject($0.fixedPoint)] }]
             }]
            if stationary {
                object["stationary"] = Dictionary(uniqueKeysWithValues: pms.map { row in
                    (row.name, row.points.map { [parameterKey: $0.parameter, "value": $0.value] as [String: Any] })
                })
            }
            return object
        }, schema: "fixed-point-study", csv: {
            let eigenvalueCount = studies.flatMap(\.steps).map(\.fixedPoint.eigenvalues.count).max() ?? 0
            var table = Table(header: ["scheme", "truncation", "expansion", "regulator", "prefactor", "dimension", "order", "kind", "nu", "omega", "eta",
                                       "relevantDirections", "residual"] + eigenvalueColumns(eigenvalueCount))
            for s in studies {
                let spec = s.spec
                for st in s.steps {
                    let p = st.fixedPoint
                    table.append([spec.scheme.rawValue, spec.truncation.rawValue, spec.expansion.rawValue,
                                  spec.truncationObject["regulator"] as? String ?? "",
                                  kind == .prefactor ? formatExact(st.parameter)
                                      : spec.scheme == .wetterich && spec.regulator == .exponential ? formatExact(spec.regulatorPrefactor) : "",
                                  formatExact(kind == .dimension ? st.parameter : spec.dimension),
                                  kind == .order ? "\(Int(st.parameter))" : "\(spec.order)",
                                  p.reportedKind, csvNumber(p.nu), csvNumber(p.omega), csvNumber(p.eta), "\(p.relevantDirections)",
                                  formatExact(p.residual)] + eigenvalueCells(p.eigenvalues, count: eigenvalueCount))
                }
            }
            var notes: [String] = []
            for s in studies {
                if let stopped = s.stopped { notes.append("\(s.spec.outline): stopped: \(stopped)") }
                if let persistence = s.persistence { notes.append("\(s.spec.outline): \(persistence.verdict.rawValue) — \(persistence.evidence)") }
            }
            var header = [title]
            header += pmsText(pms, parameter: kind.rawValue).split(separator: "\n").map { String($0.dropFirst(2)) }
            if let reference { header.append("full-potential LPA scaling solution: nu = \(formatExact(reference.nu)), omega = \(formatExact(reference.omega))") }
            return (table, CSVMeta(columns: table.header, describes: schemaName("fixed-point-study"), header: header,
                                   truncation: seriesTruncation(studies[0]), notes: notes))
        })
        if let plot {
            let xLabel: String
            switch kind {
            case .order: xLabel = "order 2n of the truncation"
            case .dimension: xLabel = "dimension d"
            case .prefactor: xLabel = "regulator prefactor α"
            }
            var figure = Plot(title: title, xLabel: xLabel,
                              yLabel: "critical exponents ν and ω")
            for study in studies {
                let short = study.spec.expansion == .minimum ? "about the minimum" : "about φ = 0"
                let x = study.steps.map(\.parameter)
                figure.series.append(PlotSeries(label: "ν, \(short)", x: x, y: study.steps.map { $0.fixedPoint.nu ?? .nan }, style: .line))
                figure.series.append(PlotSeries(label: "ω, \(short)", x: x, y: study.steps.map { $0.fixedPoint.omega ?? .nan }, style: .dashed))
            }
            try OutputFiles().write(try figure.svg(), to: plot)
            note("wrote \(plot)")
        }
        if let deviationPlot {
            guard let reference else {
                throw UsageError("--deviation-plot needs the full-potential reference (Wetterich LPA with Litim, or Polchinski LPA, 2 < d < 4, with --convergence)")
            }
            var figure = Plot(title: "Distance to the full-potential LPA exponents", xLabel: "order 2n of the truncation",
                              yLabel: "|ν(2n) − ν_full|, |ω(2n) − ω_full|", yScale: .log)
            for study in studies {
                let short = study.spec.expansion == .minimum ? "about the minimum" : "about φ = 0"
                // Exact agreement cannot be drawn on a log axis; such points are left out.
                let nu = study.steps.compactMap { s in s.fixedPoint.nu.map { (s.parameter, abs($0 - reference.nu)) } }.filter { $0.1 > 0 }
                let omega = study.steps.compactMap { s in s.fixedPoint.omega.map { (s.parameter, abs($0 - reference.omega)) } }.filter { $0.1 > 0 }
                figure.series.append(PlotSeries(label: "ν, \(short)", x: nu.map(\.0), y: nu.map(\.1), style: .line))
                figure.series.append(PlotSeries(label: "ω, \(short)", x: omega.map(\.0), y: omega.map(\.1), style: .dashed))
            }
            try OutputFiles().write(try figure.svg(), to: deviationPlot)
            note("wrote \(deviationPlot)")
        }
    }

    /// PMS: where ν and η are stationary in the scanned parameter (parabola vertices).
    private func stationaryPoints(_ studies: [BranchStudy]) -> [(name: String, points: [(parameter: Double, value: Double)])] {
        studies.flatMap { study in
            let withNu = study.steps.filter { $0.fixedPoint.nu != nil }
            var rows = [("nu", TruncationStudies.stationaryPoints(parameters: withNu.map(\.parameter), values: withNu.map { $0.fixedPoint.nu! }))]
            let withEta = study.steps.filter { $0.fixedPoint.eta != nil }
            if !withEta.isEmpty {
                rows.append(("eta", TruncationStudies.stationaryPoints(parameters: withEta.map(\.parameter), values: withEta.map { $0.fixedPoint.eta! })))
            }
            return rows
        }
    }

    private func pmsText(_ pms: [(name: String, points: [(parameter: Double, value: Double)])], parameter: String) -> String {
        var out = ""
        for row in pms {
            let symbol = row.name == "nu" ? "ν" : "η"
            if row.points.isEmpty {
                out += "# PMS: \(symbol) is not stationary in the scanned \(parameter) range\n"
            }
            for p in row.points {
                out += "# PMS: \(symbol) stationary at \(parameter) = \(formatNumber(p.parameter, significant: 4)): \(symbol) = \(formatNumber(p.value, significant: 6)) (parabola through the neighbouring samples)\n"
            }
        }
        return out
    }

    private func studiesText(_ studies: [BranchStudy], title: String, reference: ScalingSolution?) throws -> String {
        let parameter = studies[0].parameter.rawValue
        var out = ""
        if let reference {
            out += "# full-potential LPA scaling solution (frg fixed-points --truncation full-potential): ν = \(String(format: "%.12f", reference.nu)), ω = \(String(format: "%.12f", reference.omega))\n"
        }
        for study in studies {
            out += "# \(title): \(study.spec.outline)\n"
            out += try continuationTable(study.steps, parameter: parameter).text()
            if let stopped = study.stopped { out += "# stopped: \(stopped)\n" }
            if let persistence = study.persistence {
                let verdict: String
                switch persistence.verdict {
                case .converges: verdict = "a fixed point: it persists as the order grows"
                case .artifact: verdict = "a truncation artifact, not a fixed point"
                case .unconverged: verdict = "not confirmed as the order grows"
                }
                out += "# \(verdict) — \(persistence.evidence)\n"
            }
            out += "\n"
        }
        return out
    }

    /// The LPA scaling solution of the whole potential, with its error estimate.
    func emit(_ solution: ScalingSolution) throws {
        let scheme = solution.spec.scheme, d = solution.spec.dimension
        let eigenvalues = solution.eigenvalues
        let errors = solution.eigenvalueErrors
        let names = solution.minimumCouplingDescriptors.names
        let samples = solution.samples
        let truncation: [String: Any] = ["scheme": scheme.rawValue, "truncation": "full-potential", "dimension": d]
            .merging(scheme == .wetterich ? ["regulator": "litim"] : [:]) { a, _ in a }
        try deliver(text: {
            var out = "# Scaling solution of the full LPA potential: \(scheme.rawValue)\(scheme == .wetterich ? ", Litim regulator" : " (normalized form)"), d = \(formatNumber(d))\n"
            out += "# Chebyshev collocation in ρ = φ²/2 with the large-field asymptotics imposed, N = \(solution.basisSize), ρ_max = \(formatNumber(solution.domainLength, significant: 4))\(scheme == .wetterich ? "·K_d" : "")\n"
            if errors != nil {
                out += "# error: change from the previous basis size + change on a shorter domain + rounding floor\n"
            }
            out += "ν = \(String(format: "%.12f", solution.nu))\(withError(solution.nuError))\n"
            out += "ω = \(String(format: "%.12f", solution.omega))\(withError(solution.omegaError))\n"
            out += "eigenvalues θ (t = ln(k/Λ), θ < 0 relevant): " + eigenvalues.enumerated().map { k, value in
                (value.imaginary == 0 ? formatNumber(value.real, significant: 11) : formatEigenvalue(value)) + withError(errors?[k])
            }.joined(separator: ", ") + "\n"
            out += "at the minimum ρ = κ: " + zip(names, solution.minimumCouplings).map { "\($0) = \(formatNumber($1, significant: 9))" }.joined(separator: ", ") + "\n"
            out += "at φ = 0: " + zip(solution.originCouplingDescriptors.names, solution.originCouplings).map { "\($0) = \(formatNumber($1, significant: 7))" }.joined(separator: ", ") + "\n"
            if let shortfall = solution.shortfall { out += "# not converged: \(shortfall)\n" }
            return out
        }, json: {
            ["truncation": truncation,
             "nu": solution.nu, "omega": solution.omega,
             "nuError": solution.nuError ?? NSNull(), "omegaError": solution.omegaError ?? NSNull(),
             "eigenvalues": eigenvalues.enumerated().map { k, value -> [String: Any] in
                 ["re": value.real, "im": value.imaginary, "error": errors?[k] ?? NSNull()]
             },
             "couplingsAtMinimum": Dictionary(uniqueKeysWithValues: zip(names, solution.minimumCouplings)),
             "couplingsAtOrigin": Dictionary(uniqueKeysWithValues: zip(solution.originCouplingDescriptors.names, solution.originCouplings)),
             "basisSize": solution.basisSize, "domainLength": solution.domainLength,
             "shortfall": solution.shortfall ?? NSNull(),
             "potential": samples.map { ["phi": $0.phi, "potentialMinusOrigin": $0.potential - samples[0].potential,
                                         "firstDerivative": $0.firstDerivative, "secondDerivative": $0.secondDerivative] }]
        }, schema: "full-potential", csv: {
            var table = Table(header: ["phi", "potentialMinusOrigin", "firstDerivative", "secondDerivative"])
            for sample in samples {
                table.append([formatExact(sample.phi), formatExact(sample.potential - samples[0].potential),
                              formatExact(sample.firstDerivative), formatExact(sample.secondDerivative)])
            }
            let header = ["LPA scaling potential (\(scheme.rawValue)), d = \(formatNumber(d)): u(φ) − u(0), u′, u″ of the dimensionless potential",
                          "nu = \(formatExact(solution.nu))\(withError(solution.nuError)), omega = \(formatExact(solution.omega))\(withError(solution.omegaError))",
                          "eigenvalues: " + eigenvalues.map(exactEigenvalue).joined(separator: ", ")]
            return (table, CSVMeta(columns: table.header, describes: schemaName("full-potential"), header: header, truncation: truncation,
                                   notes: solution.shortfall.map { [$0] } ?? []))
        })
        if let plot {
            var figure = Plot(title: "LPA scaling potential (\(scheme.rawValue)), d = \(formatNumber(d))",
                              xLabel: "field φ (dimensionless)", yLabel: "u(φ) − u(0), u'(φ), u''(φ)")
            let samples = solution.samples
            figure.series = [
                PlotSeries(label: "u − u(0)", x: samples.map(\.phi), y: samples.map { $0.potential - samples[0].potential }),
                PlotSeries(label: "u'", x: samples.map(\.phi), y: samples.map(\.firstDerivative), style: .dashed),
                PlotSeries(label: "u''", x: samples.map(\.phi), y: samples.map(\.secondDerivative), style: .dashed),
            ]
            try OutputFiles().write(try figure.svg(), to: plot)
            note("wrote \(plot)")
        }
    }
}

extension FixedPointsReport {
    /// The Polchinski O(∂²) scaling solution of the whole functions (`--expansion full`), in the
    /// full-potential document: the potential tower as `eigenvalues`, and η, the redundant and the
    /// unresolved eigenvalues beside it.
    func emit(_ solution: PolchinskiDerivative2Solution) throws {
        let d = solution.spec.dimension, cutoff = solution.spec.cutoff
        let eigenvalues = solution.eigenvalues
        let errors = solution.eigenvalueErrors
        let samples = solution.samples
        let truncation: [String: Any] = ["scheme": "polchinski", "truncation": "derivative2", "expansion": "full",
                                         "regulator": cutoff.rawValue, "dimension": d]
        func list(_ values: [Complex<Double>]) -> String {
            values.isEmpty ? "none" : values.map { $0.imaginary == 0 ? formatNumber($0.real, significant: 8) : formatEigenvalue($0) }.joined(separator: ", ")
        }
        let originNames = solution.originCouplingDescriptors.names
        let atMinimum = solution.spec.normalization == .minimum
        try deliver(text: {
            var out = "# Scaling solution of the Polchinski O(∂²) system for the whole functions v(φ), z(φ): cutoff c = R/(p² + R) of the \(cutoff.rawValue) regulator (γ = \(formatNumber(solution.spec.gamma)), σ = \(formatNumber(solution.spec.sigma))), d = \(formatNumber(d))\n"
            out += "# Chebyshev collocation of ∂_ρv and z in ρ = φ²/2 with the large-field asymptotics imposed, \(atMinimum ? "z(κ) = 1 at the minimum κ of v" : "z(0) = 1") fixing η, N = \(solution.basisSize), ρ_max = \(formatNumber(solution.domainLength, significant: 4))\n"
            if errors != nil {
                out += "# error: change from the previous basis size + change on a shorter domain + rounding floor\n"
            }
            out += "ν = \(String(format: "%.12f", solution.nu))\(withError(solution.nuError))\n"
            out += "ω = \(String(format: "%.12f", solution.omega))\(withError(solution.omegaError))\n"
            out += "η = \(String(format: "%.12f", solution.eta))\(withError(solution.etaError))\n"
            out += "eigenvalues θ of the potential tower (t = ln(k/Λ), θ < 0 relevant): " + eigenvalues.enumerated().map { k, value in
                (value.imaginary == 0 ? formatNumber(value.real, significant: 11) : formatEigenvalue(value)) + withError(errors?[k])
            }.joined(separator: ", ") + "\n"
            out += "redundant tower (φ^2n (∂φ)², field redefinitions; not exponents): \(list(solution.redundantEigenvalues))\n"
            if !solution.unresolvedEigenvalues.isEmpty {
                out += "unresolved (a potential and a redundant eigenvalue met; the potential tower is listed only below them): \(list(solution.unresolvedEigenvalues))\n"
            }
            out += "at φ = 0: " + zip(originNames, solution.originCouplings).map { "\($0) = \(formatNumber($1, significant: 7))" }.joined(separator: ", ")
                + "; minimum of v at ρ = \(formatNumber(solution.minimum, significant: 7))\n"
            if let shortfall = solution.shortfall { out += "# not converged: \(shortfall)\n" }
            return out
        }, json: {
            func values(_ list: [Complex<Double>]) -> [[String: Any]] { list.map { ["re": $0.real, "im": $0.imaginary] } }
            return ["truncation": truncation,
                    "nu": solution.nu, "omega": solution.omega, "eta": solution.eta,
                    "normalization": atMinimum ? "minimum" : "zero",
                    "nuError": solution.nuError ?? NSNull(), "omegaError": solution.omegaError ?? NSNull(),
                    "etaError": solution.etaError ?? NSNull(),
                    "eigenvalues": eigenvalues.enumerated().map { k, value -> [String: Any] in
                        ["re": value.real, "im": value.imaginary, "error": errors?[k] ?? NSNull()]
                    },
                    "redundantEigenvalues": values(solution.redundantEigenvalues),
                    "unresolvedEigenvalues": values(solution.unresolvedEigenvalues),
                    "couplingsAtMinimum": ["kappa": solution.minimum],
                    "couplingsAtOrigin": Dictionary(uniqueKeysWithValues: zip(originNames, solution.originCouplings)),
                    "basisSize": solution.basisSize, "domainLength": solution.domainLength,
                    "shortfall": solution.shortfall ?? NSNull(),
                    "potential": samples.map { ["phi": $0.phi, "potentialMinusOrigin": $0.potentialMinusOrigin,
                                                "firstDerivative": $0.firstDerivative, "secondDerivative": $0.secondDerivative,
                                                "kinetic": $0.kinetic] }]
        }, schema: "full-potential", csv: {
            var table = Table(header: ["phi", "potentialMinusOrigin", "firstDerivative", "secondDerivative", "kinetic"])
            for sample in samples {
                table.append([formatExact(sample.phi), formatExact(sample.potentialMinusOrigin), formatExact(sample.firstDerivative),
                              formatExact(sample.secondDerivative), formatExact(sample.kinetic)])
            }
            let header = ["Polchinski O(∂²) scaling solution (\(cutoff.rawValue) cutoff), d = \(formatNumber(d)): v(φ) − v(0), v′, v″ and z(φ), dimensionless",
                          "nu = \(formatExact(solution.nu))\(withError(solution.nuError)), omega = \(formatExact(solution.omega))\(withError(solution.omegaError)), eta = \(formatExact(solution.eta))\(withError(solution.etaError))",
                          "eigenvalues (potential tower): " + eigenvalues.map(exactEigenvalue).joined(separator: ", ")]
            return (table, CSVMeta(columns: table.header, describes: schemaName("full-potential"), header: header, truncation: truncation,
                                   notes: solution.shortfall.map { [$0] } ?? []))
        })
        if let plot {
            var figure = Plot(title: "Polchinski O(∂²) scaling solution (\(cutoff.rawValue) cutoff), d = \(formatNumber(d))",
                              xLabel: "field φ (dimensionless)", yLabel: "v(φ) − v(0), v''(φ), z(φ)")
            figure.series = [
                PlotSeries(label: "v − v(0)", x: samples.map(\.phi), y: samples.map(\.potentialMinusOrigin)),
                PlotSeries(label: "v''", x: samples.map(\.phi), y: samples.map(\.secondDerivative), style: .dashed),
                PlotSeries(label: "z", x: samples.map(\.phi), y: samples.map(\.kinetic), style: .dashed),
            ]
            try OutputFiles().write(try figure.svg(), to: plot)
            note("wrote \(plot)")
        }
    }
}

/// A number, or an em dash where the quantity does not exist (never NaN).
func optionalNumber(_ x: Double?, significant: Int) -> String {
    x.map { formatNumber($0, significant: significant) } ?? "—"
}

/// An eigenvalue in a table: `θ` or `a+bi` / `a−bi` (six significant digits, a true minus sign).
private func formatEigenvalue(_ c: Complex<Double>) -> String {
    c.imaginary == 0 ? formatNumber(c.real, significant: 6)
        : "\(formatNumber(c.real, significant: 6))\(c.imaginary < 0 ? "−" : "+")\(formatNumber(abs(c.imaginary), significant: 6))i"
}

/// A number in CSV: shortest round-trip decimal, or an empty cell where it does not exist.
private func csvNumber(_ x: Double?) -> String { x.map(formatExact) ?? "" }

/// `theta1Re, theta1Im, …` for `count` eigenvalues (docs/outputs.md).
private func eigenvalueColumns(_ count: Int) -> [String] {
    (1...max(count, 1)).prefix(count).flatMap { ["theta\($0)Re", "theta\($0)Im"] }
}

/// The cells of `eigenvalueColumns(count)`: real and imaginary parts, empty past the last.
private func eigenvalueCells(_ values: [Complex<Double>], count: Int) -> [String] {
    (0..<count).flatMap { k in k < values.count ? [formatExact(values[k].real), formatExact(values[k].imaginary)] : ["", ""] }
}

/// An eigenvalue in JSON: `{"re": a, "im": b}`.
private func eigenvalueObject(_ c: Complex<Double>) -> [String: Double] {
    ["re": c.real, "im": c.imaginary]
}

private func continuationTable(_ steps: [ContinuationStep], parameter: String) -> Table {
    let names = steps.last?.fixedPoint.couplingNames.prefix(3) ?? []
    let showEta = steps.contains { $0.fixedPoint.eta != nil }
    var table = Table(header: [parameter, "kind", "ν", "ω"] + (showEta ? ["η"] : []) + names + ["max|β|/(1+max|ū|)"])
    for step in steps {
        let p = step.fixedPoint
        table.append([formatNumber(step.parameter, significant: 6), p.reportedKind,
                      optionalNumber(p.nu, significant: 10), optionalNumber(p.omega, significant: 10)]
                     + (showEta ? [optionalNumber(p.eta, significant: 8)] : [])
                     + names.map { optionalNumber(p.coupling($0), significant: 8) }
                     + [formatNumber(p.residual / (1 + (p.couplings.map(abs).max() ?? 0)), significant: 2)])
    }
    return table
}

/// The JSON object of one fixed point; absent exponents are `null`, never NaN. `kind` is the
/// reported kind (`truncation-artifact` when the point does not persist), `spectralKind` what its
/// eigenvalues alone say.
func fixedPointObject(_ p: FixedPoint) -> [String: Any] {
    [
        "kind": p.reportedKind,
        "spectralKind": p.kind.rawValue,
        "persistence": p.persistence.map(persistenceObject) ?? NSNull(),
        "couplings": Dictionary(uniqueKeysWithValues: zip(p.couplingNames, p.couplings)),
        "eigenvalues": p.eigenvalues.map(eigenvalueObject),
        "nu": p.nu ?? NSNull(),
        "omega": p.omega ?? NSNull(),
        "eta": p.eta ?? NSNull(),
        "relevantDirections": p.relevantDirections,
        "basin": p.basin,
        "residual": p.residual,
    ]
}

/// Whether a point persists as the order grows, with the orders and leading eigenvalues that decided.
func persistenceObject(_ p: Persistence) -> [String: Any] {
    ["persists": p.persists, "verdict": p.verdict.rawValue, "orders": p.orders, "leadingEigenvalues": p.leadingEigenvalues,
     "lost": p.lost ?? NSNull(), "evidence": p.evidence]
}

/// ` ± 1.2e-10` after a value whose error is known, nothing otherwise.
private func withError(_ error: Double?) -> String {
    error.map { " ± \(formatNumber($0, significant: 2))" } ?? ""
}

/// An eigenvalue with every digit (shortest round trip), `a+bi` when complex: the CSV sidecar's form.
private func exactEigenvalue(_ value: Complex<Double>) -> String {
    formatExact(value.real) + (value.imaginary == 0 ? "" : (value.imaginary < 0 ? "-" : "+") + formatExact(abs(value.imaginary)) + "i")
}
