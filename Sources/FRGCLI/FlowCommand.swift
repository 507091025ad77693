import ArgumentParser
import Diagnostics
import FRGConfig
import Foundation
import Reports
import Runs
import TextOutput
import Truncation

/// `frg flow CONFIG`: integrates one passive or active flow described by a YAML file.
struct FlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Integrate a passive (scale k) or active (σ_W) RG flow described by a YAML file.",
        discussion: """
            The passive flow integrates the derived beta functions in RG time t = ln(k/Λ) with \
            CVODE (BDF, exact Jacobian); the active flow integrates the couplings in ln σ_W with \
            k² = 2σ_W²/d. Every key of the file is documented in flows/README.md.
            Physical endings (threshold pole, runaway, leaving the truncation) are results: the \
            output keeps the trajectory up to there and says what ended it. Exit status: 0 on \
            success (including physical endings), 2 for an invalid file or flags, 1 when the \
            solver fails.
            """)

    @Argument(help: "The flow configuration (YAML or JSON); '-' reads it from stdin.")
    var config: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config key, validated like the file (repeatable), e.g. --set range.tEnd=-5.", valueName: "key.path=value"))
    var overrides: [String] = []

    @OptionGroup var out: OutputOptions

    @Option(help: "Also draw the couplings against the running scale as an SVG file (SVG only; PNG, PDF: the Python package).")
    var plot: String?

    @Option(parsing: .unconditional, help: "Rows of the summary table (at least 2).")
    var rows: Int = 11

    func validate() throws {
        guard rows >= 2 else { throw ValidationError("--rows must be at least 2, got \(rows)") }
        if out.format == .latex { throw ValidationError("--format latex is for frg beta; flow writes text, json or csv") }
        try checkPlotPath(plot)
    }

    func run() throws {
        let settings = try FlowConfig.load(path: config, overrides: overrides)
        let files = OutputFiles(inputs: settings.inputFiles)
        // Flags override the config; a format given alone goes to stdout.
        let format = out.format ?? (settings.outputFormat == .json ? .json : .csv)
        let destination = out.output ?? settings.outputFile ?? (out.format != nil ? "-" : nil)
        let console = Console(stdoutIsDocument: destination == "-" && format != .text)
        try files.check(files: [destination, format == .csv ? OutputFiles.sidecar(of: destination) : nil, plot])
        let trajectory: FlowTrajectory
        do {
            trajectory = try settings.run.run()
        } catch let error as any UserFacingError {
            throw InContext(context: settings.file, underlying: error)
        }
        let rendering = FlowRendering(settings: settings, trajectory: trajectory)
        let summary = try rendering.summary(rows: rows)
        if let destination {
            switch format {
            case .text, .latex:
                try files.deliver(summary, to: destination)
            case .json:
                try files.deliver(try rendering.json(), to: destination)
            case .csv:
                try files.deliver(try rendering.csv(), to: destination, meta: rendering.csvMeta())
            }
        }
        // The summary is for people: on stdout, or on stderr when stdout carries the document.
        if !(format == .text && destination != nil) { console.say(summary) }
        if let plot {
            try files.write(try Plot(trajectory.figure).svg(), to: plot)
            note("wrote \(plot)")
        }
    }
}

/// A flow's trajectory as frg prints and writes it: the physics header of the run preceded by the
/// program, the configuration file and its text.
struct FlowRendering {
    var settings: FlowConfig
    var trajectory: FlowTrajectory

    /// The run's own lines (equations, regulator, scale, ending), preceded by the program and the
    /// configuration.
    var headerLines: [String] {
        ["frg \(frgVersion) flow", "config: \(settings.file)"] + trajectory.header
    }

    /// The samples (or, for the whole potential, every grid point of every snapshot) as CSV.
    func csv() throws -> String {
        try Table(exact: trajectory.detail ?? trajectory.samples).csv()
    }

    /// The CSV's sidecar: the header lines, the config and the columns.
    func csvMeta() -> CSVMeta {
        CSVMeta(columns: (trajectory.detail ?? trajectory.samples).columns, describes: schemaName("flow"),
                header: trajectory.header, config: settings.file,
                truncation: trajectory.jsonMembers["truncation"] as? [String: Any])
    }

    /// Up to `rows` evenly chosen samples, readable numbers, and how the flow ended.
    func summary(rows: Int) throws -> String {
        var text = headerLines.map { "# \($0)" }.joined(separator: "\n")
        text += "\n" + (try Table(summary: trajectory.samples, limit: rows).text())
        if let ending = trajectory.endingSummary { text += ending + "\n" }
        text += trajectory.solverSummary
        if trajectory.detail != nil { text += " (the potential at every grid point is in the --output file)" }
        return text
    }

    /// The JSON document (schema frg/flow/v1, docs/outputs.md).
    func json() throws -> String {
        var object: [String: Any] = ["config": settings.file, "header": trajectory.header]
        object.merge(trajectory.jsonMembers) { _, new in new }
        return try jsonDocument(schema: schemaName("flow"), version: frgVersion, object)
    }
}
