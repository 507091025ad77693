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
        subcommands: [BetaCommand.self, FlowCommand.self, FixedPointsCommand.self, SampleCommand.self, CompareCommand.self]
    )

    public init() {}
}

extension FRG {
    /// Entry point used by `frg`'s main: like `main()`, but command-line usage errors (unknown flags,
    /// missing values) exit with code 2 and one line on stderr instead of ArgumentParser's 64.
    public static func mainExitingWithUsageCode() -> Never {
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data("frg: \(message(for: error))\n".utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
        do {
            try command.run()
            exit()
        } catch {
            exit(withError: error)
        }
    }
}
