import Foundation

/// Gaussian quadrature rules for the exact neuron moments and the cutoff integrals of the
/// activation networks (`NeuronMoments`, `CutoffIntegrals`): nodes by Newton's method on the
/// three-term recurrences, converged to a few ulp.
enum Quadrature {
    /// An `n`-point rule: `Σ_i weights[i] f(nodes[i])`.
    struct Rule: Sendable {
        let nodes: [Double]
        let weights: [Double]
    }

    /// Gauss–Legendre on [−1, 1]: exact for polynomials of degree `2n − 1`.
    static func legendre(_ n: Int) -> Rule {
        var nodes = [Double](repeating: 0, count: n), weights = nodes
        for i in 0..<(n + 1) / 2 {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = 0.0
                for j in 1...n {  // P_j = ((2j−1) x P_{j−1} − (j−1) P_{j−2}) / j
                    let p2 = p1
                    p1 = p0
                    p0 = ((2 * Double(j) - 1) * x * p1 - (Double(j) - 1) * p2) / Double(j)
                }
                derivative = Double(n) * (x * p0 - p1) / (x * x - 1)
                let step = p0 / derivative
                x -= step
                if abs(step) < 1e-16 { break }
            }
            nodes[i] = -x
            nodes[n - 1 - i] = x
            weights[i] = 2 / ((1 - x * x) * derivative * derivative)
            weights[n - 1 - i] = weights[i]
        }
        return Rule(nodes: nodes, weights: weights)
    }

    /// Gauss–Hermite for the standard normal: `E[f(v)] ≈ Σ_i w_i f(v_i)`, `v ~ N(0, 1)`; exact for
    /// polynomials of degree `2n − 1`. Newton on the orthonormal Hermite polynomials (weight `e^{−x²}`),
    /// then `v = √2 x`, `w = w_x/√π`.
    static func hermite(_ n: Int) -> Rule {
        var nodes = [Double](repeating: 0, count: n), weights = nodes
        var roots: [Double] = []
        for i in 0..<(n + 1) / 2 {
            // Asymptotic starting values for the largest roots, then extrapolation from the previous two.
            var x: Double
            switch i {
            case 0: x = (2 * Double(n) + 1).squareRoot() - 1.85575 * pow(2 * Double(n) + 1, -1.0 / 6)
            case 1: x = roots[0] - 1.14 * pow(Double(n), 0.426) / roots[0]
            case 2: x = 1.86 * roots[1] - 0.86 * roots[0]
            case 3: x = 1.91 * roots[2] - 0.91 * roots[1]
            default: x = 2 * roots[i - 1] - roots[i - 2]
            }
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = pow(Double.pi, -0.25), p1 = 0.0
                for j in 1...n {
                    let p2 = p1
                    p1 = p0
                    p0 = x * (2 / Double(j)).squareRoot() * p1 - ((Double(j) - 1) / Double(j)).squareRoot() * p2
                }
                derivative = (2 * Double(n)).squareRoot() * p1
                let step = p0 / derivative
                x -= step
                if abs(step) < 1e-15 * max(1, abs(x)) { break }
            }
            roots.append(x)
            let w = 2 / (derivative * derivative) / Double.pi.squareRoot()
            nodes[i] = 2.0.squareRoot() * x
            nodes[n - 1 - i] = -nodes[i]
            weights[i] = w
            weights[n - 1 - i] = w
        }
        if n % 2 == 1 { nodes[n / 2] = 0 }
        return Rule(nodes: nodes, weights: weights)
    }

    /// The outer Gauss–Hermite rules of the ReLU's nested moments, by outer dimension (computed once).
    static let hermiteByRank: [Rule] = NeuronMoments.hermiteOrders.map { hermite($0) }
    /// The outer Gauss–Hermite rules of the smooth moments, by outer dimension (computed once).
    static let outerHermite: [Rule] = NeuronMoments.outerOrders.map { hermite($0) }
    /// `E[f(v)]`, `v ~ N(0, 1)`, by composite 12-point Gauss–Legendre on unit panels of [−9, 9]
    /// (weights times the normal density; the tails beyond weigh 2e-19): for integrands analytic
    /// only in a strip, where Gauss–Hermite converges slowly.
    static let compositeNormal: Rule = {
        let rule = legendre(12)
        var nodes: [Double] = [], weights: [Double] = []
        for left in -9..<9 {
            for (t, w) in zip(rule.nodes, rule.weights) {
                let v = Double(left) + 0.5 + 0.5 * t
                nodes.append(v)
                weights.append(0.5 * w * exp(-v * v / 2) / (2 * Double.pi).squareRoot())
            }
        }
        return Rule(nodes: nodes, weights: weights)
    }()
    /// 16-point Gauss–Legendre, the panels of `NeuronMoments.smoothLine`.
    static let legendre16 = legendre(16)
    /// The Gauss–Legendre rule on arcs and cutoff intervals (computed once).
    static let legendre32 = legendre(32)
}
