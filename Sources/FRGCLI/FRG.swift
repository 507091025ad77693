import ArgumentParser
import Foundation

/// The version printed by `frg --version` and recorded in every output header.
public let frgVersion = "0.1.0"

/// Root of the `frg` command line.
///
/// Each subcommand lives in its own file; this type only lists them.
public struct FRG: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "frg",
        abstract: "Functional renormalization group solver for the NN-QFT correspondence.",
        discussion: """
            Derives beta functions from the Wetterich and Polchinski equations, integrates \
            passive and active flows with SUNDIALS CVODE, finds fixed points, and measures \
            couplings from GaussNet ensembles. Conventions: shared PHYSICS.md (see README).
            """,
        version: frgVersion,
        subcommands: [BetaCommand.self, FlowCommand.self, FixedPointsCommand.self, SampleCommand.self]
    )

    public init() {}
}

extension FRG {
    /// Entry point used by `frg`'s main: like `main()`, but command-line usage errors (unknown flags,
    /// missing or malformed values) exit with status 2 and one line on stderr instead of
    /// ArgumentParser's 64.
    public static func mainExitingWithUsageCode() -> Never {
        Foundation.exit(run(CommandLine.arguments.dropFirst().map { $0 }))
    }

    /// Parses and runs `arguments`, printing as `frg` does, and returns the exit status.
    public static func run(_ arguments: [String]) -> Int32 {
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            return report(error)
        }
        do {
            try command.run()
            return 0
        } catch {
            return report(error)
        }
    }

    private static func report(_ error: Error) -> Int32 {
        if let code = error as? ExitCode { return code.rawValue }
        let code = exitCode(for: error)
        if code == .success {
            // --help and --version.
            print(fullMessage(for: error))
            return 0
        }
        FileHandle.standardError.write(Data("frg: \(message(for: error))\n".utf8))
        return code == .validationFailure ? ExitStatus.usage : code.rawValue
    }
}
