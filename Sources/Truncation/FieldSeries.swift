/// A power series `Σ_{j=0}^{degree} c_j x^j` in a field variable `x`, truncated at `degree`, with
/// symbolic coefficients. `x` is `φ²` for expansions about `φ = 0` (the potential is even) and
/// `ρ − κ` for expansions about the running minimum. Projecting the flow onto couplings is reading
/// off coefficients of such series.
struct FieldSeries: Sendable {
    var coefficients: [SymbolicExpression]

    var degree: Int { coefficients.count - 1 }

    init(degree: Int) {
        coefficients = Array(repeating: .zero, count: degree + 1)
    }

    init(_ coefficients: [SymbolicExpression]) {
        self.coefficients = coefficients
    }

    subscript(j: Int) -> SymbolicExpression {
        get { j <= degree ? coefficients[j] : .zero }
        set { coefficients[j] = newValue }
    }

    static func + (a: FieldSeries, b: FieldSeries) -> FieldSeries {
        var r = a
        for j in 0...min(a.degree, b.degree) { r.coefficients[j] += b.coefficients[j] }
        return r
    }

    static func - (a: FieldSeries, b: FieldSeries) -> FieldSeries {
        var r = a
        for j in 0...min(a.degree, b.degree) { r.coefficients[j] = r.coefficients[j] - b.coefficients[j] }
        return r
    }

    static func * (c: Rational, a: FieldSeries) -> FieldSeries {
        FieldSeries(a.coefficients.map { c * $0 })
    }

    /// Coefficient-wise product with a symbolic scalar (e.g. a coupling or `d`).
    static func * (c: SymbolicExpression, a: FieldSeries) -> FieldSeries {
        FieldSeries(a.coefficients.map { c * $0 })
    }

    /// Truncated Cauchy product.
    static func * (a: FieldSeries, b: FieldSeries) -> FieldSeries {
        let n = min(a.degree, b.degree)
        var r = FieldSeries(degree: n)
        for i in 0...n where !a.coefficients[i].isZero {
            for j in 0...(n - i) where !b.coefficients[j].isZero {
                r.coefficients[i + j] += a.coefficients[i] * b.coefficients[j]
            }
        }
        return r
    }

    /// `d/dx`; the top coefficient becomes zero (the truncation keeps the degree).
    var derivative: FieldSeries {
        var r = FieldSeries(degree: degree)
        if degree >= 1 {
            for j in 1...degree { r.coefficients[j - 1] = Rational(j) * coefficients[j] }
        }
        return r
    }

    /// `x · self`, truncated.
    var timesX: FieldSeries {
        var r = FieldSeries(degree: degree)
        if degree >= 1 {
            for j in 0..<degree { r.coefficients[j + 1] = coefficients[j] }
        }
        return r
    }

    /// `A_1(w + δ)` for a threshold family, as a field series, for `δ` without constant term.
    ///
    /// Every family is a sum over quadrature nodes of `W_q/(p_q + w)`; with `y = 1/(p_q + w)`,
    /// `1/(p_q + w + δ) = S` solves `(1 + y δ) S = y`, i.e. `S_0 = y`, `S_m = −y Σ_{j=1}^{m} δ_j S_{m−j}`.
    /// The result is a polynomial in `y` whose `y^k` summed over nodes is `A_k(w)`: the threshold
    /// atom's power plays the role of `y^k`. This equals `Σ_k (−1)^k A_{k+1}(w) δ^k` but needs one
    /// series product instead of `n` powers of `δ`.
    static func thresholdExpansion(family: ThresholdFamily, delta: FieldSeries) -> FieldSeries {
        precondition(delta[0].isZero, "threshold expansion needs a series without constant term")
        var s = FieldSeries(degree: delta.degree)
        s.coefficients[0] = SymbolicExpression(atom: ThresholdAtom(family, power: 1))
        if delta.degree == 0 { return s }
        for m in 1...delta.degree {
            var sum = SymbolicExpression.zero
            for j in 1...m where !delta.coefficients[j].isZero && !s.coefficients[m - j].isZero {
                sum += delta.coefficients[j] * s.coefficients[m - j]
            }
            s.coefficients[m] = Rational(-1) * sum.raisingThresholdPower()
        }
        return s
    }
}
