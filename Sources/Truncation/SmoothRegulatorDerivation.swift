/// LPA′ and derivative2 for a regulator without closed-form thresholds (`SmoothRegulator`, e.g. the
/// exponential one), about the running minimum or about `φ = 0`.
///
/// The same functional flows as `deriveDerivative2` (conventions there), before any property of
/// Litim's regulator is used: with `P = z y + r(y) + w`, `G = 1/P`, `G' = −(z + r')/P²`,
/// `G'' = −r''/P² + 2(z + r')²/P³`, `s = 2(r − y r') − η r`, `ã = φ̄ b`, `b = 3u'' + 2ρ̄u''' + y z'`,
///
///     ∂_t u = −d u + (d−2+η) ρ̄ u' + (d K_d/2) ∫_0^∞ dy y^{d/2−1} s/(2P)
///     ∂_t z = η z + (d−2+η) ρ̄ z' + (d K_d/2) ∫_0^∞ dy y^{d/2−1} (s/P²) { ã² [G' + (2y/d) G'']
///             + 2 ã z_φ G + (4/d) y ã z_φ G' + (y/d) z_φ² G − ½ z_φφ }
///
/// (the `p²` projection that `Derivative2Tests.testMomentumProjectionAgainstAngularIntegral` checks
/// against the full angular integral). Writing `z + r' = (z − 1) + e`, `e = 1 + r'`, and expanding
/// `1/P^k` about `p(y) + w₀` in `δ = w − w₀ + (z − 1) y`, every term becomes a coupling monomial
/// times `y^m s(y) f(y)/(p(y) + w₀)^k` with `f ∈ {1, e, e², r''}`: after the `y` integral, a
/// `MomentThreshold` atom evaluated by quadrature (`SmoothRegulator.momentQuadrature`). The
/// insertion `s = 2[(r − y r') − η (r/2)]` splits into the loop and η-insertion sources.
///
/// LPA′ is the same projection with `z ≡ 1` (no `z̄_j`): `η` from the `p²` coefficient of
/// `Γ_k^(2)` at the running minimum, `∂_t z(κ̄) = 0`, which the `−η r` insertion makes a ratio
/// `η = N/D` for smooth regulators (Litim's `r(1) = 0` removes the `η` from it).
extension Derivation {
    static func deriveWithMomentThresholds(_ key: DerivationKey) throws -> DerivedSystem {
        let n = key.potentialCouplingCount
        let aboutZero = key.expansion == .zero
        let nz = key.truncation == .derivative2 ? n - 1 : 0
        let count = n + nz
        let etaIndex = count
        let dIndex = count + 1
        let yIndex = count + 2      // y = q²/k² is a symbol until the integrals are done

        let couplings = potentialCouplings(key) + (0..<nz).map { CouplingDescriptor.wavefunction(derivative: $0 + 1) }
        let kappa = aboutZero ? SymbolicExpression.zero : SymbolicExpression(variable: 0)
        let d = SymbolicExpression(variable: dIndex)
        let dInverse = d.multiplied(byVariable: dIndex, power: -2)
        let eta = SymbolicExpression(variable: etaIndex)
        let y = SymbolicExpression(variable: yIndex)

        let (u, zMinusOne) = derivative2Ansatz(key, wavefunctionCount: nz)
        var z = zMinusOne
        z[0] = SymbolicExpression(constant: .one)
        let up = u.derivative, upp = up.derivative, uppp = upp.derivative
        let zp = zMinusOne.derivative, zpp = zp.derivative
        func rhoTimes(_ s: FieldSeries) -> FieldSeries { (kappa * s) + s.timesX }
        func twoRhoTimes(_ s: FieldSeries) -> FieldSeries { Rational(2) * rhoTimes(s) }

        let w = up + Rational(2) * rhoTimes(upp)
        var deltaW = w
        deltaW[0] = .zero
        // 1/(p(y) + w₀)^k is written with the loop atom here and relabelled by `integrated`.
        let powers = Derivation.inversePropagatorPowers(delta: deltaW + (y * zMinusOne), maximumPower: 5)
        let b = (Rational(3) * upp) + (Rational(2) * rhoTimes(uppp)) + (y * zp)
        let bb = b * b
        let dy = dInverse * y

        // The braces above, by factor f of the regulator shape.
        var one = Rational(-1) * (twoRhoTimes(bb * zMinusOne) * powers[4])
        one = one + (Rational(4) * (dy * (twoRhoTimes(bb * zMinusOne * zMinusOne) * powers[5])))
        one = one + (Rational(2) * (twoRhoTimes(b * zp) * powers[3]))
        one = one - (Rational(4) * (dy * (twoRhoTimes(b * zp * zMinusOne) * powers[4])))
        one = one + (dy * (twoRhoTimes(zp * zp) * powers[3]))
        one = one - (Rational(1, 2) * ((zp + twoRhoTimes(zpp)) * powers[2]))
        var withE = Rational(-1) * (twoRhoTimes(bb) * powers[4])
        withE = withE + (Rational(8) * (dy * (twoRhoTimes(bb * zMinusOne) * powers[5])))
        withE = withE - (Rational(4) * (dy * (twoRhoTimes(b * zp) * powers[4])))
        let withESquared = Rational(4) * (dy * (twoRhoTimes(bb) * powers[5]))
        let withRSecond = Rational(-2) * (dy * (twoRhoTimes(bb) * powers[4]))

        func integrated(_ s: FieldSeries, _ source: MomentThreshold.Source, _ factor: MomentThreshold.Factor) throws -> FieldSeries {
            var r = FieldSeries(degree: s.degree)
            for (j, c) in s.coefficients.enumerated() {
                var e = SymbolicExpression()
                for (termKey, value) in c.terms {
                    var k = termKey
                    let m = Int(k.exponents[yIndex])
                    guard m <= MomentThreshold.maximumMoment else {
                        throw TruncationError.unsupported(
                            "\(key.truncation.rawValue) at order \(key.order) needs y-moments beyond \(MomentThreshold.maximumMoment); use a lower order")
                    }
                    precondition(!k.atom.isOne, "every loop term carries a propagator")
                    k.exponents[yIndex] = 0
                    k.atom = ThresholdAtom(family: MomentThreshold(source, factor, moment: m).code, power: k.atom.power)
                    e.add(k, value)
                }
                r[j] = e
            }
            return r
        }
        // s = 2[(r − y r') − η r/2]: the loop source minus η times the η-insertion source.
        func withInsertion(_ s: FieldSeries, _ factor: MomentThreshold.Factor) throws -> FieldSeries {
            try integrated(s, .loop, factor) - (eta * (try integrated(s, .etaInsertion, factor)))
        }
        let potentialLoop = try withInsertion(powers[1], .one)
        var zLoop = try withInsertion(one, .one)
        zLoop = zLoop + (try withInsertion(withE, .e))
        zLoop = zLoop + (try withInsertion(withESquared, .eSquared))
        zLoop = zLoop + (try withInsertion(withRSecond, .rSecond))
        zLoop = Rational(2) * zLoop

        let two = SymbolicExpression(constant: Rational(2))
        let flowU = (Rational(-1) * (d * u)) + ((d - two + eta) * rhoTimes(up)) + potentialLoop
        let flowZ = (eta * z) + ((d - two + eta) * rhoTimes(zp)) + zLoop
        return try project(key: key, couplings: couplings, flowU: flowU, flowZ: flowZ, zCount: nz,
                           etaIndex: etaIndex, argument: w[0], yIndex: yIndex, maximumMoment: 0)
    }
}
