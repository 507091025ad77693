import Foundation
import GaussNet
import TextOutput

/// Why a cached measurement could not be stored.
public enum CacheError: Error, CustomStringConvertible, Equatable {
    case cannotCreateDirectory(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreateDirectory(p, r): return "cannot create the measurement cache \(p): \(r)"
        case let .cannotWrite(p, r): return "cannot write the cached measurement \(p): \(r)"
        }
    }
}

/// Measurements stored by the content of their settings: `<directory>/<runKey>.json`.
///
/// `SamplerSettings.runKey` hashes every field except `threads`, plus the sampler's algorithm
/// version, so a re-plot or a changed theory reuses the file while any changed setting (or a
/// sampler that would draw different numbers) gets a new key. A file is reused only if its stored
/// settings equal the requested ones (a hash collision or a hand-edited file is resampled).
public struct MeasurementCache {
    /// nil: no cache, always sample.
    public var directory: URL?
    /// The sampler; replaceable so tests can count invocations.
    public var sample: (SamplerSettings) throws -> GaussNet.Measurement

    public init(directory: URL?, sample: @escaping (SamplerSettings) throws -> GaussNet.Measurement = MeasurementCache.runSampler) {
        self.directory = directory
        self.sample = sample
    }

    /// Runs the embedded sampler.
    public static func runSampler(_ settings: SamplerSettings) throws -> GaussNet.Measurement {
        try GaussNetSampler(settings: settings).run()
    }

    public func url(for settings: SamplerSettings) -> URL? {
        directory?.appendingPathComponent("\(settings.runKey).json")
    }

    /// The stored measurement for `settings` if there is a valid one, else nil.
    public func cached(_ settings: SamplerSettings) -> GaussNet.Measurement? {
        guard let url = url(for: settings), let data = try? Data(contentsOf: url),
              let m = try? JSONDecoder().decode(GaussNet.Measurement.self, from: data) else { return nil }
        var wanted = settings
        wanted.threads = 0
        guard m.runKey == settings.runKey, m.settings == wanted else { return nil }
        return m
    }

    /// The measurement for `settings`: from the cache when present, else sampled and stored.
    public func measurement(for settings: SamplerSettings) throws -> (measurement: GaussNet.Measurement, reused: Bool) {
        if let m = cached(settings) { return (m, true) }
        let m = try sample(settings)
        if let directory, let url = url(for: settings) {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw CacheError.cannotCreateDirectory(path: directory.path, reason: error.localizedDescription)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            do {
                try AtomicFile.write(try encoder.encode(m), to: url.path)
            } catch let error as FileWriteError {
                throw CacheError.cannotWrite(path: url.path, reason: error.reason)
            } catch {
                throw CacheError.cannotWrite(path: url.path, reason: error.localizedDescription)
            }
        }
        return (m, false)
    }
}
