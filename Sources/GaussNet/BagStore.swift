import Diagnostics
import Foundation
import TextOutput

/// Where the finished bags of sampling runs are kept, so that a run resumes bag by bag and a
/// repeated run (the same `SamplerSettings.runKey`) samples nothing.
///
/// A store hands back only bags that belong to the requested run: right run key, right index,
/// right number of combinations (`BagResult.fits(_:)`). Anything else it holds under that key is
/// treated as absent and gets resampled.
public protocol BagStore {
    /// The stored bags of the run `settings` (indices `0..<settings.bags`) that fit it, by index;
    /// empty when there are none. Unreadable or foreign entries are simply not returned.
    func bags(for settings: SamplerSettings) -> [Int: BagResult]

    /// Makes the store ready to receive bags of `settings`; called before the first `save` of a run.
    /// `discardExisting` drops whatever is stored under the run's key (`--no-resume`).
    func prepare(for settings: SamplerSettings, discardExisting: Bool) throws

    /// Stores one finished bag of `settings`, atomically: a reader sees the whole bag or none.
    func save(_ bag: BagResult, for settings: SamplerSettings) throws
}

/// Why a store could not keep a bag. Always a failure of the run (exit status 1).
public enum BagStoreError: UserFacingError, Equatable, Sendable {
    case cannotCreateDirectory(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case cannotRemove(path: String, reason: String)

    public var category: ErrorCategory { .runFailed }

    public var description: String {
        switch self {
        case let .cannotCreateDirectory(p, r): return "cannot create the folder \(p) for saved bags: \(r)"
        case let .cannotWrite(p, r): return "cannot write \(p): \(r)"
        case let .cannotRemove(p, r): return "cannot remove the stale saved bag \(p): \(r)"
        }
    }
}

extension BagResult {
    /// Whether this bag can belong to the run `settings`: its run key matches, its index is one of
    /// the run's, and it holds one value per combination of the inputs for n = 2, 4, 6.
    public func fits(_ settings: SamplerSettings) -> Bool {
        let p = settings.inputs.count
        return runKey == settings.runKey && (0..<settings.bags).contains(bag)
            && twoPoint.count == Combinatorics.multisetCount(p, 2)
            && fourPoint.count == Combinatorics.multisetCount(p, 4)
            && sixPoint.count == Combinatorics.multisetCount(p, 6)
    }
}

extension SamplerSettings {
    /// The settings as a run records them: `threads` (which never changes the numbers) set to 0.
    public var recorded: SamplerSettings {
        var copy = self
        copy.threads = 0
        return copy
    }
}

/// Bags on disk, one folder per run under `root`:
///
///     <root>/sample-<runKey>/settings.json   the run's SamplerSettings (threads 0), written before its first bag
///     <root>/sample-<runKey>/bag-0000.json   one BagResult per finished bag (index 0-based, at least 4 digits)
///
/// `frg sample` keeps its state here (`--state`, default `.frg-state`) and `frg compare` its cache
/// (`--cache`, default `.frg-cache`); the layout is the same, so either can reuse the other's bags.
/// Every file is written atomically (temporary file and rename), so a killed run leaves whole bags
/// only. Bags are read back only when the folder's `settings.json` equals the requested settings
/// (a hash collision of the run key or a hand-edited folder is resampled); folders without
/// `settings.json` (written by older versions of `frg sample`) are trusted on each bag's run key.
public struct DirectoryBagStore: BagStore {
    public var root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The run's folder, `<root>/sample-<runKey>`.
    public func folder(for settings: SamplerSettings) -> URL {
        root.appendingPathComponent("sample-\(settings.runKey)")
    }

    public static func bagFileName(_ bag: Int) -> String { String(format: "bag-%04d.json", bag) }

    static let settingsFileName = "settings.json"

    /// The settings recorded in the run's folder: nil when absent, `.some(nil)` when unreadable.
    func storedSettings(in folder: URL) -> SamplerSettings?? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(Self.settingsFileName)) else { return nil }
        return .some(try? JSONDecoder().decode(SamplerSettings.self, from: data))
    }

    public func bags(for settings: SamplerSettings) -> [Int: BagResult] {
        let folder = folder(for: settings)
        if let stored = storedSettings(in: folder), stored != settings.recorded { return [:] }
        var found: [Int: BagResult] = [:]
        let decoder = JSONDecoder()
        for bag in 0..<settings.bags {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(Self.bagFileName(bag))),
                  let result = try? decoder.decode(BagResult.self, from: data),
                  result.bag == bag, result.fits(settings) else { continue }
            found[bag] = result
        }
        return found
    }

    public func prepare(for settings: SamplerSettings, discardExisting: Bool) throws {
        let folder = folder(for: settings)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw BagStoreError.cannotCreateDirectory(path: folder.path, reason: error.localizedDescription)
        }
        let stored = storedSettings(in: folder)
        let foreign = stored.map { $0 != settings.recorded } ?? false
        if discardExisting || foreign {
            // Bags of another run with the same key, or of this run when not resuming.
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names where name.hasPrefix("bag-") && name.hasSuffix(".json") {
                let path = folder.appendingPathComponent(name).path
                do {
                    try FileManager.default.removeItem(atPath: path)
                } catch {
                    throw BagStoreError.cannotRemove(path: path, reason: error.localizedDescription)
                }
            }
        }
        if stored == nil || foreign {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try write(try encoder.encode(settings.recorded), to: folder.appendingPathComponent(Self.settingsFileName))
        }
    }

    public func save(_ bag: BagResult, for settings: SamplerSettings) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try write(try encoder.encode(bag), to: folder(for: settings).appendingPathComponent(Self.bagFileName(bag.bag)))
    }

    func write(_ data: Data, to url: URL) throws {
        do {
            try AtomicFile.write(data, to: url.path)
        } catch let error as FileWriteError {
            throw BagStoreError.cannotWrite(path: url.path, reason: error.reason)
        }
    }
}

/// Bags in memory, for runs that persist nothing (`--no-cache`, tests, `GaussNetSampler.run`).
/// A reference type: the store is shared by everyone handed it, like a folder on disk.
public final class InMemoryBagStore: BagStore, @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [String: (settings: SamplerSettings, bags: [Int: BagResult])] = [:]

    public init() {}

    public func bags(for settings: SamplerSettings) -> [Int: BagResult] {
        lock.lock()
        defer { lock.unlock() }
        guard let run = runs[settings.runKey], run.settings == settings.recorded else { return [:] }
        return run.bags.filter { $0.key == $0.value.bag && $0.value.fits(settings) }
    }

    public func prepare(for settings: SamplerSettings, discardExisting: Bool) throws {
        lock.lock()
        defer { lock.unlock() }
        let key = settings.runKey
        if discardExisting || runs[key]?.settings != settings.recorded {
            runs[key] = (settings.recorded, [:])
        }
    }

    public func save(_ bag: BagResult, for settings: SamplerSettings) throws {
        lock.lock()
        defer { lock.unlock() }
        let key = settings.runKey
        if runs[key]?.settings != settings.recorded { runs[key] = (settings.recorded, [:]) }
        runs[key]!.bags[bag.bag] = bag
    }
}
