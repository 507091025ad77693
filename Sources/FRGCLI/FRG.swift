import ArgumentParser
import Diagnostics
import Foundation

/// The version printed by `frg --version` and recorded in every output header.
public let frgVersion = "0.1.0"

/// Root of the `frg` command line.
///
/// Each subcommand lives in its own file and only parses, calls the library and renders. Errors
/// are never printed where they occur: every command throws, and `run(_:)` turns what it throws
/// into one line on stderr and the exit status, in one place (the policy below).
public struct FRG: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "frg",
        abstract: "Functional renormalization group solver for the NN-QFT correspondence.",
        discussion: """
            Derives beta functions from the Wetterich and Polchinski equations, integrates \
            passive and active flows with SUNDIALS CVODE, finds fixed points, and measures \
            couplings from one-hidden-layer network ensembles. Conventions: docs/conventions.md. \
            Exit status: 0 success, 2 bad input (flags, files, values), 1 a run that failed.
            """,
        version: frgVersion,
        subcommands: [BetaCommand.self, FlowCommand.self, FixedPointsCommand.self, SampleCommand.self, CompareCommand.self]
    )

    public init() {}
}

extension FRG {
    /// Entry point used by `frg`'s main.
    public static func mainExitingWithUsageCode() -> Never {
        Foundation.exit(run(CommandLine.arguments.dropFirst().map { $0 }))
    }

    /// Parses and runs `arguments`, printing as `frg` does, and returns the exit status.
    ///
    /// The error policy:
    /// - a `UserFacingError` (every library error, configuration errors, the commands' own) prints
    ///   `frg <command>: error: <its one-line description>` and exits with its category's status:
    ///   2 for invalid input, 1 for a run that failed;
    /// - command-line mistakes found by the parser or a command's `validate()` (unknown flags,
    ///   malformed or missing values, incompatible flags) print the parser's message and exit 2
    ///   (ArgumentParser's own status for them is 64);
    /// - anything else is a failed run, exit 1.
    public static func run(_ arguments: [String]) -> Int32 {
        let commandName = arguments.first.flatMap { first in
            configuration.subcommands.first { $0.configuration.commandName == first }?.configuration.commandName
        }
        let prefix = "frg" + (commandName.map { " \($0)" } ?? "") + ": error: "
        currentArguments = arguments
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            return report(error, prefix: prefix)
        }
        do {
            try command.run()
        } catch {
            return report(error, prefix: prefix)
        }
        // Results go through stdio: a full disk or a closed pipe shows only when the buffer is
        // flushed, and a run whose output was lost has failed.
        if let reason = standardOutputFailure() {
            FileHandle.standardError.write(Data((prefix + "could not write the results to standard output: \(reason)\n").utf8))
            return ErrorCategory.runFailed.exitStatus
        }
        return 0
    }

    private static func report(_ error: Error, prefix: String) -> Int32 {
        // Results already printed reach the terminal before the error.
        fflush(nil)
        if let error = error as? UserFacingError {
            FileHandle.standardError.write(Data((prefix + error.description + "\n").utf8))
            return error.category.exitStatus
        }
        let code = exitCode(for: error)
        if code == .success {
            // --help and --version.
            print(fullMessage(for: error))
            return 0
        }
        FileHandle.standardError.write(Data((prefix + message(for: error) + "\n").utf8))
        return code == .validationFailure ? ErrorCategory.invalidInput.exitStatus : ErrorCategory.runFailed.exitStatus
    }
}
