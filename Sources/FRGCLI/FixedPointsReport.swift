import ComplexModule
import FixedPoints
import Foundation
import FullPotential
import Reports
import TextOutput
import Truncation

/// How `frg fixed-points` prints and writes its results: tables or JSON on stdout, CSV and SVG
/// files when asked.
struct FixedPointsReport {
    var json: Bool
    var csv: String?
    var plot: String?
    var deviationPlot: String?

    /// Every fixed point of one truncation.
    func emit(_ census: FixedPointCensus) throws {
        let spec = census.spec, points = census.points
        if json {
            print(try jsonText(["truncation": spec.outline, "fixedPoints": points.map(fixedPointObject),
                                "shortfall": census.shortfall ?? NSNull(),
                                "searchMissed": census.searchMissed ?? NSNull()]))
            return
        }
        print("# Fixed points: \(spec.outline); \(census.startCount) Newton starts")
        print("# eigenvalues θ of ∂β_i/∂ū_j, t = ln(k/Λ): θ < 0 relevant; ν = −1/θ_min, ω = smallest Re θ > 0")
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
        print(try table.text(), terminator: "")
        for (index, p) in points.enumerated() {
            guard let persistence = p.persistence else { continue }
            let name = persistence.persists ? p.kind.rawValue : "\(p.reportedKind) (\(p.kind.rawValue) spectrum at φ^\(spec.order))"
            print("# \(index + 1) \(name): \(persistence.evidence)")
        }
        if let shortfall = census.shortfall { print("# \(shortfall)") }
        if let missed = census.searchMissed { print("# \(missed)") }
    }

    /// Branch studies (in the order or the dimension): tables or JSON, CSV, a plot of ν and ω, and
    /// with a reference the distance to the whole-potential exponents.
    func emit(_ studies: [BranchStudy], key: String, title: String, reference: ScalingSolution? = nil,
              stationary: Bool = false) throws {
        let parameter = studies[0].parameter.rawValue
        // PMS: where ν and η are stationary in the scanned parameter.
        let pms: [(name: String, points: [(parameter: Double, value: Double)])] = stationary ? studies.flatMap { study in
            let steps = study.steps.filter { $0.fixedPoint.nu != nil }
            let x = steps.map(\.parameter)
            var rows = [("nu", TruncationStudies.stationaryPoints(parameters: x, values: steps.map { $0.fixedPoint.nu! }))]
            let withEta = steps.filter { $0.fixedPoint.eta != nil }
            if !withEta.isEmpty {
                rows.append(("eta", TruncationStudies.stationaryPoints(parameters: withEta.map(\.parameter), values: withEta.map { $0.fixedPoint.eta! })))
            }
            return rows
        } : []
        if json {
            var object: [String: Any] = [key: studies.map { study -> [String: Any] in
                ["truncation": study.spec.outline, "stopped": study.stopped ?? NSNull(),
                 "persistence": study.persistence.map(persistenceObject) ?? NSNull(),
                 "steps": study.steps.map { [parameter: $0.parameter, "fixedPoint": fixedPointObject($0.fixedPoint)] }]
            }]
            if let reference { object["fullPotential"] = ["nu": reference.nu, "omega": reference.omega] }
            if stationary {
                object["stationary"] = Dictionary(uniqueKeysWithValues: pms.map { row in
                    (row.name, row.points.map { [parameter: $0.parameter, "value": $0.value] })
                })
            }
            print(try jsonText(object))
        } else {
            if let reference {
                print("# full-potential LPA scaling solution (frg fixed-points --truncation full-potential): ν = \(String(format: "%.12f", reference.nu)), ω = \(String(format: "%.12f", reference.omega))")
            }
            for study in studies {
                print("# \(title): \(study.spec.outline)")
                print(try continuationTable(study.steps, parameter: parameter).text(), terminator: "")
                if let stopped = study.stopped { print("# stopped: \(stopped)") }
                if let persistence = study.persistence {
                    let verdict: String
                    switch persistence.verdict {
                    case .converges: verdict = "a fixed point: it persists as the order grows"
                    case .artifact: verdict = "a truncation artifact, not a fixed point"
                    case .unconverged: verdict = "not confirmed as the order grows"
                    }
                    print("# \(verdict) — \(persistence.evidence)")
                }
                print("")
            }
            for row in pms {
                let symbol = row.name == "nu" ? "ν" : "η"
                if row.points.isEmpty {
                    print("# PMS: \(symbol) is not stationary in the scanned \(parameter) range")
                } else {
                    for p in row.points {
                        print("# PMS: \(symbol) stationary at \(parameter) = \(formatNumber(p.parameter, significant: 4)): \(symbol) = \(formatNumber(p.value, significant: 6)) (parabola through the neighbouring samples)")
                    }
                }
            }
        }
        if let csv {
            var table = Table(header: ["truncation", parameter, "kind", "nu", "omega", "eigenvalues"],
                              comments: ["frg \(frgVersion) fixed-points: \(title)"] + studies.compactMap { s in s.stopped.map { "\(s.spec.outline): stopped: \($0)" } })
            for study in studies {
                for step in study.steps {
                    let p = step.fixedPoint
                    table.append([study.spec.outline, formatExact(step.parameter), p.reportedKind, p.nu.map(formatExact) ?? "",
                                  p.omega.map(formatExact) ?? "", p.eigenvalues.map(csvEigenvalue).joined(separator: " ")])
                }
            }
            try OutputFiles().write(try table.csv(), to: csv)
            note("wrote \(csv)")
        }
        if let plot {
            var figure = Plot(title: title, xLabel: parameter == "d" ? "dimension d" : parameter == "alpha" ? "regulator prefactor α" : "order 2n of the truncation",
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

    /// The LPA scaling solution of the whole potential, with its error estimate.
    func emit(_ solution: ScalingSolution) throws {
        let scheme = solution.spec.scheme, d = solution.spec.dimension
        let eigenvalues = solution.eigenvalues
        let errors = solution.eigenvalueErrors
        let names = solution.minimumCouplingDescriptors.names
        if json {
            let objects = eigenvalues.enumerated().map { k, value -> [String: Any] in
                var object: [String: Any] = eigenvalueObject(value)
                object["error"] = errors?[k] ?? NSNull()
                return object
            }
            let point: [String: Any] = [
                "kind": FixedPoint.Kind.wilsonFisher.rawValue,
                "couplings": Dictionary(uniqueKeysWithValues: zip(names, solution.minimumCouplings)),
                "eigenvalues": objects,
                "nu": solution.nu, "omega": solution.omega, "eta": NSNull(),
                "nuError": solution.nuError ?? NSNull(), "omegaError": solution.omegaError ?? NSNull(),
                "basisSize": solution.basisSize, "domainLength": solution.domainLength,
            ]
            print(try jsonText(["truncation": "\(scheme.rawValue) LPA, full potential, d = \(formatNumber(d))", "fixedPoints": [point],
                                "shortfall": solution.shortfall ?? NSNull()]))
        } else {
            print("# Scaling solution of the full LPA potential: \(scheme.rawValue)\(scheme == .wetterich ? ", Litim regulator" : " (normalized form)"), d = \(formatNumber(d))")
            print("# Chebyshev collocation in ρ = φ²/2 with the large-field asymptotics imposed, N = \(solution.basisSize), ρ_max = \(formatNumber(solution.domainLength, significant: 4))\(scheme == .wetterich ? "·K_d" : "")")
            if errors != nil {
                print("# error: change from the previous basis size + change on a shorter domain + rounding floor")
            }
            func withError(_ error: Double?) -> String {
                error.map { " ± \(formatNumber($0, significant: 2))" } ?? ""
            }
            print("ν = \(String(format: "%.12f", solution.nu))\(withError(solution.nuError))")
            print("ω = \(String(format: "%.12f", solution.omega))\(withError(solution.omegaError))")
            print("eigenvalues θ (t = ln(k/Λ), θ < 0 relevant): " + eigenvalues.enumerated().map { k, value in
                (value.imaginary == 0 ? formatNumber(value.real, significant: 11) : formatEigenvalue(value)) + withError(errors?[k])
            }.joined(separator: ", "))
            print("at the minimum ρ = κ: " + zip(names, solution.minimumCouplings).map { "\($0) = \(formatNumber($1, significant: 9))" }.joined(separator: ", "))
            print("at φ = 0: " + zip(solution.originCouplingDescriptors.names, solution.originCouplings).map { "\($0) = \(formatNumber($1, significant: 7))" }.joined(separator: ", "))
            if let shortfall = solution.shortfall { print("# not converged: \(shortfall)") }
        }
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

/// A number, or an em dash where the quantity does not exist (never NaN).
func optionalNumber(_ x: Double?, significant: Int) -> String {
    x.map { formatNumber($0, significant: significant) } ?? "—"
}

/// An eigenvalue in a table: `θ` or `a+bi` / `a−bi` (six significant digits, a true minus sign).
private func formatEigenvalue(_ c: Complex<Double>) -> String {
    c.imaginary == 0 ? formatNumber(c.real, significant: 6)
        : "\(formatNumber(c.real, significant: 6))\(c.imaginary < 0 ? "−" : "+")\(formatNumber(abs(c.imaginary), significant: 6))i"
}

/// An eigenvalue in CSV: the real part exactly (`formatExact`) when real, else `a+bi` / `a-bi`
/// with Swift's shortest round-trip digits and an ASCII minus.
private func csvEigenvalue(_ c: Complex<Double>) -> String {
    c.imaginary == 0 ? formatExact(c.real) : "\(c.real)\(c.imaginary < 0 ? "-" : "+")\(abs(c.imaginary))i"
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
