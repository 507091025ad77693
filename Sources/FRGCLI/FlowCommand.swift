import ArgumentParser
import FRGConfig
import Flows
import Foundation
import ODE
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

    @Option(help: "Output format: csv or json (overrides output.format).")
    var format: String?

    @Option(help: "Also draw the couplings against the running scale as an SVG file.")
    var plot: String?

    @Option(help: "Rows of the summary table on stdout.")
    var rows: Int = 11

    func run() throws {
        let settings: FlowConfig
        do {
            settings = try FlowConfig.load(path: config)
        } catch let error as ConfigError {
            throw fail("flow", error.description, status: ExitStatus.usage)
        }
        var outputFormat = settings.outputFormat
        if let format {
            guard let parsed = FlowConfig.OutputFormat(rawValue: format) else {
                throw fail("flow", "--format must be csv or json, got '\(format)'", status: ExitStatus.usage)
            }
            outputFormat = parsed
        }
        guard rows >= 2 else { throw fail("flow", "--rows must be at least 2, got \(rows)", status: ExitStatus.usage) }

        let trajectory: FlowTrajectory
        do {
            trajectory = try settings.run.run()
        } catch let error as FlowError {
            throw fail("flow", "\(config): \(error)", status: ExitStatus.usage)
        } catch let error as TruncationError {
            throw fail("flow", "\(config): \(error)", status: ExitStatus.usage)
        } catch let error as ODEError {
            throw fail("flow", "\(config): \(error)", status: error.flagName == nil ? ExitStatus.usage : ExitStatus.failure)
        }
        let rendering = FlowRendering(settings: settings, trajectory: trajectory)
        print(rendering.summary(rows: rows))
        do {
            if let path = output ?? settings.outputFile {
                try AtomicFile.write(outputFormat == .csv ? rendering.csv() : rendering.json(), to: path)
                note("wrote \(path)")
            }
            if let plot {
                try AtomicFile.write(try Plot(trajectory.figure).svg(), to: plot)
                note("wrote \(plot)")
            }
        } catch {
            throw fail("flow", "\(error)", status: ExitStatus.failure)
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
    func csv() -> String {
        Table(exact: trajectory.detail ?? trajectory.samples, comments: headerLines).csv()
    }

    /// Up to `rows` evenly chosen samples, readable numbers, and how the flow ended.
    func summary(rows: Int) -> String {
        var text = headerWithoutConfigText.map { "# \($0)" }.joined(separator: "\n")
        text += "\n" + Table(summary: trajectory.samples, limit: rows).text()
        if let ending = trajectory.endingSummary { text += ending + "\n" }
        text += trajectory.solverSummary
        if trajectory.detail != nil { text += " (the potential at every grid point is in the --output file)" }
        return text
    }

    func json() throws -> String {
        var object: [String: Any] = ["program": "frg", "version": frgVersion, "config": settings.file,
                                     "header": headerWithoutConfigText]
        object.merge(trajectory.jsonMembers) { _, new in new }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// One-line description of a truncation, as printed in headers and titles.
func describe(_ spec: TruncationSpec) -> String { spec.outline }
