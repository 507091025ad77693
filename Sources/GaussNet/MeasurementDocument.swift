import Diagnostics
import Foundation
import TextOutput

/// The JSON document `frg sample --format json` writes (schema frg/measurement/v1,
/// docs/outputs.md): the whole measurement (settings, per-bag estimates, everything derived from
/// them) at the top level, beside `schema` and `frgVersion`.
///
/// Encoding writes the measurement's keys only; decoding reads that layout, and the previous one
/// (`{frgVersion, measurement: {…}}`, before the output contract), so that saved measurements
/// keep working.
public struct MeasurementDocument: Codable, Sendable {
    public static let schema = "frg/measurement/v1"

    public var frgVersion: String
    public var measurement: Measurement

    public init(frgVersion: String, measurement: Measurement) {
        self.frgVersion = frgVersion
        self.measurement = measurement
    }

    private enum CodingKeys: String, CodingKey {
        case schema, frgVersion, measurement
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        frgVersion = try container.decode(String.self, forKey: .frgVersion)
        if container.contains(.measurement) {
            measurement = try container.decode(Measurement.self, forKey: .measurement)
        } else {
            if let schema = try container.decodeIfPresent(String.self, forKey: .schema), schema != Self.schema {
                throw DecodingError.dataCorruptedError(forKey: .schema, in: container,
                                                       debugDescription: "a \(schema) document, not \(Self.schema)")
            }
            measurement = try Measurement(from: decoder)
        }
    }

    /// `schema`, `frgVersion` and the measurement's keys in one object. (`frg sample` writes the
    /// same object with `schema` and `frgVersion` first: `Reports.jsonDocument` over `measurement`.)
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schema, forKey: .schema)
        try container.encode(frgVersion, forKey: .frgVersion)
        try measurement.encode(to: encoder)
    }

    /// Reads a measurement from `path`: a document written by `frg sample --json`, or a run folder
    /// of a bag store (`<state or cache>/sample-<run key>/`, with its `settings.json` and every bag;
    /// `frg sample --state` and `frg compare`'s cache write them). The bags are analysed again, so
    /// the measurement is the one the sampler would report.
    public static func load(path: String) throws -> Measurement {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MeasurementFileError(path: path, problem: "no such file or folder (expected a frg sample --json file or a saved run folder sample-<run key>)")
        }
        let measurement: Measurement
        if isDirectory.boolValue {
            let folder = URL(fileURLWithPath: path)
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(DirectoryBagStore.settingsFileName)),
                  let settings = try? JSONDecoder().decode(SamplerSettings.self, from: data) else {
                throw MeasurementFileError(path: path, problem: "not a saved run folder: no readable settings.json")
            }
            let store = DirectoryBagStore(root: folder.deletingLastPathComponent())
            guard store.folder(for: settings).standardizedFileURL.path == folder.standardizedFileURL.path else {
                throw MeasurementFileError(path: path, problem: "the folder's name does not match the run key of its settings.json (sample-\(settings.runKey))")
            }
            let load = store.load(for: settings)
            if let (bag, reason) = load.rejected.min(by: { $0.key < $1.key }) {
                throw MeasurementFileError(path: path, problem: "bag \(bag): \(reason); rerun frg sample with this state folder to sample it again")
            }
            let bags = load.bags
            guard bags.count == settings.bags else {
                throw MeasurementFileError(path: path, problem: "the run is incomplete: \(bags.count) of \(settings.bags) bags saved (finish it with frg sample)")
            }
            do {
                measurement = try Measurement(settings: settings, bags: Array(bags.values))
            } catch let error as SamplerError {
                throw MeasurementFileError(path: path, problem: error.description)
            }
        } else {
            let data: Data
            do {
                data = try InputFile.read(path, expected: "a frg sample --json file or a saved run folder")
            } catch let error as FileReadError {
                throw MeasurementFileError(path: path, problem: error.reason)
            }
            let stored: Measurement
            do {
                stored = try JSONDecoder().decode(MeasurementDocument.self, from: data).measurement
            } catch {
                throw MeasurementFileError(path: path, problem: "not a measurement written by frg sample --format json (\(error))")
            }
            // The bags are the data; everything else in the file is computed from them. Computing it
            // again checks the bags' shapes (a missing number would otherwise index out of range)
            // and catches a summary edited by hand.
            do {
                measurement = try Measurement(settings: stored.settings, bags: stored.bags)
            } catch let error as SamplerError {
                throw MeasurementFileError(path: path, problem: "its bags are inconsistent: \(error.description)")
            }
            for (name, read, computed) in [("u4", stored.u4.mean, measurement.u4.mean), ("u6", stored.u6.mean, measurement.u6.mean)]
            where !(abs(read - computed) <= 1e-12 * abs(computed)) {
                throw MeasurementFileError(
                    path: path,
                    problem: "its \(name) = \(read) does not follow from its bags (\(computed)): the file was edited or damaged; sample again with frg sample --json")
            }
        }
        for (name, value) in [("u4", measurement.u4.mean), ("u6", measurement.u6.mean)] where !value.isFinite {
            throw MeasurementFileError(path: path, problem: "the measured \(name) is not finite")
        }
        return measurement
    }
}

/// A measurement file or folder that cannot be used.
public struct MeasurementFileError: UserFacingError, Equatable {
    public var path: String
    public var problem: String
    public var category: ErrorCategory { .invalidInput }
    public var description: String { "\(path): \(problem)" }

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }
}
