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

    @Argument(help: "The flow configuration (YAML).")
    var config: String

    @Option(name: .shortAndLong, help: "Write the trajectory here (overrides output.file).")
    var output: String?

    @Option(help: "Output format (overrides output.format).")
    var format: FlowConfig.OutputFormat?

    @Option(help: "Also draw the couplings against the running scale as an SVG file.")
    var plot: String?

    @Option(parsing: .unconditional, help: "Rows of the summary table on stdout (at least 2).")
    var rows: Int = 11

    func validate() throws {
        guard rows >= 2 else { throw ValidationError("--rows must be at least 2, got \(rows)") }
    }

    func run() throws {
        let settings = try FlowConfig.load(path: config)
        let files = OutputFiles(inputs: settings.inputFiles)
        let outputPath = output ?? settings.outputFile
        try files.check(files: [outputPath, plot])
        let trajectory: FlowTrajectory
        do {
            trajectory = try settings.run.run()
        } catch let error as any UserFacingError {
            throw InContext(context: config, underlying: error)
        }
        let rendering = FlowRendering(settings: settings, trajectory: trajectory)
        print(try rendering.summary(rows: rows))
        if let path = outputPath {
            try files.write((format ?? settings.outputFormat) == .csv ? try rendering.csv() : try rendering.json(), to: path)
            note("wrote \(path)")
        }
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

    /// Every output's header: program and version, the configuration (path and text), then the
    /// run's own lines (equations, regulator, scale, ending).
    var headerLines: [String] {
        var lines = ["frg \(frgVersion) flow", "config: \(settings.file)"]
        if let text = try? String(contentsOfFile: settings.file, encoding: .utf8) {
            lines += text.split(separator: "\n", omittingEmptySubsequences: false).map { "config| \($0)" }
        }
        return lines + trajectory.header
    }

    private var headerWithoutConfigText: [String] { headerLines.filter { !$0.hasPrefix("config|") } }

    /// The samples (or, for the whole potential, every grid point of every snapshot) as CSV.
    func csv() throws -> String {
        try Table(exact: trajectory.detail ?? trajectory.samples, comments: headerLines).csv()
    }

    /// Up to `rows` evenly chosen samples, readable numbers, and how the flow ended.
    func summary(rows: Int) throws -> String {
        var text = headerWithoutConfigText.map { "# \($0)" }.joined(separator: "\n")
        text += "\n" + (try Table(summary: trajectory.samples, limit: rows).text())
        if let ending = trajectory.endingSummary { text += ending + "\n" }
        text += trajectory.solverSummary
        if trajectory.detail != nil { text += " (the potential at every grid point is in the --output file)" }
        return text
    }

    func json() throws -> String {
        var object: [String: Any] = ["program": "frg", "version": frgVersion, "config": settings.file,
                                     "header": headerWithoutConfigText]
        object.merge(trajectory.jsonMembers) { _, new in new }
        return try jsonText(object) + "\n"
    }
}
