import Diagnostics
import Foundation

/// The measured couplings in the normalization of a field with a canonical kinetic term — the
/// one convention frg uses wherever measured couplings enter a flow (docs/conventions.md §5).
///
/// The ensemble's effective (1PI) action is `Γ = ½ ∫ φ K_W⁻¹ φ + (u4/4!) ∫ φ⁴ + (u6/6!) ∫ φ⁶` with
/// the raw measured `u_{2n}` (position space, external legs `K_W`). Near `p = 0` the kernel gives
/// `1/K̃_W(p) = Z (m0² + p²) + O(p⁴)` (standard Fourier transform; `Z` and `m0²` from the
/// architecture), so with `χ = √Z φ`
///
///     Γ = ½ ∫ χ (m0² − ∂²) χ + (λ4/4!) ∫ χ⁴ + (λ6/6!) ∫ χ⁶,   m² = m0²,   λ_{2n} = u_{2n}/Z^n.
///
/// A flow with `½(∂φ)²` takes `u2 = m²`, `u4 = λ4`, `u6 = λ6`: never a canonical `u2` with raw
/// `u4`, `u6`. Errors are the measurement's standard errors divided by the same `Z^n`.
public struct CanonicalCouplings: Sendable, Equatable {
    /// `m² = m0²`, in units of (inverse input length)².
    public var massSquared: Double
    /// `Z` of the infrared expansion of the inverse kernel.
    public var wavefunctionNormalization: Double
    /// `λ4 = ū4/Z²` and its standard error.
    public var lambda4: Double
    public var lambda4Error: Double
    /// `λ6 = ū6/Z³` and its standard error.
    public var lambda6: Double
    public var lambda6Error: Double
    /// The raw measured `ū4`, `ū6` these come from.
    public var u4: Double
    public var u6: Double

    /// From a measurement; throws when the architecture's kernel has no infrared expansion.
    public init(_ measurement: Measurement) throws {
        let network = measurement.settings.makeArchitecture()
        guard let m2 = network.massSquared, let z = network.wavefunctionNormalization else {
            throw CanonicalCouplingsError.noInfraredExpansion(architecture: network.kind)
        }
        massSquared = m2
        wavefunctionNormalization = z
        u4 = measurement.u4.mean
        u6 = measurement.u6.mean
        lambda4 = u4 / (z * z)
        lambda4Error = measurement.u4.standardError / (z * z)
        lambda6 = u6 / (z * z * z)
        lambda6Error = measurement.u6.standardError / (z * z * z)
        guard [z, lambda4, lambda4Error, lambda6, lambda6Error].allSatisfy(\.isFinite), z > 0 else {
            throw CanonicalCouplingsError.notRepresentable(
                "λ4 = ū4/Z², λ6 = ū6/Z³ are not representable in double precision (Z = \(z) at σ_W = \(measurement.settings.sigmaW), d = \(measurement.settings.inputDimension))")
        }
    }

    /// `λ_{2n} = u/Z^n` for a raw coupling `u` of order `2n` (a chosen value in the measured convention).
    public func canonical(_ u: Double, order: Int) -> Double {
        u / pow(wavefunctionNormalization, Double(order / 2))
    }
}

public enum CanonicalCouplingsError: UserFacingError, Equatable {
    case noInfraredExpansion(architecture: ArchitectureKind)
    /// `Z^n` or the `λ`s leave double precision (a run outside the range the normalization holds in).
    case notRepresentable(String)

    public var category: ErrorCategory {
        switch self {
        case .noInfraredExpansion: return .invalidInput
        case .notRepresentable: return .runFailed
        }
    }

    public var description: String {
        switch self {
        case .noInfraredExpansion(let kind):
            return "the \(kind) kernel has no expansion 1/K(p) = Z (m0² + p²): its measured couplings have no canonical normalization for a flow"
        case .notRepresentable(let reason):
            return reason
        }
    }
}
