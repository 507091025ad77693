import Foundation
import GaussNetKernels

/// Exact neuron moments `H_n(x_1..x_n) = E[Π_a σ(z_a)]` of an activation network, where the
/// preactivations `z_a = W0·x_a + b0` (`W0 ~ N(0, σ_W²/d · 1)`, `b0 ~ N(0, σ_b²)`) are jointly Gaussian
/// with covariance `C_ab = σ_b² + σ_W² x_a·x_b/d`, of rank `r ≤ min(n, d + 1)`.
///
/// Reduction: the rows `a_a = (σ_W x_a/√d, σ_b) ∈ R^{d+1}` give `z_a = a_a·u`, `u ~ N(0, 1)`; an
/// orthonormal basis `e_1..e_r` of their span (Gram–Schmidt with pivoting, re-orthogonalized) gives
/// `z_a = b_a·v` with `b_ak = a_a·e_k` and `v ~ N(0, 1_r)`: an `r`-dimensional integral.
///
/// - ReLU (positively homogeneous of degree 1): `H_n = E[ρ^n] · S`, `E[ρ^n] = 2^{n/2} Γ((r+n)/2)/Γ(r/2)`
///   for `ρ = |v|`, `S` the average over the unit sphere of `Π_a max(b_a·θ, 0)`. Rank 1: `S` is the
///   mean over `θ = ±1`. Rank 2: the integrand is nonzero on one arc (the intersection of the
///   half-circles `b_a·θ > 0`, found exactly) where it is a trigonometric polynomial of degree `n`,
///   integrated by 32-point Gauss–Legendre: exact to rounding. Rank ≥ 3: the last component is
///   integrated exactly (a piecewise polynomial times the normal density: truncated normal moments
///   between the kinks), the others by a Gauss–Hermite product rule (the outer integrand has kinks,
///   so this converges algebraically: about 1e-6 relative).
/// - Smooth activations (erf, tanh): `smooth`, the steepest direction by composite Gauss–Legendre
///   refined at each factor's transition, the others by Gauss–Hermite (a plain Gauss–Hermite
///   product rule converges like `(b²/(1+b²))^{n/2}` for `erf(b v)`: 1e-4 at 96 points for b = 3).
///   The accuracy against independent quadrature is stated in `NeuronMomentTests`.
enum NeuronMoments {
    /// Gauss–Hermite points per axis of the ReLU's nested rule for `r − 1` = 1, 2, … outer dimensions.
    static let hermiteOrders = [96, 32, 16, 9, 7, 5]

    /// The rows `b_a ∈ R^r` with `z = B v`, `v ~ N(0, 1_r)` (see the type's documentation); `r = 0`
    /// when every `z_a` is identically 0.
    static func factor(_ points: [[Double]], sigmaW: Double, sigmaB: Double) -> [[Double]] {
        let d = points.first?.count ?? 0
        let scale = sigmaW / Double(max(d, 1)).squareRoot()
        let rows = points.map { x in x.map { scale * $0 } + [sigmaB] }
        let largest = rows.map(norm).max() ?? 0
        guard largest > 0 else { return rows.map { _ in [] } }
        var basis: [[Double]] = []
        var residuals = rows
        while basis.count < min(rows.count, d + 1) {
            let norms = residuals.map(norm)
            let best = norms.indices.max { norms[$0] < norms[$1] }!
            guard norms[best] > 1e-13 * largest else { break }
            var e = residuals[best].map { $0 / norms[best] }
            for q in basis {  // re-orthogonalize against the basis (twice is enough)
                let c = dot(e, q)
                e = zip(e, q).map { $0 - c * $1 }
            }
            let n = norm(e)
            e = e.map { $0 / n }
            basis.append(e)
            residuals = residuals.map { r in
                let c = dot(r, e)
                return zip(r, e).map { $0 - c * $1 }
            }
        }
        return rows.map { row in basis.map { dot(row, $0) } }
    }

    /// `E[Π_a max(b_a·v, 0)]`, `v ~ N(0, 1_r)`.
    static func relu(_ rows: [[Double]]) -> Double {
        let n = rows.count
        guard n > 0 else { return 1 }
        let r = rows[0].count
        guard r > 0 else { return 0 }
        if r >= 3 { return reluNested(rows) }
        let radial = pow(2, Double(n) / 2) * tgamma(Double(r + n) / 2) / tgamma(Double(r) / 2)
        if r == 1 {
            let plus = rows.reduce(1.0) { $0 * max($1[0], 0) }
            let minus = rows.reduce(1.0) { $0 * max(-$1[0], 0) }
            return radial * (plus + minus) / 2
        }
        // Rank 2: b_a·θ(φ) = |b_a| cos(φ − φ_a) ≥ 0 on [φ_a − π/2, φ_a + π/2]; the arcs' intersection,
        // unwrapped around the first direction.
        let angles = rows.map { atan2($0[1], $0[0]) }
        var lower = angles[0] - Double.pi / 2, upper = angles[0] + Double.pi / 2
        for phi in angles.dropFirst() {
            var centre = phi
            while centre - angles[0] > Double.pi { centre -= 2 * Double.pi }
            while centre - angles[0] <= -Double.pi { centre += 2 * Double.pi }
            lower = max(lower, centre - Double.pi / 2)
            upper = min(upper, centre + Double.pi / 2)
        }
        guard upper > lower else { return 0 }
        let rule = Quadrature.legendre32
        let half = (upper - lower) / 2, middle = (upper + lower) / 2
        var total = 0.0
        for (t, w) in zip(rule.nodes, rule.weights) {
            let phi = middle + half * t
            let (c, s) = (cos(phi), sin(phi))
            total += w * rows.reduce(1.0) { $0 * max($1[0] * c + $1[1] * s, 0) }
        }
        return radial * total * half / (2 * Double.pi)
    }

    /// Rank ≥ 3: Gauss–Hermite over `v_1..v_{r−1}`, the last component exact (`reluLine`).
    static func reluNested(_ rows: [[Double]]) -> Double {
        let r = rows[0].count
        let rule = Quadrature.hermiteByRank[min(r - 2, Quadrature.hermiteByRank.count - 1)]
        let beta = rows.map { $0[r - 1] }
        return productRule(rule, rows) { alpha in reluLine(alpha, beta) }
    }

    /// `Σ_nodes Π_k w_{i_k} · line(α)` over the product rule on the first `r − 1` components of
    /// `rows` (the last one is left to `line`), with `α_a = Σ_k rows[a][k] t_{i_k}`: the outer
    /// Gaussian integrals of `reluNested` and `smooth`.
    static func productRule(_ rule: Quadrature.Rule, _ rows: [[Double]], line: ([Double]) -> Double) -> Double {
        let r = rows[0].count
        let m = rule.nodes.count
        var index = [Int](repeating: 0, count: r - 1)
        var alpha = [Double](repeating: 0, count: rows.count)
        var total = 0.0
        while true {
            var weight = 1.0
            for k in 0..<(r - 1) { weight *= rule.weights[index[k]] }
            for (a, row) in rows.enumerated() {
                var s = 0.0
                for k in 0..<(r - 1) { s += row[k] * rule.nodes[index[k]] }
                alpha[a] = s
            }
            total += weight * line(alpha)
            // Odometer over the r − 1 outer axes.
            var k = 0
            while k < r - 1 {
                index[k] += 1
                if index[k] < m { break }
                index[k] = 0
                k += 1
            }
            if k == r - 1 { break }
        }
        return total
    }

    /// `∫ Π_a max(α_a + β_a t, 0) φ(t) dt` exactly: the product is a polynomial on the interval where
    /// every factor is positive, integrated with the truncated normal moments
    /// `M_j = ∫_L^U t^j φ = [−t^{j−1} φ]_L^U + (j − 1) M_{j−2}`.
    static func reluLine(_ alpha: [Double], _ beta: [Double]) -> Double {
        var lower = -Double.infinity, upper = Double.infinity
        var constant = 1.0
        var polynomial: [Double] = [1]
        for (a, b) in zip(alpha, beta) {
            if b == 0 {
                constant *= max(a, 0)
                continue
            }
            let root = -a / b
            if b > 0 { lower = max(lower, root) } else { upper = min(upper, root) }
            var next = [Double](repeating: 0, count: polynomial.count + 1)
            for (j, c) in polynomial.enumerated() {
                next[j] += c * a
                next[j + 1] += c * b
            }
            polynomial = next
        }
        guard constant > 0, upper > lower else { return 0 }
        let density = { (t: Double) in t.isFinite ? exp(-t * t / 2) / (2 * Double.pi).squareRoot() : 0 }
        let power = { (t: Double, j: Int) in t.isFinite ? pow(t, Double(j)) : 0 }
        let mass: Double
        if lower >= 0 {
            mass = (erfc(lower / 2.0.squareRoot()) - erfc(upper / 2.0.squareRoot())) / 2
        } else if upper <= 0 {
            mass = (erfc(-upper / 2.0.squareRoot()) - erfc(-lower / 2.0.squareRoot())) / 2
        } else {
            mass = 1 - (erfc(upper / 2.0.squareRoot()) + erfc(-lower / 2.0.squareRoot())) / 2
        }
        var moments = [mass, density(lower) - density(upper)]
        while moments.count < polynomial.count {
            let j = moments.count
            moments.append(power(lower, j - 1) * density(lower) - power(upper, j - 1) * density(upper)
                           + Double(j - 1) * moments[j - 2])
        }
        var total = 0.0
        for (j, c) in polynomial.enumerated() { total += c * moments[j] }
        return constant * total
    }

    /// `E[Π_a g(b_a·v)]`, `v ~ N(0, 1_r)`, for a smooth, bounded, possibly steep `g` (erf, tanh): the
    /// basis is rotated so that its last axis is the dominant direction of the rows (the largest
    /// eigenvector of `BᵀB`, where the factors are steepest); that axis is integrated by
    /// `smoothLine`, the remaining `r − 1` by a Gauss–Hermite product rule (`outerOrders`). Gauss–Hermite
    /// converges slowly for integrands with poles near the real axis (tanh: at `iπ/2` over the
    /// factor's slope), so with `polesNearAxis` a single outer axis uses `compositeNormal` instead.
    static func smooth(_ rows: [[Double]], _ activation: Activation) -> Double {
        let g = activation, polesNearAxis = activation == .tanh
        let n = rows.count
        guard n > 0 else { return 1 }
        let r = rows[0].count
        guard r > 0 else { return rows.reduce(1.0) { p, _ in p * g(0) } }
        let basis = dominantBasis(rows)
        let rotated = rows.map { row in basis.map { dot(row, $0) } }
        let beta = rotated.map { $0[r - 1] }
        if r == 1 { return smoothLine([Double](repeating: 0, count: n), beta, activation) }
        let rule = polesNearAxis && r == 2 ? Quadrature.compositeNormal
            : Quadrature.outerHermite[min(r - 2, Quadrature.outerHermite.count - 1)]
        return productRule(rule, rotated) { alpha in smoothLine(alpha, beta, activation) }
    }

    /// Gauss–Hermite points per outer axis for `r − 1` = 1, 2, 3, … outer dimensions.
    static let outerOrders = [64, 24, 12, 8, 6]

    /// An orthonormal basis of `R^r` whose last vector is the dominant eigenvector of `BᵀB`
    /// (power iteration), the others Gram–Schmidt of the unit vectors against it.
    static func dominantBasis(_ rows: [[Double]]) -> [[Double]] {
        let r = rows[0].count
        var gram = [[Double]](repeating: [Double](repeating: 0, count: r), count: r)
        for row in rows { for i in 0..<r { for j in 0..<r { gram[i][j] += row[i] * row[j] } } }
        var u = (0..<r).map { 1 + 0.1 * Double($0) }
        for _ in 0..<200 {
            var next = (0..<r).map { i in dot(gram[i], u) }
            let length = norm(next)
            guard length > 0 else { break }
            next = next.map { $0 / length }
            let change = norm(zip(next, u).map { $0 - $1 })
            u = next
            if change < 1e-15 { break }
        }
        var basis: [[Double]] = []
        for k in 0..<r where basis.count < r - 1 {
            var e = (0..<r).map { $0 == k ? 1.0 : 0.0 }
            for q in basis + [u] {
                let c = dot(e, q)
                e = zip(e, q).map { $0 - c * $1 }
            }
            let length = norm(e)
            guard length > 1e-8 else { continue }
            basis.append(e.map { $0 / length })
        }
        return basis + [u]
    }

    /// `∫ Π_a g(α_a + β_a t) φ(t) dt` by composite 16-point Gauss–Legendre on `[−9, 9]` (the normal
    /// tails beyond weigh 2e-19): unit panels, refined around each factor's transition
    /// `t_a = −α_a/β_a` at `t_a + k/|β_a|`, `k ∈ {0, ±1, ±2, ±4}`, so that every panel resolves every
    /// factor however steep.
    static func smoothLine(_ alpha: [Double], _ beta: [Double], _ activation: Activation) -> Double {
        let limit = 9.0
        var cuts = (-9...9).map(Double.init)
        for (a, b) in zip(alpha, beta) where abs(b) > 0.5 {
            let centre = -a / b, width = 1 / abs(b)
            for k in [-4.0, -2, -1, 0, 1, 2, 4] {
                let t = centre + k * width
                if abs(t) < limit { cuts.append(t) }
            }
        }
        cuts.sort()
        let rule = Quadrature.legendre16
        let total = frg_smooth_line(activation.rawValue, Int32(alpha.count), alpha, beta, Int32(cuts.count), cuts,
                                    rule.nodes, rule.weights)
        return total / (2 * Double.pi).squareRoot()
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
}
