/// Projection of the Polchinski equation with anomalous dimension at second order of the
/// derivative expansion (derivative2) and its field-independent special case (LPA′), about `φ = 0`
/// or about the running minimum.
///
/// **The equation.** The Wilsonian action `S = ½ φ·C⁻¹·φ + S_int` with the UV-regularized propagator
/// `C(p) = c(p²/k²)/p²` (`c(0) = 1`, `c` decreasing) obeys Polchinski's equation; written for the
/// full action `S`, with the field rescaled by `Z_k^{1/2}` (`η = −∂_t ln Z_k`, `t = ln(k/Λ)`) and
/// `Ċ = ∂_t C = −2 c′(p²/k²)/k²`:
///
///     ∂_t S = ½ δS/δφ·Ċ·δS/δφ − ½ Tr Ċ δ²S/δφδφ − φ·Ċ C⁻¹·δS/δφ + (η/2) φ·δS/δφ
///
/// (the first two terms are Polchinski's `∂_t S_int = ½ Ċ[(δS_int)² − δ²S_int]` rewritten for `S`; the
/// last is the field rescaling, which leaves the cutoff function untouched: Ball, Haagensen,
/// Latorre, Moreno, Phys. Lett. B 347 (1995) 80 [hep-th/9411122]; Bervillier, Phys. Lett. A 332
/// (2004) 93 [hep-th/0405025]). Every kernel is regular at `p = 0`: `Ċ(p) = c₀ + c₁ p² + …` with
/// `c₀ = −2c′(0)/k²`, `c₁ = −2c″(0)/k⁴`, and `Ċ C⁻¹ = c₀ p² + O(p⁴)`.
///
/// **The ansatz** `S = ∫ [V(φ) + ½ K(φ)(∂φ)²]` (K the full kinetic coefficient, the `p⁴` part of
/// `½ φ p²/c φ` dropped). Up to two derivatives (traces `Tr[Ċ(p̂) f(x̂)] = ∫ f ∫_p Ċ`, `I₀ = ∫_p Ċ`,
/// `I₁ = ∫_p p² Ċ`):
///
///     ∂_t V = ½ c₀ V′² − ½ I₀ V″ − ½ I₁ K + (η/2) φ V′
///     ∂_t K = c₀ [2V″(K − 1) + V′K′] + c₁ V″² − ½ I₀ K″ + η K + (η/2) φ K′
///
/// (the `K − 1` is `2c₀V″K` of the `(δS)²` term minus `2c₀V″` of the `φ·ĊC⁻¹·δS` term). Check: for
/// a quadratic `S = ½ φ·G·φ` the equation is closed, `∂_t G = Ċ G² − 2 Ċ C⁻¹ G + η G`, whose `p⁰` and
/// `p²` parts at `G = m + K p² + O(p⁴)` are `c₀ m² + η m` and `c₁ m² + 2c₀ m (K − 1) + η K`, as above. In
/// dimensionless variables, with `φ` and `V` rescaled by the same constants that normalize the LPA
/// (`φ² → (J₀/2) φ²`, `V → J₀/(2|c′(0)|) V`, `J₀ = k^{2−d} I₀`), and `z(φ) = K`:
///
///     ∂_t v = −d v + (d−2+η)/2 φ v′ − v″ + v′² − γ (z − 1)
///     ∂_t z = η z + (d−2+η)/2 φ z′ − z″ + 2 v′ z′ + 4 v″ (z − 1) − σ v″²
///
/// with the two constants of the cutoff that no rescaling removes,
/// `γ = |c′(0)| ∫_0^∞ y^{d/2} c′ dy / ∫_0^∞ y^{d/2−1} c′ dy` and `σ = 2 c″(0)/c′(0)²`
/// (the field-independent part `−γ` of `−γ z` is dropped: the potential has no constant term).
/// At `z ≡ 1`, `η = 0` the first line is the normalized LPA of PHYSICS.md §1. The cutoffs are the
/// UV counterparts `c = R/(p² + R)` of the Wetterich regulators (`C = 1/p² − 1/(p² + R)`):
/// Litim → `c = (1 − y) θ(1 − y)`: `γ = d/(d+2)` (the moment `μ₁`), `σ = 0`;
/// exponential → `c = e^{−y}`: `γ = d/2`, `σ = 2`.
///
/// **Mapping to the sources.** Ball et al. and Bervillier write the same two equations with the
/// cutoff constants kept (their `K′(0)`, `K″(0)` are our `c′(0)`, `c″(0)`) and RG time toward the
/// infrared (`−t` here); only the structure could be checked against them here (the flow of `V`
/// fed by `K` through `∫ p² Ċ`, `∂_t K ∋ η K`, the source `c″(0) V″²`), not their equations term by
/// term. `scripts/polchinski-derivative2-sympy.py` derives the system independently from the two
/// lines above in `φ` (about the minimum: rewritten in `ρ`, couplings moved with `κ̄`) and records
/// its output.
///
/// **Normalization.** `z = 1` at the expansion point for all `t` (`K(0) = 1`, or `K(φ₀) = 1` at the
/// running minimum) fixes `η`. About `φ = 0`: `∂_t z(0) = η − z″(0) − σ v″(0)² = 0`, so
/// `η = z̄1 + σ v̄2²` (`z″(0) = z̄1` in `ρ`). σ is the only source of `z − 1`: for Litim's cutoff
/// (`σ = 0`) `z ≡ 1, η = 0` solves the `z` equation and the fixed points are the LPA's.
/// LPA′ (`z ≡ 1`, field independent) keeps only `η = σ v″(φ₀)²`: zero for Litim.
///
/// The projection in `ρ = φ²/2` (`φ v′ = 2ρ u′`, `v″ = w = u′ + 2ρ u″`, `v′² = 2ρ u′²`,
/// `v′z′ = 2ρ u′ z′`, `z″ = z′ + 2ρ z″`, primes on the right `d/dρ`) and the couplings are those of
/// `deriveDerivative2` (`Derivation.project`).
extension Derivation {
    static func derivePolchinskiBeyondLPA(_ key: DerivationKey) throws -> DerivedSystem {
        guard let cutoff = key.polchinskiCutoff else {
            preconditionFailure("derivePolchinskiBeyondLPA needs the cutoff shape")
        }
        let n = key.potentialCouplingCount
        let aboutZero = key.expansion == .zero
        let nz = key.truncation == .derivative2 ? n - 1 : 0
        let count = n + nz
        let etaIndex = count
        let dIndex = count + 1
        // γ = μ₁ = d/(d+2) for Litim's cutoff: the moment symbol at yIndex + 1 (as in deriveDerivative2).
        let yIndex = count + 2

        let couplings = potentialCouplings(key)
            + (0..<nz).map { CouplingDescriptor.wavefunction(derivative: $0 + 1, scheme: .polchinski) }
        let kappa = aboutZero ? SymbolicExpression.zero : SymbolicExpression(variable: 0)
        let d = SymbolicExpression(variable: dIndex)
        let eta = SymbolicExpression(variable: etaIndex)
        let gamma: SymbolicExpression
        let sigma: Rational
        var maximumMoment = 0
        switch cutoff {
        case .litim:
            gamma = SymbolicExpression(variable: yIndex + 1)
            sigma = .zero
            maximumMoment = 1
        case .exponential:
            gamma = Rational(1, 2) * d
            sigma = Rational(2)
        }

        let (u, zMinusOne) = derivative2Ansatz(key, wavefunctionCount: nz)
        var z = zMinusOne
        z[0] = SymbolicExpression(constant: .one)
        let up = u.derivative, upp = up.derivative
        let zp = zMinusOne.derivative, zpp = zp.derivative
        func rhoTimes(_ s: FieldSeries) -> FieldSeries { (kappa * s) + s.timesX }   // ρ = κ + x

        let w = up + Rational(2) * rhoTimes(upp)                        // v″
        let fieldDimension = d - SymbolicExpression(constant: Rational(2)) + eta
        var flowU = (Rational(-1) * (d * u)) + (fieldDimension * rhoTimes(up))
        flowU = flowU - w + (Rational(2) * rhoTimes(up * up)) - (gamma * zMinusOne)
        var flowZ = (eta * z) + (fieldDimension * rhoTimes(zp))
        flowZ = flowZ - (zp + Rational(2) * rhoTimes(zpp))
        flowZ = flowZ + (Rational(4) * rhoTimes(up * zp)) + (Rational(4) * (w * zMinusOne))
        if sigma != .zero { flowZ = flowZ - (sigma * (w * w)) }

        var system = try project(key: key, couplings: couplings, flowU: flowU, flowZ: flowZ, zCount: nz,
                                 etaIndex: etaIndex, argument: w[0], yIndex: yIndex, maximumMoment: maximumMoment)
        // No threshold functions: the Polchinski flow is polynomial in the couplings.
        system.thresholdArgument = nil
        return system
    }
}
