import Diagnostics
import Foundation
import GaussNet

/// Couplings measured by the ensemble sampler, read from the JSON document `frg sample --json`
/// writes (a `GaussNet.Measurement`): the combination averages `ū4`, `ū6` and the network
/// parameters they were measured at.
public struct MeasuredCouplings: Sendable {
    /// The measurement the couplings come from.
    public var measurement: GaussNet.Measurement
    public var path: String

    /// `σ_W` of the ensemble.
    public var sigmaW: Double { measurement.settings.sigmaW }
    /// `ū4 = ⟨−ΔG⁽⁴⁾/N_K⟩` (raw, not normalized).
    public var u4: Double { measurement.u4.mean }
    /// `ū6 = ⟨(ū4² Σ I_{3|3} − G_c⁽⁶⁾)/I_6⟩` (raw).
    public var u6: Double { measurement.u6.mean }

    /// Reads and checks a measurement file; every coupling must be finite.
    public static func load(path: String) throws -> MeasuredCouplings {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MeasurementFileError(path: path, problem: "cannot read the measurement file (written by frg sample --json)")
        }
        let measurement: GaussNet.Measurement
        do {
            measurement = try JSONDecoder().decode(GaussNet.Measurement.self, from: data)
        } catch {
            throw MeasurementFileError(path: path, problem: "not a measurement written by frg sample --json: \(error)")
        }
        for (name, value) in [("u4", measurement.u4.mean), ("u6", measurement.u6.mean)] where !value.isFinite {
            throw MeasurementFileError(path: path, problem: "the measured \(name) is not finite")
        }
        return MeasuredCouplings(measurement: measurement, path: path)
    }
}

/// A measurement file that cannot be used.
public struct MeasurementFileError: UserFacingError, Equatable {
    public var path: String
    public var problem: String
    public var category: ErrorCategory { .invalidInput }
    public var description: String { "\(path): \(problem)" }
}
