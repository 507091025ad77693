import FRGConfig
import Foundation
import GaussNet

/// Reads the couplings that start an active flow from a JSON file written by `frg sample --json`.
enum MeasurementFile {
    /// `u4` and `u6` (combination averages) of the measurement, with the `σ_W` it was taken at.
    static func read(at path: String) throws -> (sigmaW: Double, couplings: [(name: String, value: Double)]) {
        let location = SourceLocation(file: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(location, keyPath: "", "cannot read the measurement file (written by frg sample --json)")
        }
        let measurement: GaussNet.Measurement
        do {
            measurement = try JSONDecoder().decode(GaussNet.Measurement.self, from: data)
        } catch {
            throw ConfigError(location, keyPath: "", "not a measurement written by frg sample --json: \(error)")
        }
        var couplings: [(String, Double)] = []
        for (name, value) in [("u4", measurement.u4.mean), ("u6", measurement.u6.mean)] {
            guard value.isFinite else {
                throw ConfigError(location, keyPath: name, "the measured \(name) is not finite")
            }
            couplings.append((name, value))
        }
        return (measurement.settings.sigmaW, couplings)
    }
}
