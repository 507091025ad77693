import Foundation

/// Chebyshev–Gauss–Lobatto collocation on an interval `[0, length]`.
///
/// Nodes `x_j = cos(πj/N)`, `j = 0…N`, mapped linearly to `ρ_j = (x_j + 1)·length/2`, so node 0 is
/// the right end `ρ = length` and node `N` the origin. `first` and `second` are the row-major
/// `(N+1)×(N+1)` differentiation matrices (Trefethen, *Spectral Methods in MATLAB*, `cheb.m`, with
/// the negative-sum trick for the diagonal), scaled to the interval.
struct ChebyshevGrid {
    let size: Int
    let nodes: [Double]
    let first: [Double]
    let second: [Double]

    init(basisSize n: Int, length: Double) {
        size = n + 1
        let x = (0...n).map { cos(Double.pi * Double($0) / Double(n)) }
        let c = (0...n).map { j -> Double in
            ((j == 0 || j == n) ? 2.0 : 1.0) * (j % 2 == 0 ? 1.0 : -1.0)
        }
        var d = [Double](repeating: 0, count: size * size)
        for i in 0...n {
            var rowSum = 0.0
            for j in 0...n where j != i {
                d[i * size + j] = c[i] / c[j] / (x[i] - x[j])
                rowSum += d[i * size + j]
            }
            d[i * size + i] = -rowSum
        }
        let scale = 2 / length
        for k in d.indices { d[k] *= scale }
        var d2 = [Double](repeating: 0, count: size * size)
        for i in 0..<size {
            for k in 0..<size where d[i * size + k] != 0 {
                let a = d[i * size + k]
                for j in 0..<size { d2[i * size + j] += a * d[k * size + j] }
            }
        }
        nodes = x.map { ($0 + 1) * length / 2 }
        first = d
        second = d2
    }
}
