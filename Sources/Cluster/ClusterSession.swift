import Diagnostics
import Foundation
import GaussNet
import MPIRuntime

/// The ranks of one `frg sample` or `frg compare` started by an MPI launcher.
///
/// Rank 0 runs the command as a single process would (it loads the store, plans the missing bags,
/// reports progress, builds every measurement and writes every output) with an `MPIBagExecutor`;
/// the other ranks, the workers, validate the same input and then `serve`: they wait for jobs from
/// rank 0, compute their share of each job's bags (`BagSplit`), save each bag in the store
/// themselves and send it to rank 0. They print nothing and write no output.
///
/// The life of a job, as `state` follows it:
/// - `starting`: every rank validates its input alone. All ranks then meet once (`agree`): rank 0
///   when it asks for its executor, a worker when it starts to serve, or a rank whose validation
///   failed, with its exit status. If any failed, all end with that status (rank 0's when it
///   failed: identical input gives identical errors, printed once by rank 0).
/// - `idle`: between jobs. Rank 0 sends each worker the next job, `done`, or `stop` with rank 0's
///   exit status when it failed (a worker then ends quietly with that status).
/// - `inJob`: a rank computes bags. A failure now cannot be agreed on (the others are busy): the
///   rank prints it and calls `MPI_Abort`, which ends every rank.
public final class ClusterSession {
    /// The session of this process, when an MPI launcher started it with more than one rank.
    nonisolated(unsafe) public static var current: ClusterSession?

    public enum State: Sendable, Equatable { case starting, idle, inJob, ended }

    public let world: MPIWorld
    public internal(set) var state: State = .starting

    public var rank: Int { world.rank }
    public var size: Int { world.size }
    public var isRoot: Bool { world.rank == 0 }

    init(world: MPIWorld) {
        self.world = world
    }

    /// Starts MPI for a process that `launch` started. Sets this process's share of the node's
    /// cores (`SamplerSettings.allCoresThreadCount`, what `threads: 0` means) to
    /// `max(1, cores / ranks on this node)`, and to no more than the processors the launcher bound
    /// it to (threads beyond those would only take turns). Returns nil (and leaves MPI finalized)
    /// when the job has a single rank: it runs as without a launcher.
    public static func start(_ launch: MPILaunch) throws(MPIError) -> ClusterSession? {
        let world = try MPIWorld.start(launch)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        SamplerSettings.allCoresThreadCount = min(max(1, cores / max(1, world.localSize)), MPIWorld.boundProcessorCount ?? cores)
        guard world.size > 1 else {
            world.finalize()
            return nil
        }
        let session = ClusterSession(world: world)
        current = session
        return session
    }

    /// The meeting of all ranks after validation: gathers every rank's status (0: ready) and
    /// returns the failure that decides the job's exit status (rank 0's if it failed, else the
    /// lowest failed rank's), or nil when every rank is ready.
    public func agree(status: Int32) throws(MPIError) -> (rank: Int, status: Int32)? {
        precondition(state == .starting, "agree is the first and only meeting of the ranks")
        let all = try world.allGather(status)
        state = .idle
        guard let failed = all.firstIndex(where: { $0 != 0 }) else { return nil }
        return (failed, all[failed])
    }

    /// Rank 0: the executor that spreads the bags of each job over the ranks. The first call is
    /// the ranks' meeting: throws `ClusterStop` when a worker failed to validate its input.
    public func rootExecutor() throws -> MPIBagExecutor {
        precondition(isRoot, "only rank 0 runs jobs")
        if state == .starting, let failure = try agree(status: 0) {
            throw ClusterStop(status: failure.status, printed: true)
        }
        return MPIBagExecutor(session: self)
    }

    /// Rank 0, at the end of the command: tells every idle worker to end with `status` (0: done)
    /// and finalizes MPI. Meets the workers first if the command never asked for an executor.
    /// Returns the status the job ends with (a worker's, when one failed at the meeting).
    public func finishRoot(status: Int32) -> Int32 {
        precondition(isRoot)
        var status = status
        if state == .starting {
            if let failure = try? agree(status: status), failure.rank != 0 { status = failure.status }
        } else if state == .idle {
            let message = status == 0 ? Command(kind: .done) : Command(kind: .stop, status: status)
            for worker in 1..<size {
                // A worker that cannot be told is already gone, and with it the job.
                try? world.send(message.encoded(), to: worker, tag: Tag.command)
            }
        }
        end()
        return status
    }

    /// Finalizes MPI; nothing more is sent or received.
    public func end() {
        state = .ended
        world.finalize()
    }

    /// Ends every rank of the job with `status` (`MPI_Abort`).
    public func abort(status: Int32) -> Never {
        world.abort(status: status)
    }
}

/// Thrown on a rank that must end with `status` because another rank failed; that rank printed
/// the reason (rank 0, or a worker at the meeting). Not a `UserFacingError`: nothing is printed.
public struct ClusterStop: Error, Equatable {
    public var status: Int32
    /// Whether the failing rank has said why (always, today).
    public var printed: Bool
}

/// A rank received something the protocol does not allow (a bug, or mixed frg versions).
public struct ClusterProtocolError: UserFacingError {
    public var detail: String
    public var category: ErrorCategory { .runFailed }
    public var description: String { "the ranks' messages do not fit (\(detail)); are all ranks the same frg?" }
}

/// Message tags.
enum Tag {
    /// Rank 0 → worker: a `Command`.
    static let command = 1
    /// Worker → rank 0: a finished bag (`BagMessage`).
    static let bag = 2
}

/// What rank 0 tells an idle worker.
struct Command: Codable, Equatable {
    enum Kind: String, Codable { case job, done, stop }
    var kind: Kind
    /// job: the run's settings (`threads` as the user gave them: each rank resolves 0 itself),
    /// its run key (checked after decoding) and the bags missing from the store, of which the
    /// worker computes its `BagSplit` share.
    var settings: SamplerSettings?
    var runKey: String?
    var bags: [Int]?
    /// stop: the exit status.
    var status: Int32?

    init(kind: Kind, settings: SamplerSettings? = nil, bags: [Int]? = nil, status: Int32? = nil) {
        self.kind = kind
        self.settings = settings
        self.runKey = settings?.runKey
        self.bags = bags
        self.status = status
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }

    static func decoded(_ bytes: [UInt8]) throws -> Command {
        guard let command = try? JSONDecoder().decode(Command.self, from: Data(bytes)) else {
            throw ClusterProtocolError(detail: "a command of \(bytes.count) bytes that is not one")
        }
        return command
    }
}
