import ArgumentParser
import FRGConfig
import Flows
import Foundation
import TextOutput
import ODE
import Reports
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

        let report: FlowReport
        do {
            report = try FlowReport.run(settings)
        } catch let error as ConfigError {
            throw fail("flow", error.description, status: ExitStatus.usage)
        } catch let error as FlowError {
            throw fail("flow", "\(config): \(error)", status: ExitStatus.usage)
        } catch let error as TruncationError {
            throw fail("flow", "\(config): \(error)", status: ExitStatus.usage)
        } catch let error as ODEError {
            throw fail("flow", "\(config): \(error)", status: error.flagName == nil ? ExitStatus.usage : ExitStatus.failure)
        }

        print(report.summary(rows: rows))
        do {
            if let path = output ?? settings.outputFile {
                try AtomicFile.write(outputFormat == .csv ? report.csv() : report.json(), to: path)
                note("wrote \(path)")
            }
            if let plot {
                try AtomicFile.write(try report.plot().svg(), to: plot)
                note("wrote \(plot)")
            }
        } catch {
            throw fail("flow", "\(error)", status: ExitStatus.failure)
        }
    }
}
