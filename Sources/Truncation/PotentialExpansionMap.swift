import Foundation

/// Conversion between the two polynomial descriptions of one potential:
/// about `φ = 0`, `U = Σ_{m=1}^{n} u_{2m} φ^{2m}/(2m)!`, and about the minimum,
/// `U = Σ_{j=2}^{n} λ_j/j! (ρ − κ)^j` with `ρ = φ²/2` (constant terms dropped).
///
/// Both are degree-`n` polynomials in `ρ`, so the map is exact in either direction; the inverse
/// needs the position `κ` of the minimum, a root of `U'(ρ)`. Works for dimensionless and
/// dimensionful couplings alike (same `k` on both sides).
public enum PotentialExpansionMap {
    /// `(κ, λ2, …, λn)` → `(u2, u4, …, u2n)`: `u_{2m} = (2m)!/(2^m m!) U^{(m)}(ρ=0)` with
    /// `U^{(m)}(0) = Σ_{j ≥ max(m,2)} λ_j (−κ)^{j−m}/(j−m)!`.
    public static func zeroCouplings(fromMinimum c: [Double]) -> [Double] {
        let n = c.count
        let kappa = c[0]
        func lambda(_ j: Int) -> Double { j >= 2 && j <= n ? c[j - 1] : 0 }
        return (1...n).map { m in
            var derivative = 0.0
            for j in max(m, 2)...n { derivative += lambda(j) * pow(-kappa, Double(j - m)) / factorial(j - m) }
            return factorial(2 * m) / (pow(2, Double(m)) * factorial(m)) * derivative
        }
    }

    /// `(u2, …, u2n)` → `(κ, λ2, …, λn)`, expanding about the smallest `κ > 0` at which `U` has a
    /// local minimum in `ρ` (`U'(κ) = 0`, `U''(κ) > 0`). Throws `TruncationError.noMinimum` when the
    /// potential has none (e.g. the symmetric phase, `u2 > 0` with no turning point).
    public static func minimumCouplings(fromZero u: [Double]) throws -> [Double] {
        let n = u.count
        // a[m] = U^{(m)}(ρ=0), m = 1…n.
        var a = [Double](repeating: 0, count: n + 1)
        for m in 1...n { a[m] = u[m - 1] * pow(2, Double(m)) * factorial(m) / factorial(2 * m) }
        func derivative(_ order: Int, at rho: Double) -> Double {
            var s = 0.0
            if order <= n {
                for m in order...n { s += a[m] * pow(rho, Double(m - order)) / factorial(m - order) }
            }
            return s
        }
        // All real roots of U' lie below the Cauchy bound of its coefficients.
        let coefficients = (1...n).map { a[$0] / factorial($0 - 1) }
        guard let lead = coefficients.lastIndex(where: { $0 != 0 }), lead > 0 else {
            throw TruncationError.noMinimum("U'(ρ) has no zero (potential of degree < 2 in ρ)")
        }
        let bound = 1 + coefficients[..<lead].map { abs($0 / coefficients[lead]) }.max()!
        let steps = 20_000
        var previous = derivative(1, at: 0)
        for s in 1...steps {
            let hi = bound * Double(s) / Double(steps)
            let value = derivative(1, at: hi)
            if previous < 0 && value >= 0 {
                // U' goes from − to +: a minimum in (lo, hi]. Bisect to machine precision.
                var lo = bound * Double(s - 1) / Double(steps)
                var up = hi
                for _ in 0..<200 {
                    let mid = (lo + up) / 2
                    if mid == lo || mid == up { break }
                    if derivative(1, at: mid) < 0 { lo = mid } else { up = mid }
                }
                let kappa = (lo + up) / 2
                return [kappa] + (2...max(2, n)).prefix(n - 1).map { derivative($0, at: kappa) }
            }
            previous = value
        }
        throw TruncationError.noMinimum("U'(ρ) does not change sign from − to + for ρ > 0")
    }

    private static func factorial(_ k: Int) -> Double {
        k <= 1 ? 1 : (2...k).reduce(1.0) { $0 * Double($1) }
    }
}
