import Foundation
import XCTest
@testable import Truncation

/// A small deterministic generator (SplitMix64) so that "random points" are reproducible.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [a, b).
    mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * Double(next() >> 11) / Double(1 << 53)
    }
}

/// |a − b| ≤ tol · max(|a|, |b|, floor).
func assertRelativelyClose(_ a: Double, _ b: Double, _ tol: Double, floor: Double = 1e-300,
                           _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    let scale = max(abs(a), abs(b), floor)
    XCTAssert(abs(a - b) <= tol * scale, "\(a) vs \(b) (rel. diff \(abs(a - b) / scale)) \(message())", file: file, line: line)
}

/// K_d computed independently from the definition (volume of the unit d-ball over (2π)^d).
func independentKd(_ d: Double) -> Double {
    let unitBall = pow(Double.pi, d / 2) / tgamma(d / 2 + 1)
    return unitBall / pow(2 * Double.pi, d)
}

/// Central finite-difference Jacobian (Richardson-extrapolated), row-major.
func finiteDifferenceJacobian(_ f: ([Double]) -> [Double], at x: [Double]) -> [Double] {
    let n = x.count
    var jac = [Double](repeating: 0, count: n * n)
    for j in 0..<n {
        let h = 1e-3 * max(abs(x[j]), 0.1)
        func diff(_ h: Double) -> [Double] {
            var xp = x, xm = x
            xp[j] += h
            xm[j] -= h
            let fp = f(xp), fm = f(xm)
            return (0..<n).map { (fp[$0] - fm[$0]) / (2 * h) }
        }
        let d1 = diff(h), d2 = diff(h / 2)
        for i in 0..<n { jac[i * n + j] = (4 * d2[i] - d1[i]) / 3 }
    }
    return jac
}
