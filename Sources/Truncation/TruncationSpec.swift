import TextOutput

import Diagnostics

/// The functional flow equation that is projected.
public enum FlowEquation: String, Sendable, CaseIterable, Codable {
    /// Wetterich's equation for the effective average action `Γ_k`.
    case wetterich
    /// Polchinski's equation for the Wilsonian interaction, in the normalized LPA form
    /// `∂_t v = −d v + (d−2)/2 φ v' − v'' + v'²` (PHYSICS.md §1). Beyond the LPA (LPA′,
    /// derivative2) the full-action equation with field rescaling, whose cutoff constants depend on
    /// the regulator's UV counterpart (`derivePolchinskiBeyondLPA`).
    case polchinski
}

/// The derivative-expansion truncation.
public enum TruncationKind: String, Sendable, CaseIterable, Codable {
    /// Local potential approximation: `Γ_k = ∫ [½ (∂φ)² + U_k(φ)]`, `η = 0`.
    case lpa
    /// LPA′: a field-independent `Z_k` with anomalous dimension `η = −∂_t ln Z_k`.
    case lpaPrime = "lpa-prime"
    /// Full second order: a field-dependent `Z_k(φ)` alongside `U_k(φ)`.
    case derivative2
}

/// Where the potential (and `Z_k(φ)`) is Taylor expanded.
public enum ExpansionPoint: String, Sendable, CaseIterable, Codable {
    /// About `φ = 0`: couplings `ū2, ū4, …, ū2n` of `U = Σ ū_{2m} φ^{2m}/(2m)!`.
    case zero
    /// About the running minimum `ρ = φ²/2 = κ`: couplings `κ, λ2, …, λn` of
    /// `U = Σ_{j≥2} λ_j/j! (ρ − κ)^j` with `U'(κ) = 0`.
    case minimum
}

/// The regulator shape, by name.
public enum RegulatorKind: String, Sendable, CaseIterable, Codable {
    case litim
    case exponential

    /// The regulator value behind the `Regulator` protocol.
    public var regulator: any Regulator { regulator(prefactor: 1) }

    /// The regulator with `R_k = α Z_k k² r(y)`; only the exponential shape takes `α ≠ 1`
    /// (`TruncationSpec.validate()` refuses the others).
    public func regulator(prefactor alpha: Double) -> any Regulator {
        switch self {
        case .litim: return LitimRegulator()
        case .exponential: return ExponentialRegulator(prefactor: alpha)
        }
    }
}

/// Everything that fixes a set of beta functions.
public struct TruncationSpec: Hashable, Sendable, Codable {
    public var scheme: FlowEquation
    public var truncation: TruncationKind
    public var expansion: ExpansionPoint
    /// Data-space dimension `d > 0` (real).
    public var dimension: Double
    /// The order `2n` of the field expansion: the highest power of `φ` kept in `U`.
    public var order: Int
    public var regulator: RegulatorKind
    /// `α` in `R_k = α Z_k k² r(y)`, 1 by default: the parameter of the principle-of-minimal-
    /// sensitivity scan (`frg fixed-points --pms-scan`). Exponential regulator only.
    public var regulatorPrefactor: Double = 1

    /// The regulator with its prefactor.
    public var regulatorValue: any Regulator { regulator.regulator(prefactor: regulatorPrefactor) }

    /// Largest supported `2n`. The exact derivation (what `frg beta` prints, and what truncations
    /// beyond the LPA evaluate) grows about as n^10 (release build, d = 3, Litim, about φ = 0:
    /// φ⁴⁰ 0.1 s, φ⁶⁴ 7 s and 150 MB, φ⁸⁰ 30 s and 0.7 GB; about the minimum φ⁶⁰ already takes
    /// 65 s and 2.6 GB); the symbolic layer packs at most 64 variables per monomial. LPA numbers
    /// come from `PotentialSeriesEvaluator` and cost milliseconds at φ⁶⁴.
    public static let maximumOrder = 64

    /// Largest dimension `d` accepted: the largest input dimension of the networks frg samples.
    /// Far beyond it `K_d = 1/(2^{d−1} π^{d/2} Γ(d/2))` underflows (d ≈ 300) and then becomes
    /// inf/inf (d ≳ 10¹⁵⁴).
    public static let maximumDimension: Double = 64

    /// Why orders stop at `maximumOrder`, for messages.
    public static let maximumOrderReason = "the exact derivation frg beta prints grows about as n^10 (φ⁸⁰ takes 30 s and 0.7 GB about φ = 0, far more about the minimum)"
    /// Largest regulator prefactor `α` accepted: far beyond the PMS region (α ≈ 1–3), where the
    /// thresholds are dominated by `α r(y)` and the flow by the regulator alone.
    public static let maximumRegulatorPrefactor: Double = 100

    /// Largest supported `2n` for `derivative2` (`2n − 1` couplings plus about `n` moment symbols).
    public static let maximumDerivative2Order = 36

    public init(scheme: FlowEquation = .wetterich, truncation: TruncationKind = .lpa,
                expansion: ExpansionPoint = .zero, dimension: Double, order: Int,
                regulator: RegulatorKind = .litim) {
        self.scheme = scheme
        self.truncation = truncation
        self.expansion = expansion
        self.dimension = dimension
        self.order = order
        self.regulator = regulator
    }

    /// One line naming the truncation, as in output headers and figure titles:
    /// `wetterich lpa, expansion about φ = 0, order φ^6, d = 3, litim regulator`.
    public var outline: String {
        "\(scheme.rawValue) \(truncation.rawValue), expansion about \(expansion == .zero ? "φ = 0" : "the running minimum"), order φ^\(order), d = \(formatNumber(dimension)), \(regulator.rawValue) regulator\(regulatorPrefactor == 1 ? "" : " (α = \(formatNumber(regulatorPrefactor)))")"
    }

    /// `n`, the number of potential couplings.
    public var potentialCouplingCount: Int { order / 2 }

    /// Throws `TruncationError` when the combination is impossible or not implemented, saying why.
    public func validate() throws {
        guard dimension.isFinite, dimension > 0, dimension <= TruncationSpec.maximumDimension else {
            throw TruncationError.invalidDimension(dimension)
        }
        guard order >= 2, order % 2 == 0, order <= TruncationSpec.maximumOrder else {
            throw TruncationError.invalidOrder(order)
        }
        guard regulatorPrefactor.isFinite, regulatorPrefactor > 0, regulatorPrefactor <= TruncationSpec.maximumRegulatorPrefactor else {
            throw TruncationError.incompatible(
                "the regulator prefactor α must be a number with 0 < α ≤ \(formatPlain(TruncationSpec.maximumRegulatorPrefactor)), got \(regulatorPrefactor)")
        }
        if regulatorPrefactor != 1 && (scheme == .polchinski || regulator != .exponential) {
            throw TruncationError.incompatible(scheme == .polchinski
                ? "the normalized Polchinski equation has the regulator absorbed into v and φ; a prefactor α does not apply"
                : "a prefactor α ≠ 1 needs the exponential regulator: Litim's closed forms hold for α = 1 only (for α ≠ 1 the regularized propagator inside the shell q² < k², α k² + (1 − α) q², depends on q²)")
        }
        if expansion == .minimum && order < 4 {
            throw TruncationError.incompatible(
                "the expansion about the minimum needs order ≥ 4 (κ and λ2 at least)")
        }
        switch (scheme, truncation) {
        case (.polchinski, .lpa):
            if regulator != .litim {
                throw TruncationError.incompatible(
                    "the normalized Polchinski LPA has the regulator absorbed into v and φ; --regulator does not apply (leave it at litim)")
            }
        case (.polchinski, .lpaPrime):
            if regulator == .litim {
                throw TruncationError.incompatible(
                    "Polchinski lpa-prime with Litim's cutoff c = (1 − y) θ(1 − y) is the LPA: η = σ v″(φ0)² and σ = 2c″(0)/c′(0)² = 0, so η ≡ 0 (use the exponential regulator, or derivative2)")
            }
        case (.polchinski, .derivative2):
            try validateDerivative2Order()
        case (.wetterich, .lpa):
            break
        case (.wetterich, .lpaPrime), (.wetterich, .derivative2):
            if expansion == .zero && truncation == .lpaPrime {
                throw TruncationError.incompatible(
                    "lpa-prime normalizes its field-independent Z_k by the p² coefficient of Γ_k^(2) at the expansion point; at φ = 0 the Z2-symmetric three-point vertex vanishes and η ≡ 0 there, so use --expansion minimum (derivative2 about φ = 0 has η from Z′(0))")
            }
            if truncation == .derivative2 { try validateDerivative2Order() }
        }
    }

    private func validateDerivative2Order() throws {
        if order < 4 {
            throw TruncationError.incompatible(
                "derivative2 needs order ≥ 4: the lowest field dependence of Z is z1 φ²/2, which enters with the φ⁴ terms of U")
        }
        if order > TruncationSpec.maximumDerivative2Order {
            throw TruncationError.unsupported(
                "derivative2 is implemented up to order 2n = \(TruncationSpec.maximumDerivative2Order) (couplings of U and Z and the moment symbols share the symbolic layer's 64 slots)")
        }
    }
}

/// Why a truncation could not be derived or evaluated.
///
/// Every case is the user's to fix (`ErrorCategory.invalidInput`, exit status 2): a spec that is
/// impossible or not implemented, coupling values that do not fit the truncation, a point on the
/// threshold pole, or a potential without the minimum an expansion needs.
public enum TruncationError: UserFacingError, Equatable {
    case invalidDimension(Double)
    case invalidOrder(Int)
    case incompatible(String)
    case unsupported(String)
    case wrongCouplingCount(expected: Int, got: Int)
    case unknownCoupling(String, known: [String])
    case noMinimum(String)
    case notFinite(String)

    public var description: String {
        switch self {
        case .invalidDimension(let d):
            return "dimension d = \(d) is invalid: d must be a real number with 0 < d ≤ \(formatPlain(TruncationSpec.maximumDimension)) (the largest input dimension of the sampled networks)"
        case .invalidOrder(let o):
            return "order 2n = \(o) is invalid: it must be even, ≥ 2 and ≤ \(TruncationSpec.maximumOrder) (\(TruncationSpec.maximumOrderReason))"
        case .incompatible(let why):
            return "impossible combination: \(why)"
        case .unsupported(let why):
            return "not supported: \(why)"
        case .wrongCouplingCount(let e, let g):
            return "expected \(e) coupling values, got \(g)"
        case .unknownCoupling(let name, let known):
            return "unknown coupling '\(name)'; this truncation has \(known.joined(separator: ", "))"
        case .noMinimum(let why):
            return "no running minimum: \(why)"
        case .notFinite(let why):
            return "the beta functions are not finite at this point: \(why)"
        }
    }

    public var category: ErrorCategory { .invalidInput }
}
