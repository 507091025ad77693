import ArgumentParser
import Cluster
import Diagnostics
import Foundation
import MPIRuntime

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
    ///
    /// Under an MPI launcher (`MPILaunch.detect`), `sample` and `compare` start MPI and run as one
    /// job over the ranks (`ClusterSession`; `runDistributed`); every other command, and anything
    /// printed before MPI starts, is left to rank 0 alone, so that a message appears once.
    public static func run(_ arguments: [String]) -> Int32 {
        let commandName = arguments.first.flatMap { first in
            configuration.subcommands.first { $0.configuration.commandName == first }?.configuration.commandName
        }
        let prefix = "frg" + (commandName.map { " \($0)" } ?? "") + ": error: "
        currentArguments = arguments
        let launch = MPILaunch.detect()
        // Before the ranks know each other, only rank 0 speaks; the others end with status 0, so
        // that the launcher waits for rank 0 (whose status the job gets) instead of killing it,
        // its message unprinted, as soon as another rank fails.
        let speaks = (launch?.rank ?? 0) == 0
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            return speaks ? report(error, prefix: prefix) : 0
        }
        if command is DistributedCommand, let problem = MPILaunch.unsupportedSlurmStep() {
            // Every task finds the same mistake; the first one says it.
            let first = ProcessInfo.processInfo.environment["SLURM_PROCID"] == "0"
            return first ? report(problem, prefix: prefix) : problem.category.exitStatus
        }
        if let launch, command is DistributedCommand {
            do {
                if let session = try ClusterSession.start(launch) {
                    return runDistributed(command, session: session, prefix: prefix)
                }
            } catch {
                return speaks ? report(error, prefix: prefix) : 0
            }
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

    /// One rank of a command run over MPI ranks (`ClusterSession` describes the protocol). A
    /// failure before the ranks meet is agreed on: the lowest failed rank prints it (rank 0 for
    /// invalid input, which every rank finds alike) and all end with its status. Rank 0 failing
    /// between jobs prints its error and stops the workers with its status. A failure inside a job
    /// prints `frg <command>: error: rank r: …` and ends every rank with `MPI_Abort`, so that no
    /// rank waits for one that is gone.
    static func runDistributed(_ command: ParsableCommand, session: ClusterSession, prefix: String) -> Int32 {
        var command = command
        do {
            try command.run()
        } catch let stop as ClusterStop {
            session.end()
            return stop.status
        } catch {
            let status = exitStatus(for: error)
            switch session.state {
            case .starting:
                let failure = (try? session.agree(status: status)) ?? (session.rank, status)
                if failure.rank == session.rank {
                    report(error, prefix: prefix + (session.isRoot ? "" : "rank \(session.rank): "))
                }
                session.end()
                return failure.status
            case .idle where session.isRoot:
                report(error, prefix: prefix)
                return session.finishRoot(status: status)
            default:
                report(error, prefix: prefix + "rank \(session.rank): ")
                session.abort(status: status)
            }
        }
        guard session.isRoot else {
            session.end()
            return 0
        }
        var status: Int32 = 0
        if let reason = standardOutputFailure() {
            FileHandle.standardError.write(Data((prefix + "could not write the results to standard output: \(reason)\n").utf8))
            status = ErrorCategory.runFailed.exitStatus
        }
        return session.finishRoot(status: status)
    }

    /// The exit status `error` ends `frg` with (the policy above).
    static func exitStatus(for error: Error) -> Int32 {
        if let error = error as? UserFacingError { return error.category.exitStatus }
        let code = exitCode(for: error)
        if code == .success { return 0 }
        return code == .validationFailure ? ErrorCategory.invalidInput.exitStatus : ErrorCategory.runFailed.exitStatus
    }

    /// Prints `error` as the policy says and returns its exit status.
    @discardableResult
    private static func report(_ error: Error, prefix: String) -> Int32 {
        let status = exitStatus(for: error)
        // Results already printed reach the terminal before the error.
        fflush(nil)
        if let error = error as? UserFacingError {
            FileHandle.standardError.write(Data((prefix + error.description + "\n").utf8))
            return status
        }
        if exitCode(for: error) == .success {
            // --help and --version.
            print(fullMessage(for: error))
            return 0
        }
        FileHandle.standardError.write(Data((prefix + message(for: error) + "\n").utf8))
        return status
    }
}

/// A command whose work `ClusterSession` can spread over MPI ranks (`frg sample`, `frg compare`):
/// under an MPI launcher, `FRG.run` starts MPI for it; every other command runs as without one.
protocol DistributedCommand {}
