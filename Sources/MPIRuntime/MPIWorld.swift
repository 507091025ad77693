import Diagnostics
import Foundation
import MPIShim

/// How this process was started, read from the environment before MPI is touched: a process that
/// no MPI launcher started never calls `MPI_Init` (no start-up cost, no singleton MPI).
public struct MPILaunch: Sendable, Equatable {
    /// The launcher, as a sentence names it ("Open MPI's mpirun").
    public var launcher: String
    /// This process's rank and the number of processes, as the launcher states them (nil when it
    /// does not say).
    public var rank: Int?
    public var size: Int?

    public init(launcher: String, rank: Int?, size: Int?) {
        self.launcher = launcher
        self.rank = rank
        self.size = size
    }

    /// The launch described by `environment`, or nil when no MPI launcher started this process:
    /// `OMPI_COMM_WORLD_SIZE` (Open MPI's mpirun), `PMIX_RANK` (a PMIx launcher: `srun --mpi=pmix`,
    /// Open MPI's prterun), `PMI_RANK` / `PMI_SIZE` (PMI-1/2: `srun --mpi=pmi2`, MPICH's mpiexec).
    public static func detect(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> MPILaunch? {
        func number(_ key: String) -> Int? { environment[key].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        if environment["OMPI_COMM_WORLD_SIZE"] != nil {
            return MPILaunch(launcher: "Open MPI's mpirun", rank: number("OMPI_COMM_WORLD_RANK"), size: number("OMPI_COMM_WORLD_SIZE"))
        }
        if environment["PMIX_RANK"] != nil {
            // PMIx states no size in the environment; under Slurm the step's task count is it.
            return MPILaunch(launcher: "a PMIx launcher (srun --mpi=pmix)", rank: number("PMIX_RANK"),
                             size: number("SLURM_STEP_NUM_TASKS"))
        }
        if environment["PMI_RANK"] != nil || environment["PMI_SIZE"] != nil {
            return MPILaunch(launcher: "a PMI launcher (srun --mpi=pmi2, MPICH's mpiexec)", rank: number("PMI_RANK"),
                             size: number("PMI_SIZE"))
        }
        return nil
    }

    /// A Slurm step that cannot run frg as one MPI job, read from the environment before MPI is
    /// touched (nil: none). `srun --mpi=none` with several tasks starts them with no PMI at all, so
    /// each would run the whole job alone; `srun --mpi=pmi2` starts them through PMI-2, which the
    /// Open MPI frg links (Debian's, built against PMIx) cannot initialize from: `MPI_Init` would
    /// abort with a page of its own. Both are `srun --mpi=pmix` mistyped or defaulted.
    public static func unsupportedSlurmStep(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> MPIError? {
        guard environment["OMPI_COMM_WORLD_SIZE"] == nil, environment["PMIX_RANK"] == nil,
              environment["SLURM_PROCID"] != nil,
              let tasks = environment["SLURM_STEP_NUM_TASKS"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
        else { return nil }
        if environment["SLURM_MPI_TYPE"] == "pmi2" || environment["PMI_RANK"] != nil || environment["PMI_FD"] != nil {
            return .slurmWithoutPMIx(plugin: environment["SLURM_MPI_TYPE"] ?? "pmi2", tasks: tasks)
        }
        guard tasks > 1 else { return nil }
        return .slurmWithoutPMIx(plugin: environment["SLURM_MPI_TYPE"] ?? "none", tasks: tasks)
    }
}

/// Why MPI could not be used. The descriptions are one sentence each.
public enum MPIError: UserFacingError, Equatable {
    /// `MPI_Init` failed: the MPI installation or the launcher's environment is broken.
    case initFailed(launcher: String, errorClass: String, message: String)
    /// The launcher started `launcherSize` processes but MPI sees `mpiSize`: the launcher belongs to
    /// another MPI, or (srun) lacks PMI support, so each process would run the whole job alone.
    case launcherMismatch(launcher: String, launcherSize: Int, mpiSize: Int, library: String)
    /// An MPI call failed during the run.
    case callFailed(call: String, errorClass: String, message: String)
    /// srun started the tasks with an MPI plugin other than PMIx (`--mpi=none`, `--mpi=pmi2`).
    case slurmWithoutPMIx(plugin: String, tasks: Int)

    public var category: ErrorCategory {
        switch self {
        case .launcherMismatch, .slurmWithoutPMIx: return .invalidInput
        case .initFailed, .callFailed: return .runFailed
        }
    }

    public var description: String {
        switch self {
        case let .initFailed(launcher, errorClass, message):
            return "MPI_Init failed under \(launcher) (\(errorClass): \(message))"
        case let .launcherMismatch(launcher, launcherSize, mpiSize, library):
            return "\(launcher) started \(launcherSize) processes but frg's MPI (\(library)) sees \(mpiSize): the launcher belongs to "
                + "another MPI or lacks PMI support; start frg with Open MPI's mpirun, or srun --mpi=pmix"
        case let .callFailed(call, errorClass, message):
            return "\(call) failed (\(errorClass): \(message))"
        case let .slurmWithoutPMIx(plugin, tasks):
            return plugin == "none"
                ? "srun started \(tasks) tasks without an MPI plugin (--mpi=none), so each would run the whole job alone; start frg with srun --mpi=pmix"
                : "srun started frg through --mpi=\(plugin), which frg's Open MPI cannot start from (it is built for PMIx); start frg with srun --mpi=pmix"
        }
    }

    static func check(_ code: Int32, _ call: String) throws(MPIError) {
        guard code != FRG_MPI_SUCCESS else { return }
        throw .callFailed(call: call, errorClass: MPIWorld.errorClassName(code), message: MPIWorld.errorString(code))
    }
}

/// MPI_COMM_WORLD of this process: rank, size, ranks on this node, and byte messages. One per
/// process, made by `start`; every call is made from the thread that started it (MPI is
/// initialized with `MPI_THREAD_FUNNELED`; the sampler's threads never call MPI).
public final class MPIWorld {
    /// This process's rank, `0..<size`.
    public let rank: Int
    /// Processes in the job.
    public let size: Int
    /// Processes of the job on this node (sharing its memory and cores), this one included.
    public let localSize: Int
    /// The MPI library, e.g. "Open MPI v4.1.4".
    public let library: String

    private init(rank: Int, size: Int, localSize: Int, library: String) {
        self.rank = rank
        self.size = size
        self.localSize = localSize
        self.library = library
    }

    /// Initializes MPI (once per process) for a process started by `launch`. Throws
    /// `MPIError.initFailed`, or `.launcherMismatch` when the launcher's process count differs from
    /// MPI's (MPI is then finalized again).
    public static func start(_ launch: MPILaunch) throws(MPIError) -> MPIWorld {
        let library = libraryVersion
        let status = frg_mpi_init()
        guard status == FRG_MPI_SUCCESS else {
            throw .initFailed(launcher: launch.launcher, errorClass: errorClassName(status), message: errorString(status))
        }
        var rank: Int32 = 0, size: Int32 = 0, localSize: Int32 = 0
        try MPIError.check(frg_mpi_rank(&rank), "MPI_Comm_rank")
        try MPIError.check(frg_mpi_size(&size), "MPI_Comm_size")
        try MPIError.check(frg_mpi_local_size(&localSize), "MPI_Comm_split_type")
        if let expected = launch.size, expected != Int(size) {
            _ = frg_mpi_finalize()
            throw .launcherMismatch(launcher: launch.launcher, launcherSize: expected, mpiSize: Int(size), library: library)
        }
        return MPIWorld(rank: Int(rank), size: Int(size), localSize: Int(localSize), library: library)
    }

    /// A message waiting to be received: its source rank, tag and size in bytes.
    public struct Envelope: Sendable, Equatable {
        public var source: Int
        public var tag: Int
        public var count: Int
    }

    /// The next message from `source` (nil: any rank) with `tag`, if one has arrived; never waits.
    public func probe(from source: Int?, tag: Int) throws(MPIError) -> Envelope? {
        var found: Int32 = 0, foundSource: Int32 = 0, foundTag: Int32 = 0, count: Int32 = 0
        try MPIError.check(frg_mpi_iprobe(Int32(source ?? -1), Int32(tag), &found, &foundSource, &foundTag, &count), "MPI_Iprobe")
        return found != 0 ? Envelope(source: Int(foundSource), tag: Int(foundTag), count: Int(count)) : nil
    }

    /// Receives the message `envelope` (found by `probe`).
    public func receive(_ envelope: Envelope) throws(MPIError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: envelope.count)
        let status = bytes.withUnsafeMutableBytes { frg_mpi_recv($0.baseAddress, Int32(envelope.count), Int32(envelope.source), Int32(envelope.tag)) }
        try MPIError.check(status, "MPI_Recv")
        return bytes
    }

    /// Waits for a message from `source` (nil: any) with `tag` and receives it. Polls with a sleep
    /// that grows to 5 ms instead of blocking in `MPI_Recv`, which spins a core: an idle rank must
    /// leave the cores to the ranks that compute (several ranks share a machine's cores).
    public func receiveWaiting(from source: Int?, tag: Int) throws(MPIError) -> (source: Int, bytes: [UInt8]) {
        var pause = Pause()
        while true {
            if let envelope = try probe(from: source, tag: tag) { return (envelope.source, try receive(envelope)) }
            pause.sleep()
        }
    }

    /// Sends `bytes` to `destination` with `tag`; returns when the buffer may be reused.
    public func send(_ bytes: [UInt8], to destination: Int, tag: Int) throws(MPIError) {
        let status = bytes.withUnsafeBytes { frg_mpi_send($0.baseAddress, Int32(bytes.count), Int32(destination), Int32(tag)) }
        try MPIError.check(status, "MPI_Send")
    }

    /// Starts sending `bytes` and returns at once: a large message is delivered only when the
    /// receiver asks for it, and the sender need not wait for that. Keep the `PendingSend` until
    /// `isComplete`.
    public func startSend(_ bytes: [UInt8], to destination: Int, tag: Int) throws(MPIError) -> PendingSend {
        let pending = PendingSend(bytes: bytes)
        var request: UnsafeMutableRawPointer?
        let status = pending.buffer.withUnsafeBytes { frg_mpi_isend($0.baseAddress, Int32(bytes.count), Int32(destination), Int32(tag), &request) }
        try MPIError.check(status, "MPI_Isend")
        pending.request = request
        return pending
    }

    /// Waits (polling, as `receiveWaiting`) until every send in `sends` has completed.
    public func complete(_ sends: [PendingSend]) throws(MPIError) {
        var pause = Pause()
        for send in sends {
            while try !send.isComplete() { pause.sleep() }
        }
    }

    /// One value from every rank, by rank (a collective: every rank must call it).
    public func allGather(_ value: Int32) throws(MPIError) -> [Int32] {
        var all = [Int32](repeating: 0, count: size)
        try MPIError.check(frg_mpi_allgather_int(value, &all), "MPI_Allgather")
        return all
    }

    /// Ends every rank of the job with `status` (`MPI_Abort`).
    public func abort(status: Int32) -> Never {
        frg_mpi_abort(status)
        fatalError("MPI_Abort returned")
    }

    /// `MPI_Finalize`, once; later calls do nothing.
    public func finalize() {
        if frg_mpi_finalized() == 0 { _ = frg_mpi_finalize() }
    }

    /// Processors this process may run on: its affinity mask, which a launcher that binds ranks
    /// narrows (Open MPI's `mpirun` binds each of one or two ranks to a core by default); nil if
    /// unknown.
    public static var boundProcessorCount: Int? {
        let count = frg_affinity_processor_count()
        return count > 0 ? Int(count) : nil
    }

    /// The MPI library's name and version ("Open MPI v4.1.4"); callable before `MPI_Init`.
    public static var libraryVersion: String {
        var buffer = [CChar](repeating: 0, count: 256)
        frg_mpi_library_version(&buffer, Int32(buffer.count))
        return text(buffer)
    }

    /// A NUL-terminated C string filled in by the shim.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The name of the error class of `code`: `MPI_ERR_TRUNCATE`, ….
    public static func errorClassName(_ code: Int32) -> String { String(cString: frg_mpi_error_class_name(code)) }

    /// MPI's description of `code`.
    public static func errorString(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        frg_mpi_error_string(code, &buffer, Int32(buffer.count))
        let description = text(buffer)
        return description.isEmpty ? "error code \(code)" : description
    }
}

/// A nonblocking send in flight; owns its bytes until it completes.
public final class PendingSend {
    fileprivate let buffer: [UInt8]
    fileprivate var request: UnsafeMutableRawPointer?

    fileprivate init(bytes: [UInt8]) { buffer = bytes }

    /// Whether the send has completed (the receiver has the bytes or MPI has buffered them).
    public func isComplete() throws(MPIError) -> Bool {
        guard request != nil else { return true }
        var done: Int32 = 0
        try MPIError.check(frg_mpi_test(&request, &done), "MPI_Test")
        return done != 0
    }
}

/// The sleep between polls: 50 µs at first, doubling to 5 ms, so that a quick reply is seen at
/// once and a long wait costs next to no CPU.
public struct Pause {
    private var microseconds: UInt32 = 50

    public init() {}

    public mutating func sleep() {
        usleep(microseconds)
        microseconds = min(5_000, microseconds * 2)
    }
}
