import Foundation

/// A mass dimension that depends linearly on the (real) dimension `d`: `constant + slope · d`,
/// with exact rational coefficients.
public struct AffineDimension: Sendable, Hashable, CustomStringConvertible {
    public var constant: Rational
    public var slope: Rational

    public init(constant: Rational, slope: Rational) {
        self.constant = constant
        self.slope = slope
    }

    /// `constant + slope · d` in floating point.
    public func value(at d: Double) -> Double {
        constant.doubleValue + slope.doubleValue * d
    }

    /// `a + b d`, e.g. `4 - 1 d`.
    public var description: String { "\(constant) + \(slope) d" }
}

/// What one coupling of a truncation is, so that no one has to read it back out of its name.
///
/// Conventions (PHYSICS.md §1): `t = ln(k/Λ)`; a coupling `ū` is dimensionless, its dimensionful
/// counterpart is `u = k^{D} ū` with `D = canonicalDimension` (engineering dimension; with an
/// anomalous dimension the field's scaling adds `η`, which is not part of `D`). `ρ = φ²/2`.
///
/// The identifiers (`name`) are made here and only here: `u2, u4, …` (Wetterich, about `φ = 0`),
/// `v2, v4, …` (Polchinski, about `φ = 0`), `kappa`, `lambda2, lambda3, …` (about the running
/// minimum) and `z1, z2, …` (the field-dependent wave-function renormalization of derivative2).
public struct CouplingDescriptor: Sendable, Hashable {
    /// The place of a coupling in the effective action.
    public enum Role: Sendable, Hashable {
        /// `ū_{2m}` (Polchinski: `v̄_{2m}`), the coefficient of `φ^{2m}/(2m)!` in the potential
        /// expanded about `φ = 0`: `U = Σ_m ū_{2m} φ^{2m}/(2m)!`; `order` is the power `2m` (even, ≥ 2).
        case potential(order: Int)
        /// `κ̄ = ρ̄₀`, the position of the running minimum of the potential in `ρ = φ²/2`
        /// (`U'(κ) = 0` at every scale).
        case minimumLocation
        /// `λ̄_j = ∂^j u/∂ρ̄^j` at the running minimum, `j ≥ 2`:
        /// `U = Σ_{j≥2} λ_j (ρ − κ)^j/j!` (the constant term dropped, `λ_1 = 0` by definition of `κ`).
        case potentialAtMinimum(derivative: Int)
        /// `z̄_j = ∂^j z/∂ρ̄^j` at the expansion point, `j ≥ 1`, of the wave-function renormalization
        /// `Z_k(φ) = Z_k z(ρ̄)` (derivative2). About the running minimum it is normalized by
        /// `z(κ̄) = 1`, `z = 1 + Σ_{j≥1} z_j (ρ̄ − κ̄)^j/j!`; about `φ = 0` by `z(0) = 1`,
        /// `z = 1 + Σ_{j≥1} z_j ρ̄^j/j!`.
        case wavefunction(derivative: Int)
    }

    /// Identifier used in configuration files, `--at`, JSON keys and table headers.
    public let name: String
    /// The dimensionless symbol in plain text: `ū2`, `v̄4`, `κ̄`, `λ̄3`, `z̄1`.
    public let symbol: String
    /// The dimensionless symbol in LaTeX: `\bar{u}_{2}`, `\bar{\kappa}`.
    public let latexSymbol: String
    /// The dimensionful symbol in plain text: `u2`, `v4`, `κ`, `λ3`, `z1`.
    public let dimensionfulSymbol: String
    public let role: Role
    /// Mass dimension `D` of the dimensionful coupling, `u = k^D ū`: `2m − (m−1)d` for `u_{2m}`,
    /// `d − 2` for `κ`, `2j − (j−1)d` for `λ_j`, `2j − j d` for `z_j`.
    public let canonicalDimension: AffineDimension
    /// The typical size of the dimensionless coupling is `K_d^p` with this `p`
    /// (`K_d = π^{d/2}/(Γ(d/2+1)(2π)^d)`). Rescaling `φ = √K_d ψ`, `u = K_d w` removes `K_d` from
    /// the Wetterich flow, so `ū_{2m} ~ K_d^{1−m}`, `κ̄ ~ K_d`, `λ̄_j ~ K_d^{1−j}` and, with
    /// `ρ̄ ~ K_d`, `z̄_j ~ K_d^{−j}`. The normalized Polchinski equation has no `K_d`: `p = 0`.
    public let naturalScaleExponent: Int

    /// `D` at dimension `d` (see `canonicalDimension`).
    public func canonicalDimension(at d: Double) -> Double { canonicalDimension.value(at: d) }

    /// `K_d^p`, the natural magnitude of the coupling, given `K_d`.
    public func naturalScale(ballVolumeFactor kd: Double) -> Double {
        pow(kd, Double(naturalScaleExponent))
    }

    // MARK: The couplings of each role

    /// `ū_{2m}` of the potential about `φ = 0`; `order` = `2m`. Wetterich: `u`, Polchinski: `v`.
    public static func potential(order: Int, scheme: FlowEquation) -> CouplingDescriptor {
        precondition(order >= 2 && order % 2 == 0, "a potential coupling has an even order ≥ 2")
        let m = order / 2
        let letter = scheme == .polchinski ? "v" : "u"
        return CouplingDescriptor(
            name: "\(letter)\(order)", symbol: "\(letter)\(bar)\(order)", latexSymbol: "\\bar{\(letter)}_{\(order)}",
            dimensionfulSymbol: "\(letter)\(order)", role: .potential(order: order),
            canonicalDimension: AffineDimension(constant: Rational(order), slope: Rational(1 - m)),
            naturalScaleExponent: scheme == .polchinski ? 0 : 1 - m)
    }

    /// `κ̄`, the running minimum in `ρ = φ²/2`.
    public static func minimumLocation(scheme: FlowEquation) -> CouplingDescriptor {
        CouplingDescriptor(
            name: "kappa", symbol: "κ\(bar)", latexSymbol: "\\bar{\\kappa}", dimensionfulSymbol: "κ",
            role: .minimumLocation,
            // κ = ρ0 = φ0²/2 has the dimension of φ², d − 2.
            canonicalDimension: AffineDimension(constant: Rational(-2), slope: Rational(1)),
            naturalScaleExponent: scheme == .polchinski ? 0 : 1)
    }

    /// `λ̄_j = ∂^j u/∂ρ̄^j` at the minimum, `j ≥ 2`.
    public static func potentialAtMinimum(derivative j: Int, scheme: FlowEquation) -> CouplingDescriptor {
        precondition(j >= 2, "λ_j exists for j ≥ 2 (λ_1 = 0 at the minimum)")
        return CouplingDescriptor(
            name: "lambda\(j)", symbol: "λ\(bar)\(j)", latexSymbol: "\\bar{\\lambda}_{\(j)}", dimensionfulSymbol: "λ\(j)",
            role: .potentialAtMinimum(derivative: j),
            // U has dimension d, ρ has d − 2: d − j(d − 2) = 2j − (j − 1)d.
            canonicalDimension: AffineDimension(constant: Rational(2 * j), slope: Rational(1 - j)),
            naturalScaleExponent: scheme == .polchinski ? 0 : 1 - j)
    }

    /// `z̄_j = ∂^j z/∂ρ̄^j` at the expansion point, `j ≥ 1` (derivative2).
    public static func wavefunction(derivative j: Int, scheme: FlowEquation = .wetterich) -> CouplingDescriptor {
        precondition(j >= 1, "z_j exists for j ≥ 1 (z(κ̄) = 1 is the normalization)")
        return CouplingDescriptor(
            name: "z\(j)", symbol: "z\(bar)\(j)", latexSymbol: "\\bar{z}_{\(j)}", dimensionfulSymbol: "z\(j)",
            role: .wavefunction(derivative: j),
            // Z is dimensionless and ρ has d − 2: −j(d − 2) = 2j − j d.
            canonicalDimension: AffineDimension(constant: Rational(2 * j), slope: Rational(-j)),
            naturalScaleExponent: scheme == .polchinski ? 0 : -j)
    }

    /// Combining macron (U+0304): the bar of the dimensionless symbols.
    private static let bar = "\u{0304}"
}

extension Array where Element == CouplingDescriptor {
    /// The position of the coupling with `role`, if the truncation has one.
    public func firstIndex(of role: CouplingDescriptor.Role) -> Int? {
        firstIndex { $0.role == role }
    }

    /// The identifiers, in order.
    public var names: [String] { map(\.name) }
}
