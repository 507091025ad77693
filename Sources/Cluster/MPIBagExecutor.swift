import Diagnostics
import Foundation
import GaussNet
import MPIRuntime

/// Rank 0's executor under MPI: the missing bags of each job are split round-robin over all
/// ranks (`BagSplit`; rank 0 computes its share too). Rank 0 sends each worker the job, computes
/// its own bags one after another (each with all of its threads) and, between them, takes the
/// bags the workers have finished, which they have already saved (`savedElsewhere`); then it waits
/// for the rest. Every bag is computed exactly once and depends only on (seed, network, index), so
/// the measurement is bit-identical to a single process for any number of ranks.
public struct MPIBagExecutor: BagExecutor {
    let session: ClusterSession

    public func run(_ sampler: GaussNetSampler, bags: [Int], finished: (BagResult) throws -> Void) throws {
        try run(sampler, bags: bags, finished: finished, savedElsewhere: finished)
    }

    public func run(_ sampler: GaussNetSampler, bags: [Int], finished: (BagResult) throws -> Void,
                    savedElsewhere: (BagResult) throws -> Void) throws {
        let world = session.world
        precondition(session.isRoot && session.state == .idle, "rank 0 starts jobs between jobs")
        session.state = .inJob
        let job = try Command(kind: .job, settings: sampler.settings, bags: bags).encoded()
        var outstanding = 0
        for worker in 1..<session.size {
            let share = BagSplit.share(of: bags, worker: worker, workers: session.size).count
            guard share > 0 else { continue }
            try world.send(job, to: worker, tag: Tag.command)
            outstanding += share
        }
        func takeArrived() throws {
            while let envelope = try world.probe(from: nil, tag: Tag.bag) {
                let result = try BagMessage.decoded(try world.receive(envelope), from: envelope.source)
                outstanding -= 1
                guard outstanding >= 0 else {
                    throw ClusterProtocolError(detail: "rank \(envelope.source) sent more bags than the job has")
                }
                try savedElsewhere(result)
            }
        }
        for bag in BagSplit.share(of: bags, worker: 0, workers: session.size) {
            try takeArrived()
            try finished(sampler.sampleBag(bag))
        }
        var pause = Pause()
        while outstanding > 0 {
            try takeArrived()
            if outstanding > 0 { pause.sleep() }
        }
        session.state = .idle
    }
}

extension ClusterSession {
    /// A worker's part of the command: meets the other ranks (throws `ClusterStop` when one failed
    /// to validate), then computes its share of every job rank 0 sends, saving each bag in `store`
    /// (atomically, as `BagStore.save` does) before sending it to rank 0, until rank 0 says `done`
    /// (returns) or `stop` (throws `ClusterStop` with rank 0's status). The sampler's threads are
    /// this rank's: `threads: 0` is its share of the node (`start`).
    public func serve(store: any BagStore) throws {
        precondition(!isRoot, "rank 0 runs the command")
        if let failure = try agree(status: 0) {
            throw ClusterStop(status: failure.status, printed: true)
        }
        while true {
            let command = try Command.decoded(world.receiveWaiting(from: 0, tag: Tag.command).bytes)
            switch command.kind {
            case .done:
                return
            case .stop:
                throw ClusterStop(status: command.status ?? ErrorCategory.runFailed.exitStatus, printed: true)
            case .job:
                guard let settings = command.settings, let bags = command.bags, settings.runKey == command.runKey else {
                    throw ClusterProtocolError(detail: "a job without settings and bags, or whose settings changed on the way")
                }
                state = .inJob
                let sampler = try GaussNetSampler(settings: settings)
                var sends: [PendingSend] = []
                for bag in BagSplit.share(of: bags, worker: rank, workers: size) {
                    let result = sampler.sampleBag(bag)
                    try store.save(result, for: settings)
                    // Sent without waiting: rank 0 takes it between its own bags.
                    sends.append(try world.startSend(BagMessage.encoded(result), to: 0, tag: Tag.bag))
                    sends = try sends.filter { try !$0.isComplete() }
                }
                try world.complete(sends)
                state = .idle
            }
        }
    }
}

/// A bag on the wire: every number by its bit pattern (little-endian), so rank 0 holds exactly
/// the bag the worker computed and saved.
///
///     "FRGB" · Int64 bag · UInt32 length · run key (UTF-8) · 3 × (UInt64 count · count × UInt64 bits)
enum BagMessage {
    static let magic = Array("FRGB".utf8)

    static func encoded(_ bag: BagResult) -> [UInt8] {
        var bytes = magic
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        append(Int64(bag.bag))
        let key = Array(bag.runKey.utf8)
        append(UInt32(key.count))
        bytes.append(contentsOf: key)
        for values in [bag.twoPoint, bag.fourPoint, bag.sixPoint] {
            append(UInt64(values.count))
            for value in values { append(value.bitPattern) }
        }
        return bytes
    }

    static func decoded(_ bytes: [UInt8], from source: Int) throws -> BagResult {
        var offset = 0
        func malformed() -> ClusterProtocolError { ClusterProtocolError(detail: "rank \(source) sent a bag of \(bytes.count) bytes that is not one") }
        func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let width = MemoryLayout<T>.size
            guard offset + width <= bytes.count else { throw malformed() }
            var value = T.zero
            withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<offset + width]) }
            offset += width
            return T(littleEndian: value)
        }
        guard bytes.starts(with: magic) else { throw malformed() }
        offset = magic.count
        let bag = Int(try read(Int64.self))
        let keyLength = Int(try read(UInt32.self))
        guard offset + keyLength <= bytes.count, let key = String(bytes: bytes[offset..<offset + keyLength], encoding: .utf8) else { throw malformed() }
        offset += keyLength
        var series: [[Double]] = []
        for _ in 0..<3 {
            let count = try read(UInt64.self)
            guard count <= UInt64(bytes.count - offset) / 8 else { throw malformed() }
            series.append(try (0..<Int(count)).map { _ in Double(bitPattern: try read(UInt64.self)) })
        }
        guard offset == bytes.count else { throw malformed() }
        return BagResult(bag: bag, runKey: key, twoPoint: series[0], fourPoint: series[1], sixPoint: series[2])
    }
}
