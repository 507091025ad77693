/// Projection of the Wetterich equation at second order of the derivative expansion with a
/// field-dependent wave-function renormalization, `Γ_k = ∫ d^d x [½ Z_k(φ) (∂φ)² + U_k(φ)]`, one
/// real scalar, Litim regulator `R_k(q) = Z_k (k² − q²) θ(k² − q²)`, expanded about the running
/// minimum or about `φ = 0`.
///
/// Conventions (PHYSICS.md §1). `t = ln(k/Λ)`; `ρ = φ²/2`; `Z_k` is the field-independent
/// normalization of the regulator and `Z_k(φ) = Z_k z(ρ̄)`, fixed by `z(κ̄) = 1` at the running
/// minimum `κ̄` for all `t`; `η = −∂_t ln Z_k`. Dimensionless `ρ̄ = Z_k k^{2−d} ρ`, `u(ρ̄) = k^{−d} U`,
/// `y = q²/k²`, `w(ρ̄) = u' + 2ρ̄ u''` (primes: `d/dρ̄`).
///
/// This is the standard O(∂²) ansatz (Tetradis–Wetterich, Nucl. Phys. B 422 (1994) 541;
/// Berges–Tetradis–Wetterich, Phys. Rep. 363 (2002) 223 [hep-ph/0005122]; for one field
/// Canet–Delamotte–Mouhanna–Vidal, Phys. Rev. D 67 (2003) 065004 [hep-th/0211055]). The flows
/// below are derived here from the Wetterich equation for the Litim regulator (the published forms
/// were not available to compare term by term; `Derivative2Tests` checks every step numerically
/// against the unsimplified one-loop expression with a smooth regulator). They follow from
///
///     ∂_t Γ^(2)(p) = ∫_q ∂_t R G(q)² [Γ^(3)(p,q,−p−q)² G(p+q) − ½ Γ^(4)(p,−p,q,−q)],
///     Γ^(3) = U_φφφ + ½ Z_φ (p₁² + p₂² + p₃²),   Γ^(4) = U_φφφφ + ½ Z_φφ Σ p_i²,
///
/// with `G = 1/(Z(φ) q² + R + U_φφ)`, whose `p⁰` part is the flow of `U_φφ` and whose `p²`
/// coefficient (angular average `(p·q)² → p² q²/d`) is the flow of `Z(φ)`. In dimensionless form,
/// with `P(y) = 1 + w + (z − 1) y` the regularized inverse propagator for `y < 1` and
/// `s(y) = 2 − η (1 − y)` the regulator insertion `∂_t R_k/(Z_k k²)`:
///
///     ∂_t u = −d u + (d−2+η) ρ̄ u' + ½ (d K_d/2) ∫_0^1 dy y^{d/2−1} s/P
///     ∂_t z = η z + (d−2+η) ρ̄ z' − 2ρ̄ K_d b(1)²/(z + w)⁴
///             + (d K_d/2) ∫_0^1 dy y^{d/2−1} s [ −2ρ̄ b² (z−1)/P⁴ + (8/d) y ρ̄ b² (z−1)²/P⁵
///                 + 4ρ̄ b z'/P³ − (8/d) y ρ̄ b z' (z−1)/P⁴ + (2/d) y ρ̄ z'²/P³ − ½ (z' + 2ρ̄ z'')/P² ]
///
/// with `b(y) = 3u'' + 2ρ̄ u''' + y z'` (so that `ū_φφφ + y z̄_φ = φ̄ b`). The bulk terms come from the
/// region `q² < k²` (support of `∂_t R_k`), where `∂_q² (Z q² + R) = Z_k (z − 1)`. The boundary term
/// comes from `R_k'' = Z_k δ(q² − k²)` in `∂²_p G(p+q)`, multiplied by `∂_t R_k`, which jumps at
/// `q² = k²`: it is taken as the limit of smooth regulators, `θ δ → ½ δ` (this is what gives the
/// published LPA′ value `m^d_{2,2} = 1/(1+w)⁴` of Litim's regulator; Litim, Phys. Rev. D 64 (2001)
/// 105007). For `z ≡ 1` the `z` flow at the minimum reduces to the LPA′ `η` exactly.
///
/// The `y` integrals are done term by term: expanding `1/P^k` about the minimum in `δ = w − w(κ̄) +
/// (z − 1) y` leaves `K_d (d/2) ∫_0^1 y^{d/2−1+m}/(1+w₀)^k = μ_m A_k(w₀)` with `A_k = K_d/(1+w₀)^k`
/// (the loop threshold atoms) and the moment symbols `μ_m = d/(d+2m)` (`μ_0 = 1`).
///
/// Projection about the minimum: `x = ρ̄ − κ̄`, `u = Σ_{j=2}^{n} λ_j x^j/j!`,
/// `z = 1 + Σ_{j=1}^{n−1} z_j x^j/j!`; with `F(x) = ∂_t u`, `G(x) = ∂_t z` at fixed `ρ̄`:
/// `∂_t κ̄ = −F'(0)/λ2`, `∂_t λ_j = F^{(j)}(0) + λ_{j+1} ∂_t κ̄`, `∂_t z_j = G^{(j)}(0) + z_{j+1} ∂_t κ̄`,
/// and the normalization `d z(κ̄)/dt = G(0) + z_1 ∂_t κ̄ = 0`, linear in `η`, gives `η = N/D`.
///
/// Projection about `φ = 0`: `x = ρ̄`, `u = Σ_{m=1}^{n} ū_{2m} φ̄^{2m}/(2m)! = Σ_m ū_{2m} 2^m x^m/(2m)!`
/// (the couplings of the LPA about zero), `z = 1 + Σ_{j=1}^{n−1} z_j x^j/j!` (so `Z(φ) = 1 + z̄1 φ̄²/2
/// + …`); `∂_t ū_{2m} = (2m)!/2^m F_m`, `∂_t z_j = j! G_j`, and `z(0) = 1` for all `t` gives
/// `G(0) = 0`. At `ρ̄ = 0` only the tadpole survives in `G(0)`: the four-point vertex
/// `½ Z_φφ Σ p_i²` with `Z_φφ(0) = z̄1` gives
/// `G(0) = η − z̄1 K_d (1 − η/(d+2))/(1+ū2)²`, so `η = z̄1 K_d/(1+ū2)² / (1 + z̄1 K_d/((d+2)(1+ū2)²))`:
/// unlike LPA′ (field-independent `Z`, where the three-point vertex vanishes at `φ = 0` and `η ≡ 0`),
/// the anomalous dimension about zero is carried by `Z′(0)`.
extension Derivation {
    static func deriveDerivative2(_ key: DerivationKey) throws -> DerivedSystem {
        let n = key.potentialCouplingCount
        let order = key.order
        let aboutZero = key.expansion == .zero
        let nz = n - 1
        let count = n + nz
        let etaIndex = count
        let dIndex = count + 1
        // `y = q²/k²` is a symbol until the integrals are done; then `μ_m` takes index yIndex + m.
        let yIndex = count + 2

        let couplings = potentialCouplings(key) + (1...nz).map { CouplingDescriptor.wavefunction(derivative: $0) }
        // About φ = 0 the series variable is ρ̄ itself (κ̄ ≡ 0 in ρ̄ = κ̄ + x).
        let kappa = aboutZero ? SymbolicExpression.zero : SymbolicExpression(variable: 0)
        let d = SymbolicExpression(variable: dIndex)
        let dInverse = d.multiplied(byVariable: dIndex, power: -2)
        let eta = SymbolicExpression(variable: etaIndex)
        let y = SymbolicExpression(variable: yIndex)
        let one = SymbolicExpression(constant: .one)
        let two = SymbolicExpression(constant: Rational(2))

        let (u, zMinusOne) = derivative2Ansatz(key, wavefunctionCount: nz)
        var z = zMinusOne
        z[0] = one
        let up = u.derivative, upp = up.derivative, uppp = upp.derivative
        let zp = zMinusOne.derivative, zpp = zp.derivative
        func rhoTimes(_ s: FieldSeries) -> FieldSeries { (kappa * s) + s.timesX }   // ρ̄ = κ̄ + x
        func twoRhoTimes(_ s: FieldSeries) -> FieldSeries { Rational(2) * rhoTimes(s) }

        let w = up + Rational(2) * rhoTimes(upp)
        var deltaW = w
        deltaW[0] = .zero
        let bulkDelta = deltaW + (y * zMinusOne)          // P(y) − (1 + w₀) for y < 1
        let boundaryDelta = deltaW + zMinusOne            // z + w − (1 + w₀) at y = 1
        let bulkPowers = Derivation.inversePropagatorPowers(delta: bulkDelta, maximumPower: 5)
        let insertion = two - eta + (eta * y)             // s(y) = 2 − η(1 − y)

        // Flow of the potential: ½ ∫ s/P.
        let potentialLoop = Rational(1, 2) * (insertion * bulkPowers[1])

        // Flow of z: bulk (y < 1) and boundary (y = 1) parts.
        let b = (Rational(3) * upp) + (Rational(2) * rhoTimes(uppp)) + (y * zp)
        let bAtOne = (Rational(3) * upp) + (Rational(2) * rhoTimes(uppp)) + zp
        let bb = b * b
        var bracket = Rational(-1) * (twoRhoTimes(bb * zMinusOne) * bulkPowers[4])
        bracket = bracket + (Rational(4) * ((dInverse * y) * (twoRhoTimes(bb * zMinusOne * zMinusOne) * bulkPowers[5])))
        bracket = bracket + (Rational(2) * (twoRhoTimes(b * zp) * bulkPowers[3]))
        bracket = bracket - (Rational(4) * ((dInverse * y) * (twoRhoTimes(b * zp * zMinusOne) * bulkPowers[4])))
        bracket = bracket + ((dInverse * y) * (twoRhoTimes(zp * zp) * bulkPowers[3]))
        bracket = bracket - (Rational(1, 2) * ((zp + twoRhoTimes(zpp)) * bulkPowers[2]))
        let zBulk = insertion * bracket
        let zBoundary = Rational(-1) * (twoRhoTimes(bAtOne * bAtOne)
            * Derivation.inversePropagatorPowers(delta: boundaryDelta, maximumPower: 4)[4])

        var maximumMoment = 0
        func integrated(_ s: FieldSeries) throws -> FieldSeries {
            var r = FieldSeries(degree: s.degree)
            for (j, c) in s.coefficients.enumerated() {
                var e = SymbolicExpression()
                for (key, value) in c.terms {
                    var k = key
                    let m = Int(k.exponents[yIndex])
                    k.exponents[yIndex] = 0
                    if m > 0 {
                        guard yIndex + m < maximumVariableCount else {
                            throw TruncationError.unsupported(
                                "derivative2 at order \(order) needs more symbols than the symbolic layer packs (\(maximumVariableCount)); use a lower order")
                        }
                        k.exponents[yIndex + m] = 1
                        maximumMoment = max(maximumMoment, m)
                    }
                    e.add(k, value)
                }
                r[j] = e
            }
            return r
        }

        let dMinusTwoPlusEta = d - two + eta
        let flowU = (Rational(-1) * (d * u)) + (dMinusTwoPlusEta * rhoTimes(up)) + (try integrated(potentialLoop))
        let flowZ = (eta * z) + (dMinusTwoPlusEta * rhoTimes(zp)) + (try integrated(zBulk)) + zBoundary

        return try project(key: key, couplings: couplings, flowU: flowU, flowZ: flowZ, zCount: nz,
                           etaIndex: etaIndex, argument: w[0], yIndex: yIndex, maximumMoment: maximumMoment)
    }

    /// The beta functions and `η` from the field series `F = ∂_t u` and `G = ∂_t z` at fixed `ρ̄`
    /// (variable `x = ρ̄ − κ̄`, or `ρ̄` about zero), for `n` potential couplings and `zCount`
    /// couplings `z̄_j` (0 in LPA′). About the minimum: `∂_t κ̄ = −F'(0)/λ2`,
    /// `∂_t λ_j = F^{(j)}(0) + λ_{j+1} ∂_t κ̄`, `∂_t z_j = G^{(j)}(0) + z_{j+1} ∂_t κ̄`, and
    /// `d z(κ̄)/dt = G(0) + z_1 ∂_t κ̄ = 0`. About zero the point does not move:
    /// `∂_t ū_{2m} = (2m)!/2^m F_m`, `∂_t z_j = j! G_j`, and `z(0) = 1` gives `G(0) = 0`.
    /// The O(∂²) ansatz as field series in `x = ρ̄ − κ̄` (about φ = 0, `x = ρ̄`): the potential `u`
    /// (about zero `φ̄^{2m}/(2m)! = 2^m ρ̄^m/(2m)!` times `ū_{2m}`, variable `m − 1`; about the minimum
    /// `λ_j x^j/j!`, variable `j − 1`) and `z − 1 = Σ_{j=1}^{nz} z̄_j x^j/j!` (variable `n − 1 + j`).
    /// Shared by every O(∂²) and LPA′ derivation, so their couplings are numbered alike.
    static func derivative2Ansatz(_ key: DerivationKey, wavefunctionCount nz: Int) -> (u: FieldSeries, zMinusOne: FieldSeries) {
        let n = key.potentialCouplingCount
        var u = FieldSeries(degree: n)
        if key.expansion == .zero {
            for m in 1...n { u[m] = (Rational(1 << m) / Rational.factorial(2 * m)) * SymbolicExpression(variable: m - 1) }
        } else {
            for j in 2...n { u[j] = Rational.factorial(j).reciprocal * SymbolicExpression(variable: j - 1) }
        }
        var zMinusOne = FieldSeries(degree: n)
        for j in stride(from: 1, through: nz, by: 1) {
            zMinusOne[j] = Rational.factorial(j).reciprocal * SymbolicExpression(variable: n - 1 + j)
        }
        return (u, zMinusOne)
    }

    static func project(key: DerivationKey, couplings: [CouplingDescriptor], flowU: FieldSeries, flowZ: FieldSeries,
                        zCount nz: Int, etaIndex: Int, argument: SymbolicExpression, yIndex: Int,
                        maximumMoment: Int) throws -> DerivedSystem {
        let n = key.potentialCouplingCount
        func lambda(_ j: Int) -> SymbolicExpression { j <= n ? SymbolicExpression(variable: j - 1) : .zero }
        func zCoupling(_ j: Int) -> SymbolicExpression { j <= nz ? SymbolicExpression(variable: n - 1 + j) : .zero }
        let zIndices = Array(stride(from: 1, through: nz, by: 1))
        if key.expansion == .zero {
            var betas = (1...n).map { m in (Rational.factorial(2 * m) / Rational(1 << m)) * flowU[m] }
            betas += zIndices.map { j in Rational.factorial(j) * flowZ[j] }
            return finish(key: key, couplings: couplings, betas: betas, normalization: flowZ[0],
                          etaIndex: etaIndex, argument: argument, yIndex: yIndex, maximumMoment: maximumMoment)
        }
        let betaKappa = Rational(-1) * flowU[1].multiplied(byVariable: 1, power: -1)   // λ2 is variable 1
        var betas = [betaKappa]
        for j in 2...n {
            var beta = Rational.factorial(j) * flowU[j]
            if j < n { beta += lambda(j + 1) * betaKappa }
            betas.append(beta)
        }
        for j in zIndices {
            var beta = Rational.factorial(j) * flowZ[j]
            if j < nz { beta += zCoupling(j + 1) * betaKappa }
            betas.append(beta)
        }
        // d z(κ̄)/dt = G(0) + z1 ∂_t κ̄ = 0.
        return finish(key: key, couplings: couplings, betas: betas, normalization: flowZ[0] + (zCoupling(1) * betaKappa),
                      etaIndex: etaIndex, argument: argument, yIndex: yIndex, maximumMoment: maximumMoment)
    }

    /// The system with `η = N/D` from `normalization = 0`, which is linear in `η`:
    /// `η (∂/∂η) + (η = 0 part) = 0`.
    private static func finish(key: DerivationKey, couplings: [CouplingDescriptor], betas: [SymbolicExpression],
                               normalization: SymbolicExpression, etaIndex: Int, argument: SymbolicExpression,
                               yIndex: Int, maximumMoment: Int) -> DerivedSystem {
        precondition(normalization.maximumPower(variable: etaIndex) <= 1, "normalization must be linear in η")
        let numerator = Rational(-1) * normalization.substituting(variable: etaIndex, value: .zero)
        let denominator = normalization.coefficient(ofLinearVariable: etaIndex)
        return DerivedSystem(key: key, couplings: couplings, betas: betas, eta: numerator,
                             thresholdArgument: argument, etaDenominator: denominator,
                             moments: maximumMoment == 0 ? [] : (1...maximumMoment).map {
                                 ConstantSymbols.Moment(index: yIndex + $0, order: $0)
                             })
    }

    /// `1/(1 + w₀ + δ)^k` for `k = 0…maximumPower` as field series (index `k`), for `δ` without
    /// constant term: `Σ_j (−1)^j C(k+j−1, j) δ^j A_{k+j}(w₀)`, where the Litim loop atom
    /// `A_k = K_d/(1+w₀)^k` carries the one factor `K_d` of the loop.
    static func inversePropagatorPowers(delta: FieldSeries, maximumPower: Int) -> [FieldSeries] {
        precondition(delta[0].isZero, "expansion about the minimum: δ has no constant term")
        var deltaPowers = [FieldSeries]()
        var p = FieldSeries(degree: delta.degree)
        p[0] = SymbolicExpression(constant: .one)
        for _ in 0...delta.degree {
            deltaPowers.append(p)
            p = p * delta
        }
        var result = [FieldSeries(degree: delta.degree)]
        for k in 1...maximumPower {
            var s = FieldSeries(degree: delta.degree)
            var binomial = 1                                   // C(k+j−1, j)
            for j in 0...delta.degree {
                if j > 0 { binomial = binomial * (k + j - 1) / j }
                let c = Rational(j % 2 == 0 ? binomial : -binomial)
                let atom = ThresholdAtom(.loop, power: k + j)
                for i in j...delta.degree where !deltaPowers[j][i].isZero {
                    s[i] += c * deltaPowers[j][i].multiplied(byAtom: atom)
                }
            }
            result.append(s)
        }
        return result
    }
}
