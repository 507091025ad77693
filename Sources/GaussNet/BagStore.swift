import Diagnostics
import Foundation
import TextOutput

/// Where the finished bags of sampling runs are kept, so that a run resumes bag by bag and a
/// repeated run (the same `SamplerSettings.runKey`) samples nothing.
///
/// A store hands back only bags that belong to the requested run: right run key, right index,
/// right number of combinations (`BagResult.fits(_:)`), and, for a store that keeps them outside
/// the process, a checksum that matches the bag and the run's settings. Anything else it holds under
/// that key is not used: it is listed in `BagLoad.rejected`, and the run samples the bag again.
public protocol BagStore {
    /// The stored bags of the run `settings` (indices `0..<settings.bags`) that fit it, by index,
    /// and the saved ones that could not be used, with why; both empty when nothing is stored.
    func load(for settings: SamplerSettings) -> BagLoad

    /// Makes the store ready to receive bags of `settings`; called before the first `save` of a run.
    /// `discardExisting` drops whatever is stored under the run's key (`--no-resume`).
    func prepare(for settings: SamplerSettings, discardExisting: Bool) throws

    /// Stores one finished bag of `settings`, atomically: a reader sees the whole bag or none.
    func save(_ bag: BagResult, for settings: SamplerSettings) throws
}

extension BagStore {
    /// The stored bags of the run `settings` that can be used (`load(for:).bags`).
    public func bags(for settings: SamplerSettings) -> [Int: BagResult] { load(for: settings).bags }
}

/// What a store holds for one run.
public struct BagLoad: Sendable, Equatable {
    /// The bags that can be used, by index.
    public var bags: [Int: BagResult]
    /// Saved bags that cannot be used, by index: they must be sampled again.
    public var rejected: [Int: BagRejection]

    public init(bags: [Int: BagResult] = [:], rejected: [Int: BagRejection] = [:]) {
        self.bags = bags
        self.rejected = rejected
    }
}

/// Why a saved bag was not used. The description completes "bag 7: …".
public enum BagRejection: Sendable, Hashable, CustomStringConvertible {
    /// Its checksum does not match its numbers and the run's settings: edited or corrupted.
    case checksumMismatch
    /// It has no checksum (saved by an older frg), so it cannot be verified.
    case noChecksum
    /// Its file is not a bag (truncated, or not JSON).
    case unreadable
    /// A verified bag of another run or index (a copied or renamed file).
    case foreign
    /// The run folder's `settings.json` differs from the run's settings (edited, or a run-key
    /// collision): none of its bags is used.
    case folderSettingsDiffer

    public var description: String {
        switch self {
        case .checksumMismatch: return "checksum mismatch (edited or corrupted)"
        case .noChecksum: return "no checksum (saved by an older frg), cannot be verified"
        case .unreadable: return "unreadable file"
        case .foreign: return "belongs to another run or bag"
        case .folderSettingsDiffer: return "the folder's settings.json differs from the run's settings"
        }
    }
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

extension BagResult {
    /// SHA-256 of this bag's numbers (index, run key, every `G^(n)` value bit for bit) together with
    /// everything that produced them: the run's settings (canonical JSON, `threads` 0) and
    /// `SamplerSettings.algorithmVersion`. A saved bag is used only when its checksum equals the one
    /// recomputed for the requested run, so an edited number, a bag of other settings or of another
    /// sampler version is never mixed in.
    public func checksum(for settings: SamplerSettings) -> String {
        var hash = SHA256()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        hash.update(Array("frg bag 1\n".utf8))
        hash.update((try? encoder.encode(settings.recorded)) ?? Data())
        hash.update(Array("\n\(SamplerSettings.algorithmVersion)\n\(bag)\n\(runKey)\n".utf8))
        for values in [twoPoint, fourPoint, sixPoint] {
            hash.update(Array("\(values.count):".utf8))
            for value in values {
                let bits = value.bitPattern
                hash.update((0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) })
            }
        }
        return hash.finalize()
    }
}

/// A bag as its file holds it: the `BagResult`'s keys plus `checksum` (absent in files of older
/// versions, which are therefore never trusted).
struct SavedBag: Codable {
    var result: BagResult
    var checksum: String?

    enum CodingKeys: String, CodingKey { case checksum }

    init(result: BagResult, checksum: String?) {
        self.result = result
        self.checksum = checksum
    }

    init(from decoder: Decoder) throws {
        result = try BagResult(from: decoder)
        checksum = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .checksum)
    }

    func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(checksum, forKey: .checksum)
    }
}

/// Bags on disk, one folder per run under `root`:
///
///     <root>/sample-<runKey>/settings.json   the run's SamplerSettings (threads 0), written before its first bag
///     <root>/sample-<runKey>/bag-0000.json   one BagResult and its checksum per finished bag (index 0-based, at least 4 digits)
///
/// `frg sample` keeps its state here (`--state`, default `.frg-state`) and `frg compare` its cache
/// (`--cache`, default `.frg-cache`); the layout is the same, so either can reuse the other's bags.
/// Every file is written atomically (temporary file and rename), so a killed run leaves whole bags
/// only. A bag is read back only when its checksum (`BagResult.checksum(for:)`) matches its numbers
/// and the requested settings, and the folder's `settings.json`, when present, equals those
/// settings; anything else (an edited number, a bag without checksum from an older frg, a hash
/// collision of the run key) is reported in `BagLoad.rejected` and resampled.
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

    public func load(for settings: SamplerSettings) -> BagLoad {
        let folder = folder(for: settings)
        let foreignFolder = storedSettings(in: folder).map { $0 != settings.recorded } ?? false
        var load = BagLoad()
        let decoder = JSONDecoder()
        for bag in 0..<settings.bags {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(Self.bagFileName(bag))) else { continue }
            guard !foreignFolder else {
                load.rejected[bag] = .folderSettingsDiffer
                continue
            }
            guard let saved = try? decoder.decode(SavedBag.self, from: data) else {
                load.rejected[bag] = .unreadable
                continue
            }
            guard let checksum = saved.checksum else {
                load.rejected[bag] = .noChecksum
                continue
            }
            let result = saved.result
            guard checksum == result.checksum(for: settings) else {
                load.rejected[bag] = .checksumMismatch
                continue
            }
            guard result.bag == bag, result.fits(settings) else {
                load.rejected[bag] = .foreign
                continue
            }
            load.bags[bag] = result
        }
        return load
    }

    public func prepare(for settings: SamplerSettings, discardExisting: Bool) throws {
        let folder = folder(for: settings)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw BagStoreError.cannotCreateDirectory(path: folder.path, reason: Self.creationProblem(folder))
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
                    let writable = FileManager.default.isWritableFile(atPath: folder.path)
                    throw BagStoreError.cannotRemove(path: path, reason: writable ? "the file system refused" : "its folder is not writable")
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
        let saved = SavedBag(result: bag, checksum: bag.checksum(for: settings))
        try write(try encoder.encode(saved), to: folder(for: settings).appendingPathComponent(Self.bagFileName(bag.bag)))
    }

    /// Why `folder` could not be created, in plain words (Foundation's own message names an error
    /// domain): the nearest existing path on the way to it is a file, or a folder not writable.
    static func creationProblem(_ folder: URL) -> String {
        var url = folder.standardizedFileURL
        while url.path != "/" {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                if !isDirectory.boolValue { return "\(url.path) is a file, not a folder" }
                if !FileManager.default.isWritableFile(atPath: url.path) { return "\(url.path) is not writable" }
                break
            }
            url.deleteLastPathComponent()
        }
        return "the file system refused to create it"
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
/// A reference type: the store is shared by everyone handed it, like a folder on disk. Nothing
/// outside the process can change its bags, so it keeps no checksums.
public final class InMemoryBagStore: BagStore, @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [String: (settings: SamplerSettings, bags: [Int: BagResult])] = [:]

    public init() {}

    public func load(for settings: SamplerSettings) -> BagLoad {
        lock.lock()
        defer { lock.unlock() }
        guard let run = runs[settings.runKey], run.settings == settings.recorded else { return BagLoad() }
        return BagLoad(bags: run.bags.filter { $0.key == $0.value.bag && $0.value.fits(settings) })
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
