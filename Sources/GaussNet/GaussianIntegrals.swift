import Foundation

/// Closed-form Gaussian integrals of products of the weight kernel
/// `K_W(x, a) = σ_W² exp(−α |x − a|²)`, `α = σ_W²/(2d)`, over `x ∈ R^d` (PHYSICS.md §2).
public struct KernelIntegrals: Sendable {
    public let sigmaW: Double
    public let inputDimension: Int

    public init(sigmaW: Double, inputDimension: Int) {
        self.sigmaW = sigmaW
        self.inputDimension = inputDimension
    }

    var alpha: Double { sigmaW * sigmaW / (2 * Double(inputDimension)) }

    /// Star integral `I_n(a_1..a_n) = ∫ d^d x Π_j K_W(x, a_j)`:
    ///
    ///     I_n = σ_W^{2n} (π/(nα))^{d/2} exp(−α [Σ_j |a_j|² − |Σ_j a_j|²/n])
    ///
    /// (complete the square in `x`). `N_K = I_4` is the four-point normalization of `u4`; `I_6`
    /// that of `u6`.
    public func star(_ points: [[Double]]) -> Double {
        let n = Double(points.count)
        let d = inputDimension
        let (sumSquared, squares) = sumAndSquares(points, dimension: d)
        let exponent = -alpha * (squares - sumSquared / n)
        return pow(sigmaW * sigmaW, n) * pow(Double.pi / (n * alpha), Double(d) / 2) * exp(exponent)
    }

    /// Two-vertex tree integral with three legs on each vertex and one internal line:
    ///
    ///     I_{3|3} = ∫∫ d^d x d^d y K_W(x,a)K_W(x,b)K_W(x,c) K_W(x,y) K_W(y,d)K_W(y,e)K_W(y,f)
    ///
    /// Per coordinate the exponent is `−α[3x² − 2xA + (x−y)² + 3y² − 2yB + S]` with
    /// `A = a+b+c`, `B = d+e+f`, `S` the sum of the six squares: the quadratic form
    /// `α[[4,−1],[−1,4]]` has determinant `15α²` and inverse `[[4,1],[1,4]]/(15α)`, so
    ///
    ///     I_{3|3} = σ_W^{14} (π/(α√15))^d exp(α [(4|A|² + 2A·B + 4|B|²)/15 − S]).
    public func twoVertex(_ left: [[Double]], _ right: [[Double]]) -> Double {
        precondition(left.count == 3 && right.count == 3)
        let d = inputDimension
        var a = [Double](repeating: 0, count: d)
        var b = [Double](repeating: 0, count: d)
        var squares = 0.0
        for p in left { for k in 0..<d { a[k] += p[k]; squares += p[k] * p[k] } }
        for p in right { for k in 0..<d { b[k] += p[k]; squares += p[k] * p[k] } }
        var quadratic = 0.0
        for k in 0..<d { quadratic += 4 * a[k] * a[k] + 2 * a[k] * b[k] + 4 * b[k] * b[k] }
        let prefactor = pow(sigmaW * sigmaW, 7) * pow(Double.pi / (alpha * 15.0.squareRoot()), Double(d))
        return prefactor * exp(alpha * (quadratic / 15 - squares))
    }

    /// `Σ_{10 splits {abc|def}} I_{3|3}` over the six legs `points`.
    public func twoVertexSum(_ points: [[Double]]) -> Double {
        precondition(points.count == 6)
        return Combinatorics.tripleSplits().reduce(0) { total, split in
            total + twoVertex(split.0.map { points[$0] }, split.1.map { points[$0] })
        }
    }
}
