import ArgumentParser
import Cluster
import Diagnostics
import FRGConfig
import Foundation
import GaussNet
import Reports
import Runs
import Truncation

/// A mistake on the command line found after parsing (a value that only the library can judge).
/// Cross-flag checks belong in the commands' `validate()`, which throws `ValidationError`.
struct UsageError: UserFacingError {
    var description: String
    var category: ErrorCategory { .invalidInput }
    init(_ message: String) { description = message }
}

/// An error with the input it concerns in front: `flows/x.yaml: <error>`.
struct InContext: UserFacingError {
    var context: String
    var underlying: any UserFacingError
    var category: ErrorCategory { underlying.category }
    var description: String { "\(context): \(underlying.description)" }
}

/// Where the bags of `frg sample` and `frg compare` are computed, chosen here and only here: over
/// the MPI ranks when an MPI launcher started this job with several (`ClusterSession.current`;
/// this is rank 0, and the first call is the ranks' meeting, which throws `ClusterStop` if a
/// worker failed), else in this process.
func bagExecutor() throws -> any BagExecutor {
    if let session = ClusterSession.current { return try session.rootExecutor() }
    return LocalBagExecutor()
}

/// On a worker rank of an MPI job (not rank 0): serves rank 0's jobs with `store` and returns
/// true once rank 0 is done; the command then prints and writes nothing. False in every other
/// process. Called where the command has validated its input and knows its store, before it
/// checks or writes any output.
func servedAsWorker(store: @autoclosure () -> any BagStore) throws -> Bool {
    guard let session = ClusterSession.current, !session.isRoot else { return false }
    try session.serve(store: store())
    return true
}

/// Writes a line to stderr (progress and notes, never results).
func note(_ message: String) {
    // Results printed so far reach the terminal first.
    fflush(nil)
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Says on stderr which saved bags a run could not use and sampled again, one line per reason:
/// `bags 3, 7–9: checksum mismatch (edited or corrupted), recomputed`.
func noteRecomputedBags(_ rejected: [Int: BagRejection], prefix: String = "") {
    let byReason = Dictionary(grouping: rejected.keys.sorted()) { rejected[$0]! }
    for (reason, bags) in byReason.sorted(by: { $0.value[0] < $1.value[0] }) {
        var runs: [String] = []
        var start = 0
        for end in bags.indices where end + 1 == bags.count || bags[end + 1] != bags[end] + 1 {
            runs.append(end > start ? "\(bags[start])–\(bags[end])" : "\(bags[start])")
            start = end + 1
        }
        note(prefix + (bags.count == 1 ? "bag " : "bags ") + runs.joined(separator: ", ") + ": \(reason), recomputed")
    }
}

/// Whether stderr is a terminal (progress lines are only drawn there).
var stderrIsTerminal: Bool { isatty(FileHandle.standardError.fileDescriptor) != 0 }

// Choices the command line accepts, spelled as in configuration files: ArgumentParser lists them in
// the help and rejects anything else with the allowed values.
extension FlowEquation: ExpressibleByArgument {}
extension RegulatorKind: ExpressibleByArgument {}
extension EquationFormat: ExpressibleByArgument {}
extension ArchitectureKind: ExpressibleByArgument {}
extension Estimator: ExpressibleByArgument {}
extension FlowConfig.OutputFormat: ExpressibleByArgument {}

/// A one-line progress display on stderr for studies that can take minutes: the stage and the
/// elapsed time, redrawn in place, only when stderr is a terminal (never in files or pipes).
final class ProgressLine: @unchecked Sendable {
    private let start = Date()
    private let lock = NSLock()
    private var drawn = false
    private let interactive = stderrIsTerminal

    /// Seconds since the line was made.
    var elapsed: Double { Date().timeIntervalSince(start) }

    /// Redraws the line with `text` (nothing when stderr is not a terminal).
    func draw(_ text: String) {
        guard interactive else { return }
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data(("\r" + text + "\u{1B}[K").utf8))
        drawn = true
    }

    /// The closure a library study reports its stages to (drawn with the elapsed time), or nil
    /// when stderr is not a terminal.
    var report: (@Sendable (String) -> Void)? {
        guard interactive else { return nil }
        return { [self] stage in draw(stage + String(format: "  elapsed %.1f s", elapsed)) }
    }

    /// Ends the line, so results and notes start on a fresh one.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }
}
