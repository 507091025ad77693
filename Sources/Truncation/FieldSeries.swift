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

    /// `Σ_k f_k · δ^k` for a series `δ` with zero constant term, where `f_k` is a symbolic
    /// expression (typically a threshold function): the Taylor expansion of `f(w + δ)` about `w`.
    /// `δ^k` only reaches degree `k` and up, so `k ≤ degree` suffices.
    static func composition(_ f: (Int) -> SymbolicExpression, delta: FieldSeries) -> FieldSeries {
        precondition(delta[0].isZero, "composition needs a series without constant term")
        var result = FieldSeries(degree: delta.degree)
        result.coefficients[0] = f(0)
        guard delta.degree >= 1 else { return result }
        var power = delta
        for k in 1...delta.degree {
            let fk = f(k)
            if !fk.isZero {
                for j in k...delta.degree where !power.coefficients[j].isZero {
                    result.coefficients[j] += power.coefficients[j] * fk
                }
            }
            if k < delta.degree { power = power * delta }
        }
        return result
    }
}
