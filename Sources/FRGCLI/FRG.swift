import ArgumentParser

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
        subcommands: [SampleCommand.self]
    )

    public init() {}
}
