import Foundation

/// The translation-invariant Gaussian weight kernel `K_W(x, a) = σ_W² exp(−α |x − a|²)`,
/// `α = σ_W²/(2d)`, shared by the Gauss-net and the Cos-net (PHYSICS.md §2): closed-form Gaussian
/// integrals of its products over `x ∈ R^d`, and the infrared expansion of its inverse.
public struct GaussianWeightKernel: Sendable, Equatable {
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

    /// `m0² = 2σ_W²/d`: with `K̃(p) = ∫ d^d x e^{−ip·x} K_W(x)` the kernel is
    /// `σ_W² (2πd/σ_W²)^{d/2} exp(−d p²/(2σ_W²))`, whose inverse is `∝ 1 + d p²/(2σ_W²) + O(p⁴)`
    /// (PHYSICS.md §3). Also the scale `k² = 2σ_W²/d` of the active flow.
    public var massSquared: Double { 2 * sigmaW * sigmaW / Double(inputDimension) }

    /// `σ_W = √(d m0²/2)`, the inverse of `massSquared`; nil for `m0² ≤ 0`.
    public func sigmaW(massSquared m2: Double) -> Double? {
        m2 > 0 ? (Double(inputDimension) * m2 / 2).squareRoot() : nil
    }

    /// The wave-function normalization `Z` of `1/K̃(p) = Z (m0² + p²) + O(p⁴)`:
    ///
    ///     Z = (d/2) σ_W^{d−4} (2πd)^{−d/2}
    ///
    /// The one place that fixes the Fourier convention of `Z` (docs/conventions.md §4): the
    /// standard transform `K̃(p) = ∫ d^d x e^{−ip·x} K_W(x) = σ_W² (2πd/σ_W²)^{d/2} e^{−d p²/(2σ_W²)}`,
    /// the one consistent with the position-space normalizations `N_K = ∫ d^d x Π K_W` of the
    /// measured couplings and with `Γ ∋ (u4/4!) ∫ d^d x φ⁴`. Seed 001 writes `K(p)` with an extra
    /// `(2π)^{−d}`; its `Z_0` is `(2π)^d` times this `Z`. Canonically normalized couplings are
    /// `λ_{2n} = u_{2n}/Z^n` (their `σ_W` slope does not depend on the convention, their size does).
    public var wavefunctionNormalization: Double {
        let d = Double(inputDimension)
        return (d / 2) * pow(sigmaW, d - 4) * pow(2 * Double.pi * d, -d / 2)
    }
}

/// An architecture whose weight kernel is the translation-invariant Gaussian
/// `K_W(x,y) = σ_W² exp(−σ_W²|x−y|²/(2d))` (i.e. `H_2(x,y) = exp(−σ_W²|x−y|²/(2d))`): it gets the
/// integrals, the mass and `Z` from `GaussianWeightKernel`.
public protocol GaussianKernelArchitecture: Architecture {}

extension GaussianKernelArchitecture {
    /// The shared closed forms at this architecture's `σ_W` and `d`.
    public var gaussianKernel: GaussianWeightKernel {
        GaussianWeightKernel(sigmaW: sigmaW, inputDimension: inputDimension)
    }

    public func starIntegral(_ points: [[Double]]) -> Double { gaussianKernel.star(points) }

    public func twoVertexIntegral(_ left: [[Double]], _ right: [[Double]]) -> Double {
        gaussianKernel.twoVertex(left, right)
    }

    public var massSquared: Double? { gaussianKernel.massSquared }

    public var wavefunctionNormalization: Double? { gaussianKernel.wavefunctionNormalization }

    public func sigmaW(massSquared m2: Double) -> Double? { gaussianKernel.sigmaW(massSquared: m2) }
}
