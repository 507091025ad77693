/// The symbolic result of projecting a flow equation onto the couplings of a truncation.
///
/// Variables: the `n` couplings at indices `0..<n`, then `η` at `n` and `d` at `n + 1`. Nothing
/// here depends on the value of `d` or on the regulator (see `DerivationKey`), except the cutoff
/// constants of Polchinski beyond the LPA.
struct DerivedSystem: Sendable {
    var key: DerivationKey
    /// What each coupling (variable `i < n`) is.
    var couplings: [CouplingDescriptor]
    /// `∂_t ū_i`, with `η` still a symbol when `eta != nil`.
    var betas: [SymbolicExpression]
    /// The anomalous dimension as a function of the couplings (LPA′), else nil. With
    /// `etaDenominator` it is the numerator of `η = eta / etaDenominator` (derivative2).
    var eta: SymbolicExpression?
    /// The mass-like argument `w` of every threshold function (nil for Polchinski: no thresholds).
    var thresholdArgument: SymbolicExpression?
    /// Denominator of `η` when the normalization condition makes it a ratio (derivative2), else nil (1).
    var etaDenominator: SymbolicExpression? = nil
    /// The Litim moment symbols `μ_m = d/(d+2m)` the expressions use (derivative2), by variable index.
    var moments: [ConstantSymbols.Moment] = []

    var constants: ConstantSymbols { ConstantSymbols(dimensionIndex: dimensionIndex, moments: moments) }

    var couplingNames: [String] { couplings.names }
    /// Readable symbols for output: plain text and LaTeX.
    var textSymbols: [String] { couplings.map(\.symbol) }
    var latexSymbols: [String] { couplings.map(\.latexSymbol) }

    var couplingCount: Int { couplings.count }
    var etaIndex: Int { couplingCount }
    var dimensionIndex: Int { couplingCount + 1 }
    var variableCount: Int { couplingCount + 2 }
}

/// Derivation of beta functions from the functional flow equations by field-series projection.
///
/// Wetterich LPA (PHYSICS.md §1): in dimensionless variables
/// `∂_t u = −d u + (d−2+η)/2 φ u' + ℓ(u'')`, with `ℓ(W) = A_1(W) − η A^η_1(W)` (`A` the threshold
/// functions of `ThresholdFamily`; Litim: `ℓ = K_d (1 − η/(d+2))/(1+W)`). `ℓ(w + δ)` is expanded about
/// the value `w` of `u''` at the expansion point: `ℓ(w+δ) = Σ_k (−1)^k A_{k+1}(w) δ^k`, and the
/// coefficients of the field series give the beta functions.
///
/// Polchinski LPA: `∂_t v = −d v + (d−2)/2 φ v' − v'' + v'²` (no threshold functions).
/// Polchinski LPA′ and derivative2: `derivePolchinskiBeyondLPA`.
///
/// About `φ = 0` the series variable is `s = φ²`: `φ u' = 2 s u_s`, `u'' = 2 u_s + 4 s u_ss`, and
/// `β_{2m} = (2m)! [s^m] F`. About the minimum it is `x = ρ − κ` with `ρ = φ²/2`:
/// `U_φφ = u' + 2ρ u''`, `U_φ² = 2ρ u'²`, `φ ∂_φ = 2ρ ∂_ρ`; with `F(x) = ∂_t u` at fixed `ρ`,
/// the condition `u'(κ) = 0` at all `t` gives `∂_t κ = −F'(0)/λ2` and
/// `∂_t λ_j = F^{(j)}(0) + λ_{j+1} ∂_t κ` (`λ_{n+1} = 0`).
///
/// LPA′ (Wetterich, about the minimum): `Z_k` is field independent and normalized by the `p²`
/// coefficient of `Γ_k^{(2)}(p)` at the running minimum `φ0 = √(2κ)`; `η = −∂_t ln Z_k` there.
/// Projecting `∂_t Γ^{(2)}(p) ⊃ −½ U'''² ∂̃_t ∫_q G(q) G(q+p)` on `p²` (angular average, then
/// integration by parts in `q²`) gives `∂_t Z_k = (U'''²/d)(d K_d/2) ∂̃_t ∫ dx x^{d/2} (∂_x G)²`; for
/// the Litim regulator `∂_x G` vanishes for `q² < k²` and the `−η R_k` part does not contribute, so
/// `η = K_d ū'''²/(1+w)^4 = A^{anomalous}_4(w) · 2κ(3λ2 + 2κλ3)²`, with `ū''' = ∂³u/∂φ̄³` at `φ̄0`.
enum Derivation {
    /// The symbolic system of `key`. Callers validate the full `TruncationSpec` first: the key
    /// alone cannot say whether a regulator fits.
    static func derive(_ key: DerivationKey) throws -> DerivedSystem {
        DerivationCounter.shared.record(key)
        if key.polchinskiCutoff != nil { return try derivePolchinskiBeyondLPA(key) }
        if key.momentThresholds { return try deriveWithMomentThresholds(key) }
        if key.truncation == .derivative2 { return try deriveDerivative2(key) }
        switch key.expansion {
        case .zero: return deriveAboutZero(key)
        case .minimum: return deriveAboutMinimum(key)
        }
    }

    /// The potential couplings of an LPA or LPA′ projection, in state-vector order: `ū2, …, ū2n`
    /// about zero, `κ, λ2, …, λn` about the minimum (`n = order/2`).
    static func potentialCouplings(_ key: DerivationKey) -> [CouplingDescriptor] {
        let n = key.potentialCouplingCount
        switch key.expansion {
        case .zero:
            return (1...n).map { CouplingDescriptor.potential(order: 2 * $0, scheme: key.scheme) }
        case .minimum:
            return [CouplingDescriptor.minimumLocation(scheme: key.scheme)]
                + (2...n).map { CouplingDescriptor.potentialAtMinimum(derivative: $0, scheme: key.scheme) }
        }
    }

    // MARK: - Expansion about φ = 0

    private static func deriveAboutZero(_ key: DerivationKey) -> DerivedSystem {
        let n = key.potentialCouplingCount
        let etaIndex = n
        let dIndex = n + 1
        let polchinski = key.scheme == .polchinski
        let couplings = potentialCouplings(key)

        // u(s) = Σ ū_{2m} s^m/(2m)!
        var u = FieldSeries(degree: n)
        for m in 1...n {
            u[m] = Rational.factorial(2 * m).reciprocal * SymbolicExpression(variable: m - 1)
        }
        let us = u.derivative
        let uss = us.derivative
        let phiUPrime = Rational(2) * us.timesX                      // φ u' = 2 s u_s
        let uPP = Rational(2) * us + Rational(4) * uss.timesX         // u'' = 2 u_s + 4 s u_ss
        let d = SymbolicExpression(variable: dIndex)
        // η is a symbol only in the truncations that have one; in the LPA it is identically zero.
        let eta = key.truncation == .lpa ? SymbolicExpression.zero : SymbolicExpression(variable: etaIndex)
        let half = Rational(1, 2)

        var flow: FieldSeries
        var argument: SymbolicExpression? = nil
        if polchinski {
            let uPrimeSquared = Rational(4) * (us * us).timesX        // v'² = 4 s v_s²
            flow = (Rational(-1) * (d * u)) + (half * ((d - SymbolicExpression(constant: Rational(2))) * phiUPrime))
                - uPP + uPrimeSquared
        } else {
            let w = uPP[0]
            argument = w
            var delta = uPP
            delta[0] = .zero
            let loop = thresholdExpansion(key, delta: delta, eta: eta)
            let fieldDimension = half * (d - SymbolicExpression(constant: Rational(2)) + eta)
            flow = (Rational(-1) * (d * u)) + (fieldDimension * phiUPrime) + loop
        }
        let betas = (1...n).map { m in Rational.factorial(2 * m) * flow[m] }
        return DerivedSystem(key: key, couplings: couplings, betas: betas, eta: nil, thresholdArgument: argument)
    }

    /// `ℓ(w + δ) = Σ_k (−1)^k [A_{k+1}(w) − η A^η_{k+1}(w)] δ^k` as a field series (computed by the
    /// reciprocal recurrence of `FieldSeries.thresholdExpansion`).
    private static func thresholdExpansion(_ key: DerivationKey, delta: FieldSeries,
                                           eta: SymbolicExpression) -> FieldSeries {
        let loop = FieldSeries.thresholdExpansion(family: .loop, delta: delta)
        guard key.truncation != .lpa else { return loop }
        let etaPart = FieldSeries(loop.coefficients.map { eta * $0.relabelingThresholds(as: .etaInsertion) })
        return loop - etaPart
    }

    // MARK: - Expansion about the running minimum

    private static func deriveAboutMinimum(_ key: DerivationKey) -> DerivedSystem {
        let n = key.potentialCouplingCount
        let etaIndex = n
        let dIndex = n + 1
        let polchinski = key.scheme == .polchinski
        let couplings = potentialCouplings(key)
        func lambda(_ j: Int) -> SymbolicExpression {
            j <= n ? SymbolicExpression(variable: j - 1) : .zero
        }
        let kappa = SymbolicExpression(variable: 0)

        // u(x) = Σ_{j≥2} λ_j x^j/j!, x = ρ − κ.
        var u = FieldSeries(degree: n)
        for j in 2...n { u[j] = Rational.factorial(j).reciprocal * lambda(j) }
        let up = u.derivative
        let upp = up.derivative
        let rhoUp = (kappa * up) + up.timesX                          // ρ u'
        let rhoUpp = (kappa * upp) + upp.timesX                       // ρ u''
        let d = SymbolicExpression(variable: dIndex)
        // η is a symbol only in the truncations that have one; in the LPA it is identically zero.
        let eta = key.truncation == .lpa ? SymbolicExpression.zero : SymbolicExpression(variable: etaIndex)
        let two = SymbolicExpression(constant: Rational(2))

        var flow: FieldSeries
        var argument: SymbolicExpression? = nil
        var etaExpression: SymbolicExpression? = nil
        let uPhiPhi = up + Rational(2) * rhoUpp                       // U_φφ = u' + 2ρ u''
        if polchinski {
            let uPhiSquared = Rational(2) * (rhoUp * up)              // U_φ² = 2ρ u'²
            flow = (Rational(-1) * (d * u)) + ((d - two) * rhoUp) - uPhiPhi + uPhiSquared
        } else {
            let w = uPhiPhi[0]
            argument = w
            var delta = uPhiPhi
            delta[0] = .zero
            let loop = thresholdExpansion(key, delta: delta, eta: eta)
            flow = (Rational(-1) * (d * u)) + ((d - two + eta) * rhoUp) + loop
            if key.truncation == .lpaPrime {
                // U_φφφ² = 2ρ (3u'' + 2ρ u''')² at ρ = κ.
                let vertex = Rational(3) * lambda(2) + Rational(2) * (kappa * lambda(3))
                let vertexSquared = Rational(2) * (kappa * (vertex * vertex))
                etaExpression = vertexSquared * SymbolicExpression(atom: ThresholdAtom(.anomalous, power: 4))
            }
        }
        func derivativeAtMinimum(_ j: Int) -> SymbolicExpression { Rational.factorial(j) * flow[j] }
        let betaKappa = Rational(-1) * derivativeAtMinimum(1).multiplied(byVariable: 1, power: -1)  // 1/λ2 (λ2 is variable 1)
        var betas = [betaKappa]
        for j in 2...n {
            var b = derivativeAtMinimum(j)
            if j < n { b += lambda(j + 1) * betaKappa }
            betas.append(b)
        }
        return DerivedSystem(key: key, couplings: couplings, betas: betas, eta: etaExpression,
                             thresholdArgument: argument)
    }
}
