import Foundation

/// Numerical evaluation of the LPA beta functions (Wetterich with any regulator, Polchinski) by
/// truncated power-series arithmetic in floating point: the same projection as `Derivation`
/// (`deriveAboutZero`, `deriveAboutMinimum`), carried out on numbers instead of symbols.
///
/// Why a second route to the same equations: the exact symbolic expansion of `ℓ(w + δ)` about the
/// minimum has a number of monomials that grows steeply with the order (φ⁶⁰ takes about a minute
/// and 2.6 GB to derive and compiles to tables that are slow to evaluate), while the series of
/// `ℓ(W(x))` costs `O(Q N²)` operations at series degree `N` (`N = n` couplings, `Q` nodes of the
/// regulator's threshold rule: 1 for Litim). Both are derived from the functional equation;
/// `PotentialSeriesEvaluatorTests` checks that they agree to rounding (1e-13 of each row's term
/// size for β, 1e-12 for the Jacobian) for every scheme, expansion and regulator, and the exact
/// symbolic system stays what `frg beta` prints.
///
/// Conventions (see `Derivation`): about `φ = 0` the series variable is `s = φ²`,
/// `u(s) = Σ_{m=1}^{n} ū_{2m} s^m/(2m)!`, `φ u' = 2 s u_s`, `W = u'' = 2u_s + 4 s u_ss`,
/// `β_{2m} = (2m)! [s^m] F`. About the minimum `x = ρ − κ`, `u(x) = Σ_{j=2}^{n} λ_j x^j/j!`,
/// `ρ u' = (κ + x) u_x`, `W = U_φφ = u_x + 2ρ u_xx`, `β_κ = −F'(0)/λ2`,
/// `β_{λj} = j! [x^j] F + λ_{j+1} β_κ`. Wetterich: `F = −d u + (d−2)/2 φu' + ℓ(W)` with
/// `ℓ(W) = Σ_q c_q/(p_q + W)` (the loop family's quadrature rule, `A_k(w) = Σ_q c_q/(p_q + w)^k`;
/// `ℓ(w + δ) = Σ_k (−1)^k A_{k+1}(w) δ^k` is the symbolic route's form of the same series). Polchinski: `F = −d u + (d−2)/2 φu' − W + U_φ²`.
///
/// The Jacobian is exact (the derivative of each series operation, not a difference quotient).
/// Storage is allocated once; evaluation does not allocate on the heap for `n ≤ 64` and may run on
/// any number of threads at once.
final class PotentialSeriesEvaluator: @unchecked Sendable {
    let couplingCount: Int
    let expansion: ExpansionPoint
    let scheme: FlowEquation
    private let dimension: Double
    /// `j!` for `j = 0…2n` (about zero `β_{2m}` carries `(2m)!`).
    private let factorials: UnsafeMutableBufferPointer<Double>
    private let nodes: UnsafeMutableBufferPointer<Double>
    private let weights: UnsafeMutableBufferPointer<Double>
    private let nodeCount: Int

    /// - Parameter loop: the loop family's threshold rule (Wetterich), nil for Polchinski.
    init(couplingCount n: Int, expansion: ExpansionPoint, scheme: FlowEquation, dimension d: Double,
         loop: ThresholdQuadrature?) {
        precondition(n >= 1 && (expansion == .zero || n >= 2), "a potential series needs couplings")
        couplingCount = n
        self.expansion = expansion
        self.scheme = scheme
        dimension = d
        factorials = .allocate(capacity: 2 * n + 1)
        factorials[0] = 1
        for j in 1...(2 * n) { factorials[j] = factorials[j - 1] * Double(j) }
        let rule = loop ?? ThresholdQuadrature(nodes: [], weights: [])
        nodeCount = rule.nodes.count
        nodes = .allocate(capacity: max(nodeCount, 1))
        weights = .allocate(capacity: max(nodeCount, 1))
        _ = nodes.initialize(from: rule.nodes)
        _ = weights.initialize(from: rule.weights)
    }

    deinit {
        factorials.deallocate()
        nodes.deallocate()
        weights.deallocate()
    }

    /// Series degree `N`: the number of couplings in both expansions.
    private var degree: Int { couplingCount }
    private var hasLoop: Bool { scheme == .wetterich }

    /// The threshold argument `w = W(0)`: `ū2` about zero, `2κλ2` about the minimum.
    func argument(_ u: UnsafeBufferPointer<Double>) -> Double {
        expansion == .zero ? u[0] : 2 * u[0] * u[1]
    }

    // MARK: Series of one evaluation

    /// Scratch: the series a, u', u'', W, F, a node's reciprocal, `ℓ'(W)` and a column's
    /// `da, du', du'', dW, dF`, `N + 1` coefficients each.
    private var scratchSize: Int { 12 * (degree + 1) }

    private struct Series {
        var a, up, upp, w, f, reciprocal, loopSlope, da, dup, dupp, dw, df: UnsafeMutablePointer<Double>
    }

    private func layout(_ base: UnsafeMutablePointer<Double>) -> Series {
        let s = degree + 1
        return Series(a: base, up: base + s, upp: base + 2 * s, w: base + 3 * s, f: base + 4 * s,
                      reciprocal: base + 5 * s, loopSlope: base + 6 * s, da: base + 7 * s, dup: base + 8 * s,
                      dupp: base + 9 * s, dw: base + 10 * s, df: base + 11 * s)
    }

    /// Taylor coefficients of the potential in the series variable.
    private func fillPotential(_ u: UnsafeBufferPointer<Double>, into a: UnsafeMutablePointer<Double>) {
        let N = degree
        for j in 0...N { a[j] = 0 }
        switch expansion {
        case .zero:
            for m in 1...N { a[m] = u[m - 1] / factorials[2 * m] }
        case .minimum:
            for j in 2...N { a[j] = u[j - 1] / factorials[j] }
        }
    }

    /// `u'` and `u''` in the series variable (the top coefficients drop, as in `FieldSeries`), and
    /// `W` (`u''(φ)` about zero, `U_φφ` about the minimum) from them.
    private func fillDerived(a: UnsafePointer<Double>, up: UnsafeMutablePointer<Double>,
                             upp: UnsafeMutablePointer<Double>, w: UnsafeMutablePointer<Double>, kappa: Double) {
        let N = degree
        for j in 0..<N { up[j] = Double(j + 1) * a[j + 1] }
        up[N] = 0
        for j in 0..<N { upp[j] = Double(j + 1) * up[j + 1] }
        upp[N] = 0
        switch expansion {
        case .zero:
            // W = 2u_s + 4 s u_ss
            w[0] = 2 * up[0]
            for j in 1...N { w[j] = 2 * up[j] + 4 * upp[j - 1] }
        case .minimum:
            // W = u_x + 2 (κ + x) u_xx
            w[0] = up[0] + 2 * kappa * upp[0]
            for j in 1...N { w[j] = up[j] + 2 * (kappa * upp[j] + upp[j - 1]) }
        }
    }

    /// The part of `F` linear in the potential: `−d u + (d−2)/2 φ u'` (about zero `(d−2) s u_s`,
    /// about the minimum `(d−2) ρ u_x`), plus `−W` for Polchinski.
    private func fillLinear(a: UnsafePointer<Double>, up: UnsafePointer<Double>, w: UnsafePointer<Double>,
                            kappa: Double, into f: UnsafeMutablePointer<Double>) {
        let N = degree
        let d = dimension
        for j in 0...N {
            let shifted = j >= 1 ? up[j - 1] : 0
            let phiUPrime = expansion == .zero ? shifted : kappa * up[j] + shifted
            f[j] = -d * a[j] + (d - 2) * phiUPrime
            if !hasLoop { f[j] -= w[j] }
        }
    }

    /// Adds `ℓ(W) = Σ_q c_q/(p_q + W(x))` to `f` and, with `slope`, `ℓ'(W) = −Σ_q c_q/(p_q + W)²` to
    /// `slopeOut`. Each node's reciprocal series `R = 1/(p_q + W)` comes from the recurrence
    /// `R_0 = 1/(p_q + w)`, `R_m = −R_0 Σ_{i=1}^{m} W_i R_{m−i}`: expanding in powers of `δ = W − w`
    /// instead would sum terms that grow with the order and cancel (tried: the Jacobian at φ⁴²
    /// lost seven digits that way).
    private func addLoop(w: UnsafePointer<Double>, reciprocal r: UnsafeMutablePointer<Double>,
                         into f: UnsafeMutablePointer<Double>, slope slopeOut: UnsafeMutablePointer<Double>?) {
        let N = degree
        for q in 0..<nodeCount {
            let r0 = 1 / (nodes[q] + w[0])
            r[0] = r0
            if N >= 1 {
                for m in 1...N {
                    var sum = 0.0
                    for i in 1...m { sum += w[i] * r[m - i] }
                    r[m] = -r0 * sum
                }
            }
            let c = weights[q]
            for m in 0...N { f[m] += c * r[m] }
            if let slopeOut { addProduct(r, r, scale: -c, shift: 0, into: slopeOut) }
        }
    }

    /// `Σ_{i+j=m} x_i y_j` for `m = 0…N`, added to `out` times `scale`, shifted by `shift` (`x·y·sᵏ`).
    private func addProduct(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, scale: Double, shift: Int,
                            into out: UnsafeMutablePointer<Double>) {
        let N = degree
        guard shift <= N else { return }
        for m in 0...(N - shift) {
            var sum = 0.0
            for i in 0...m { sum += x[i] * y[m - i] }
            out[m + shift] += scale * sum
        }
    }

    /// The non-linear Polchinski term `U_φ²`: `4 s u_s²` about zero, `2 ρ u_x²` about the minimum.
    private func addPolchinskiSquare(up: UnsafePointer<Double>, dup: UnsafePointer<Double>?, kappa: Double,
                                     factor: Double, into f: UnsafeMutablePointer<Double>) {
        // d(U_φ²) = 2 (prefactor) u' du': `factor` is 1 for the value and 2 for a derivative.
        let other = dup ?? up
        switch expansion {
        case .zero:
            addProduct(up, other, scale: 4 * factor, shift: 1, into: f)
        case .minimum:
            addProduct(up, other, scale: 2 * kappa * factor, shift: 0, into: f)
            addProduct(up, other, scale: 2 * factor, shift: 1, into: f)
        }
    }

    /// Fills `F` at `u` (and, with `slope`, the series `ℓ'(W)` the Jacobian needs).
    private func fillFlow(_ u: UnsafeBufferPointer<Double>, _ s: Series, slope: Bool) {
        let N = degree
        let kappa = expansion == .minimum ? u[0] : 0
        fillPotential(u, into: s.a)
        fillDerived(a: s.a, up: s.up, upp: s.upp, w: s.w, kappa: kappa)
        fillLinear(a: s.a, up: s.up, w: s.w, kappa: kappa, into: s.f)
        if hasLoop {
            if slope { for m in 0...N { s.loopSlope[m] = 0 } }
            addLoop(w: s.w, reciprocal: s.reciprocal, into: s.f, slope: slope ? s.loopSlope : nil)
        } else {
            addPolchinskiSquare(up: s.up, dup: nil, kappa: kappa, factor: 1, into: s.f)
        }
    }

    /// `β` from `F`: `(2m)! F_m` about zero; `β_κ`, `β_{λj}` about the minimum.
    private func project(_ f: UnsafePointer<Double>, _ u: UnsafeBufferPointer<Double>,
                         into beta: UnsafeMutablePointer<Double>) {
        let N = degree
        switch expansion {
        case .zero:
            for m in 1...N { beta[m - 1] = factorials[2 * m] * f[m] }
        case .minimum:
            let betaKappa = -f[1] / u[1]
            beta[0] = betaKappa
            for j in 2...N {
                beta[j - 1] = factorials[j] * f[j] + (j < N ? u[j] * betaKappa : 0)
            }
        }
    }

    func evaluate(_ u: UnsafeBufferPointer<Double>, into beta: UnsafeMutableBufferPointer<Double>) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: scratchSize) { buffer in
            let s = layout(buffer.baseAddress!)
            fillFlow(u, s, slope: false)
            project(s.f, u, into: beta.baseAddress!)
        }
    }

    /// Row-major `J[i·n + p] = ∂β_i/∂ū_p`, column by column: each coupling's variation of the
    /// potential series is pushed through the same (linear, and for `ℓ` and `U_φ²` linearized)
    /// operations.
    func jacobian(_ u: UnsafeBufferPointer<Double>, into jacobian: UnsafeMutableBufferPointer<Double>) {
        let n = couplingCount
        let N = degree
        withUnsafeTemporaryAllocation(of: Double.self, capacity: scratchSize) { buffer in
            let s = layout(buffer.baseAddress!)
            fillFlow(u, s, slope: true)
            let kappa = expansion == .minimum ? u[0] : 0
            let betaKappa = expansion == .minimum ? -s.f[1] / u[1] : 0
            for p in 0..<n {
                for j in 0...N { s.da[j] = 0 }
                if expansion == .minimum && p == 0 {
                    // ∂/∂κ acts on the explicit ρ = κ + x: ∂(ρ u_x) = u_x, ∂W = 2 u_xx.
                    for j in 0...N {
                        s.dw[j] = 2 * s.upp[j]
                        s.df[j] = (dimension - 2) * s.up[j] - (hasLoop ? 0 : s.dw[j])
                    }
                    if !hasLoop {
                        addProduct(s.up, s.up, scale: 2, shift: 0, into: s.df)
                    }
                } else {
                    // ū_{2(p+1)} multiplies s^{p+1}/(2(p+1))!; λ_{p+1} multiplies x^{p+1}/(p+1)!.
                    let power = p + 1
                    s.da[power] = 1 / (expansion == .zero ? factorials[2 * power] : factorials[power])
                    fillDerived(a: s.da, up: s.dup, upp: s.dupp, w: s.dw, kappa: kappa)
                    fillLinear(a: s.da, up: s.dup, w: s.dw, kappa: kappa, into: s.df)
                    if !hasLoop {
                        addPolchinskiSquare(up: s.up, dup: s.dup, kappa: kappa, factor: 2, into: s.df)
                    }
                }
                if hasLoop {
                    // dℓ(W) = ℓ'(W) dW
                    addProduct(s.loopSlope, s.dw, scale: 1, shift: 0, into: s.df)
                }
                switch expansion {
                case .zero:
                    for m in 1...N { jacobian[(m - 1) * n + p] = factorials[2 * m] * s.df[m] }
                case .minimum:
                    // β_κ = −F_1/λ2
                    let dBetaKappa = -s.df[1] / u[1] + (p == 1 ? s.f[1] / (u[1] * u[1]) : 0)
                    jacobian[p] = dBetaKappa
                    for j in 2...N {
                        var value = factorials[j] * s.df[j]
                        if j < N {
                            value += u[j] * dBetaKappa
                            if p == j { value += betaKappa }
                        }
                        jacobian[(j - 1) * n + p] = value
                    }
                }
            }
        }
    }
}
