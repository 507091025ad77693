import Foundation

/// The coupling integrals of a weight kernel that is not translation invariant, over the cube
/// `[−Λ, Λ]^d` instead of `R^d` (where they diverge: the ReLU kernel grows like `|x|`):
///
///     N_K = I_4 = ∫_{[−Λ,Λ]^d} d^d x Π_{j=1..4} K_W(x, x_j),   I_6 likewise,
///     I_{3|3} = ∫∫_{[−Λ,Λ]^{2d}} Π_{a∈left} K_W(x,a) K_W(x,y) Π_{b∈right} K_W(y,b)
///
/// (HMS's "RG in Λ": `u4(Λ) = −G_c^(4)/N_K(Λ)`). Quadrature: Gauss–Legendre, 32 points on each piece of
/// `[−Λ, Λ]` cut at 0 and (d = 1) at every input, where the kernels have their kinks (the ReLU kernel
/// at σ_b = 0 is `∝ |x||a|` on either side of 0; the arc-cosine kernel has a `|x − a|³` term): exact
/// to rounding for d = 1. For d = 2, 3 the kinks are not on the grid (16, 8 points per half axis):
/// about 1e-5 relative. Larger d is not offered (`maximumDimension`).
struct CutoffIntegrals {
    static let maximumDimension = 3

    /// Quadrature nodes in `[−Λ, Λ]^d` and their weights.
    let nodes: [[Double]]
    let weights: [Double]

    init(cutoff: Double, dimension d: Int, inputs: [[Double]]) {
        precondition(d >= 1 && d <= CutoffIntegrals.maximumDimension)
        var axisNodes: [Double] = [], axisWeights: [Double] = []
        let rule: Quadrature.Rule
        var cuts = [-cutoff, 0, cutoff]
        if d == 1 {
            rule = Quadrature.legendre32
            cuts += inputs.map { $0[0] }.filter { abs($0) < cutoff }
        } else {
            rule = Quadrature.legendre(d == 2 ? 16 : 8)
        }
        cuts = Array(Set(cuts)).sorted()
        for (a, b) in zip(cuts, cuts.dropFirst()) {
            let half = (b - a) / 2, middle = (a + b) / 2
            for (t, w) in zip(rule.nodes, rule.weights) {
                axisNodes.append(middle + half * t)
                axisWeights.append(half * w)
            }
        }
        var nodes: [[Double]] = [[]], weights: [Double] = [1]
        for _ in 0..<d {
            var nextNodes: [[Double]] = [], nextWeights: [Double] = []
            for (p, w) in zip(nodes, weights) {
                for (x, v) in zip(axisNodes, axisWeights) {
                    nextNodes.append(p + [x])
                    nextWeights.append(w * v)
                }
            }
            nodes = nextNodes
            weights = nextWeights
        }
        self.nodes = nodes
        self.weights = weights
    }

    /// `N_K`, `I_6` and `Σ_{10} I_{3|3}` for the combinations (multisets of input indices) given,
    /// with the kernel tabulated once on nodes × inputs and the internal line once on nodes × nodes;
    /// the one-vertex factors `Π_{a∈S} K_W(x, a)` of each triple `S` and their products with the
    /// internal line are shared by every combination that contains `S`.
    static func integrals(kernel: ([Double], [Double]) -> Double, cutoff: Double, dimension: Int,
                          inputs: [[Double]], four: [[Int]], six: [[Int]]) -> CouplingIntegrals {
        let grid = CutoffIntegrals(cutoff: cutoff, dimension: dimension, inputs: inputs)
        let m = grid.nodes.count
        let table = grid.nodes.map { x in inputs.map { kernel(x, $0) } }  // [node][input]
        func star(_ legs: [Int]) -> Double {
            var total = 0.0
            for k in 0..<m { total += grid.weights[k] * legs.reduce(1.0) { $0 * table[k][$1] } }
            return total
        }
        var line: [Double] = []
        var vertex: [[Int]: [Double]] = [:]  // Π_{a∈S} K_W(x,a) · w(x), per sorted triple S
        var propagated: [[Int]: [Double]] = [:]  // Σ_x vertex_S(x) K_W(x, y), per triple S
        if !six.isEmpty {
            line = [Double](repeating: 0, count: m * m)
            for i in 0..<m { for j in 0..<m { line[i * m + j] = kernel(grid.nodes[i], grid.nodes[j]) } }
        }
        func vertexValues(_ s: [Int]) -> [Double] {
            if let v = vertex[s] { return v }
            let v = (0..<m).map { k in grid.weights[k] * s.reduce(1.0) { $0 * table[k][$1] } }
            vertex[s] = v
            return v
        }
        func propagatedValues(_ s: [Int]) -> [Double] {
            if let p = propagated[s] { return p }
            let v = vertexValues(s)
            var p = [Double](repeating: 0, count: m)
            for i in 0..<m where v[i] != 0 {
                let row = i * m
                for j in 0..<m { p[j] += v[i] * line[row + j] }
            }
            propagated[s] = p
            return p
        }
        let tree = six.map { legs -> Double in
            Combinatorics.tripleSplits().reduce(0.0) { total, split in
                let left = split.0.map { legs[$0] }.sorted(), right = split.1.map { legs[$0] }.sorted()
                let p = propagatedValues(left), v = vertexValues(right)
                var sum = 0.0
                for j in 0..<m { sum += p[j] * v[j] }
                return total + sum
            }
        }
        return CouplingIntegrals(four: four.map(star), six: six.map(star), tree: tree)
    }
}

/// The normalizations of the couplings for every combination of a run (PHYSICS.md §2): `N_K = I_4`
/// per four-point combination, `I_6` and `Σ_{10} I_{3|3}` per six-point combination.
public struct CouplingIntegrals: Sendable, Equatable {
    public var four: [Double]
    public var six: [Double]
    public var tree: [Double]
}
