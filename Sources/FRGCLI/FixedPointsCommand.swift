import ArgumentParser
import ComplexModule
import FixedPoints
import Foundation
import TextOutput
import FullPotential
import Reports
import Truncation

/// `frg fixed-points`: all real fixed points of a truncation, their stability and exponents.
struct FixedPointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixed-points",
        abstract: "Find the fixed points of a truncation, their eigenvalues and critical exponents.",
        discussion: """
            Multi-start Newton (exact Jacobian) in a box of natural units around the origin, plus \
            the Wilson–Fisher branch followed from φ⁴ up to the requested order. Eigenvalues θ of \
            M_ij = ∂β_i/∂ū_j (t = ln k: relevant directions have θ < 0); ν = −1/θ_min, ω = the \
            smallest positive Re θ. Exit status 2 for bad flags.
            """)

    @OptionGroup var truncation: TruncationOptions

    @Option(help: "Random Newton starts in the search box.")
    var starts: Int = 400

    @Option(help: "Seed of the (reproducible) start points.")
    var seed: UInt64 = 1

    @Option(help: "Half-width of the search box, in natural units of each coupling (K_d^{1−m} for u_2m).")
    var width: Double = 3

    @Option(help: "With --truncation full-potential: number of Chebyshev nodes (default 40 Wetterich, 60 Polchinski).")
    var basis: Int?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "ν and ω order by order along the Wilson–Fisher branch, e.g. 4:40 (FROM:TO).")
    var convergence: String?

    @Option(help: "With --convergence or --dimension-sweep: draw ν and ω against the parameter as an SVG file.")
    var plot: String?

    @Option(help: "With --convergence: draw |ν − ν_full| and |ω − ω_full| against the order (log scale), the full-potential values computed by frg.")
    var deviationPlot: String?

    @Option(help: "With --convergence or --dimension-sweep: write the table as CSV.")
    var csv: String?

    @Option(name: .customLong("dimension-sweep"),
            help: "Follow the Wilson–Fisher fixed point in d, e.g. 3.99:1:0.01 (FROM:TO:STEP), at the given order.")
    var dimensionSweep: String?

    func run() throws {
        do {
            try execute()
        } catch let error as UsageError {
            throw fail("fixed-points", error.description, status: ExitStatus.usage)
        } catch let error as TruncationError {
            throw fail("fixed-points", error.description, status: ExitStatus.usage)
        } catch let error as TruncationStudyError {
            throw fail("fixed-points", error.description, status: ExitStatus.failure)
        }
    }

    private func execute() throws {
        if truncation.isFullPotential { return try runFullPotential() }
        if convergence != nil, truncation.expansion == "both" {
            return try runConvergence(expansions: [.zero, .minimum])
        }
        var spec = try truncation.spec()
        guard starts >= 1 else { throw UsageError("--starts must be at least 1, got \(starts)") }
        guard width.isFinite, width > 0 else { throw UsageError("--width must be positive, got \(width)") }
        guard convergence == nil || dimensionSweep == nil else {
            throw UsageError("--convergence and --dimension-sweep are separate studies; give one")
        }
        if convergence != nil { return try runConvergence(expansions: [spec.expansion]) }
        guard plot == nil, csv == nil, deviationPlot == nil else {
            throw UsageError("--plot, --deviation-plot and --csv go with --convergence or --dimension-sweep")
        }

        if let dimensionSweep {
            let parts = dimensionSweep.split(separator: ":").map { Double($0) }
            guard parts.count == 3, let from = parts[0], let to = parts[1], let step = parts[2], step > 0,
                  from > 0, to > 0, from.isFinite, to.isFinite else {
                throw UsageError("--dimension-sweep takes FROM:TO:STEP with positive dimensions and step, got '\(dimensionSweep)'")
            }
            let count = Int(((abs(from - to) / step) + 1e-9).rounded(.down))
            let direction: Double = to < from ? -1 : 1
            var dimensions = (0...count).map { from + direction * Double($0) * step }
            if abs(dimensions.last! - to) > 1e-9 * step { dimensions.append(to) }
            spec.dimension = dimensions[0]
            let study = try BranchStudy(label: describe(spec), parameter: "d") {
                try TruncationStudies.wilsonFisherByDimension(spec, dimensions: dimensions, starts: starts, seed: seed)
            }
            try emit([study], key: "dimensionSweep", title: "Wilson–Fisher fixed point against d")
            return
        }

        let beta = try BetaFunctions(spec)
        var search = FixedPointSearch(region: TruncationStudies.defaultRegion(beta, width: width))
        search.starts = starts
        search.seed = seed
        // The Wilson–Fisher branch followed from φ⁴ is a start too: at high orders random starts
        // rarely land in its basin.
        if spec.order > TruncationStudies.startingOrder(spec),
           let wf = try? TruncationStudies.wilsonFisherByOrder(spec, starts: starts, seed: seed).last {
            search.extraStarts = [wf.fixedPoint.couplings]
        }
        let points = try search.run(beta)
        if json {
            print(try jsonText(["truncation": describe(spec), "fixedPoints": points.map(fixedPointObject)]))
            return
        }
        print("# Fixed points: \(describe(spec)); \(search.starts + 1 + search.extraStarts.count) Newton starts")
        print("# eigenvalues θ of ∂β_i/∂ū_j, t = ln(k/Λ): θ < 0 relevant; ν = −1/θ_min, ω = smallest Re θ > 0")
        let showEta = beta.hasAnomalousDimension
        var header = ["#", "kind"] + beta.couplingNames
        header += showEta ? ["ν", "ω", "η"] : ["ν", "ω"]
        header += ["eigenvalues", "basin"]
        var table = Table(header: header)
        for (index, p) in points.enumerated() {
            var row = ["\(index + 1)", p.kind.rawValue]
            row += p.couplings.map { formatNumber($0, significant: 8) }
            row.append(optionalNumber(p.nu, significant: 8))
            row.append(optionalNumber(p.omega, significant: 8))
            if showEta { row.append(optionalNumber(p.eta, significant: 6)) }
            row.append(p.eigenvalues.map(formatEigenvalue).joined(separator: " "))
            row.append("\(p.basin)")
            table.append(row)
        }
        print(table.text(), terminator: "")
    }
}

extension FixedPointsCommand {
    /// `--convergence FROM:TO`, for one expansion point or both (`--expansion both`).
    private func runConvergence(expansions: [ExpansionPoint]) throws {
        let parts = convergence!.split(separator: ":").map { Int($0) }
        guard parts.count == 2, let from = parts[0], let to = parts[1], from >= 2, from % 2 == 0, to % 2 == 0,
              to >= from, to <= TruncationSpec.maximumOrder else {
            throw UsageError("--convergence takes FROM:TO with even orders FROM ≤ TO ≤ \(TruncationSpec.maximumOrder), got '\(convergence!)'")
        }
        var options = truncation
        var studies: [BranchStudy] = []
        for expansion in expansions {
            options.expansion = expansion.rawValue
            var spec = try options.spec()
            spec.order = to
            var study = try BranchStudy(label: describe(spec), parameter: "order") {
                try TruncationStudies.wilsonFisherByOrder(spec, starts: starts, seed: seed)
            }
            study.steps = study.steps.filter { Int($0.parameter) >= from }
            studies.append(study)
        }
        // The full-potential scaling solution of the same LPA is the limit the polynomial
        // truncations should approach; it is computed here, not quoted.
        var spec = try options.spec()
        spec.order = to
        var reference: ScalingSolution?
        if spec.truncation == .lpa, spec.regulator == .litim, spec.dimension > 2, spec.dimension < 4 {
            reference = try? scalingSolution(ScalingSolutionSpec(scheme: spec.scheme == .wetterich ? .wetterich : .polchinski,
                                                                 dimension: spec.dimension))
        }
        try emit(studies, key: "convergence", title: "Wilson–Fisher fixed point order by order", reference: reference)
    }

    /// Prints (or writes) the studies as tables, JSON, CSV and a plot of ν and ω.
    private func emit(_ studies: [BranchStudy], key: String, title: String, reference: ScalingSolution? = nil) throws {
        if json {
            var object: [String: Any] = [key: studies.map { study -> [String: Any] in
                ["truncation": study.label, "stopped": study.stopped ?? NSNull(),
                 "steps": study.steps.map { [study.parameter: $0.parameter, "fixedPoint": fixedPointObject($0.fixedPoint)] }]
            }]
            if let reference { object["fullPotential"] = ["nu": reference.nu, "omega": reference.omega] }
            print(try jsonText(object))
        } else {
            if let reference {
                print("# full-potential LPA scaling solution (frg fixed-points --truncation full-potential): ν = \(String(format: "%.12f", reference.nu)), ω = \(String(format: "%.12f", reference.omega))")
            }
            for study in studies {
                print("# \(title): \(study.label)")
                print(continuationTable(study.steps, parameter: study.parameter).text(), terminator: "")
                if let stopped = study.stopped { print("# stopped: \(stopped)") }
                print("")
            }
        }
        if let csv {
            var table = Table(header: ["truncation", studies[0].parameter, "kind", "nu", "omega", "eigenvalues"],
                              comments: ["frg \(frgVersion) fixed-points: \(title)"] + studies.compactMap { s in s.stopped.map { "\(s.label): stopped: \($0)" } })
            for study in studies {
                for step in study.steps {
                    let p = step.fixedPoint
                    table.append([study.label, formatExact(step.parameter), p.kind.rawValue, p.nu.map(formatExact) ?? "",
                                  p.omega.map(formatExact) ?? "", p.eigenvalues.map(csvEigenvalue).joined(separator: " ")])
                }
            }
            try AtomicFile.write(table.csv(), to: csv)
            note("wrote \(csv)")
        }
        if let plot {
            var figure = Plot(title: title, xLabel: studies[0].parameter == "d" ? "dimension d" : "order 2n of the truncation",
                              yLabel: "critical exponents ν and ω")
            for study in studies {
                let short = study.label.contains("minimum") ? "about the minimum" : "about φ = 0"
                let x = study.steps.map(\.parameter)
                figure.series.append(PlotSeries(label: "ν, \(short)", x: x, y: study.steps.map { $0.fixedPoint.nu ?? .nan }, style: .line))
                figure.series.append(PlotSeries(label: "ω, \(short)", x: x, y: study.steps.map { $0.fixedPoint.omega ?? .nan }, style: .dashed))
            }
            try AtomicFile.write(try figure.svg(), to: plot)
            note("wrote \(plot)")
        }
        if let deviationPlot {
            guard let reference else {
                throw UsageError("--deviation-plot needs the full-potential reference (Wetterich LPA with Litim, or Polchinski LPA, 2 < d < 4, with --convergence)")
            }
            var figure = Plot(title: "Distance to the full-potential LPA exponents", xLabel: "order 2n of the truncation",
                              yLabel: "|ν(2n) − ν_full|, |ω(2n) − ω_full|", yScale: .log)
            for study in studies {
                let short = study.label.contains("minimum") ? "about the minimum" : "about φ = 0"
                // Exact agreement cannot be drawn on a log axis; such points are left out.
                let nu = study.steps.compactMap { s in s.fixedPoint.nu.map { (s.parameter, abs($0 - reference.nu)) } }.filter { $0.1 > 0 }
                let omega = study.steps.compactMap { s in s.fixedPoint.omega.map { (s.parameter, abs($0 - reference.omega)) } }.filter { $0.1 > 0 }
                figure.series.append(PlotSeries(label: "ν, \(short)", x: nu.map(\.0), y: nu.map(\.1), style: .line))
                figure.series.append(PlotSeries(label: "ω, \(short)", x: omega.map(\.0), y: omega.map(\.1), style: .dashed))
            }
            try AtomicFile.write(try figure.svg(), to: deviationPlot)
            note("wrote \(deviationPlot)")
        }
    }
}

extension FixedPointsCommand {
    /// `--truncation full-potential`: the LPA scaling solution of the whole potential (Chebyshev
    /// collocation, Newton, LAPACK spectrum), with a finer second solve as its error estimate.
    private func runFullPotential() throws {
        guard let dimensionText = truncation.dimension, let d = Double(dimensionText), d.isFinite, d > 0 else {
            throw UsageError("--dimension is required (a real number 2 < d < 4 for the scaling solution)")
        }
        guard let scheme = LPAScheme(rawValue: truncation.scheme) else {
            throw UsageError("--scheme must be wetterich or polchinski, got '\(truncation.scheme)'")
        }
        guard truncation.regulator == nil || truncation.regulator == "litim" else {
            throw UsageError("the full-potential scaling solution is implemented for the Litim regulator (Wetterich) and for Polchinski")
        }
        guard convergence == nil, dimensionSweep == nil, csv == nil else {
            throw UsageError("--convergence, --dimension-sweep and --csv apply to polynomial truncations")
        }
        if let basis { guard basis >= 8 && basis <= 400 else { throw UsageError("--basis must be between 8 and 400, got \(basis)") } }
        let solution: ScalingSolution
        do {
            solution = try scalingSolution(ScalingSolutionSpec(scheme: scheme, dimension: d, basisSize: basis))
        } catch let error as FullPotentialError {
            throw fail("fixed-points", error.description, status: ExitStatus.failure)
        }
        let eigenvalues = solution.eigenvalues.sorted { $0.real < $1.real }
        let names = solution.minimumCouplingDescriptors.names
        if json {
            var point: [String: Any] = [
                "kind": FixedPoint.Kind.wilsonFisher.rawValue,
                "couplings": Dictionary(uniqueKeysWithValues: zip(names, solution.minimumCouplings)),
                "eigenvalues": eigenvalues.map(eigenvalueObject),
                "nu": solution.nu, "omega": solution.omega, "eta": NSNull(),
            ]
            point["nuChange"] = solution.nuChange ?? NSNull()
            point["omegaChange"] = solution.omegaChange ?? NSNull()
            print(try jsonText(["truncation": "\(scheme.rawValue) LPA, full potential, d = \(formatNumber(d))", "fixedPoints": [point]]))
        } else {
            print("# Scaling solution of the full LPA potential: \(scheme.rawValue)\(scheme == .wetterich ? ", Litim regulator" : " (normalized form)"), d = \(formatNumber(d))")
            print("# Chebyshev collocation in ρ = φ²/2 with the large-field asymptotics imposed; the change is the difference to a finer, longer-domain solve")
            print("ν = \(String(format: "%.12f", solution.nu))   (change \(optionalNumber(solution.nuChange, significant: 2)))")
            print("ω = \(String(format: "%.12f", solution.omega))   (change \(optionalNumber(solution.omegaChange, significant: 2)))")
            print("eigenvalues θ (t = ln(k/Λ), θ < 0 relevant): " + eigenvalues.map { formatNumber($0.real, significant: 11) }.joined(separator: ", "))
            print("at the minimum ρ = κ: " + zip(names, solution.minimumCouplings).map { "\($0) = \(formatNumber($1, significant: 9))" }.joined(separator: ", "))
            print("at φ = 0: " + zip(solution.originCouplingDescriptors.names, solution.originCouplings).map { "\($0) = \(formatNumber($1, significant: 7))" }.joined(separator: ", "))
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
            try AtomicFile.write(try figure.svg(), to: plot)
            note("wrote \(plot)")
        }
    }
}

/// The Wilson–Fisher branch followed through a parameter, and where it was lost, if it was.
struct BranchStudy {
    var label: String
    var parameter: String
    var steps: [ContinuationStep]
    var stopped: String?

    /// Runs `follow`; a lost branch keeps the stages done and the reason (a result of the study).
    init(label: String, parameter: String, _ follow: () throws -> [ContinuationStep]) throws {
        self.label = label
        self.parameter = parameter
        do {
            steps = try follow()
        } catch let failure as ContinuationFailure {
            steps = failure.completed
            stopped = failure.description
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
        table.append([formatNumber(step.parameter, significant: 6), p.kind.rawValue,
                      optionalNumber(p.nu, significant: 10), optionalNumber(p.omega, significant: 10)]
                     + (showEta ? [optionalNumber(p.eta, significant: 8)] : [])
                     + names.map { optionalNumber(p.coupling($0), significant: 8) }
                     + [formatNumber(p.residual / (1 + (p.couplings.map(abs).max() ?? 0)), significant: 2)])
    }
    return table
}

/// The JSON object of one fixed point; absent exponents are `null`, never NaN.
func fixedPointObject(_ p: FixedPoint) -> [String: Any] {
    [
        "kind": p.kind.rawValue,
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

func jsonText(_ object: [String: Any]) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
}
