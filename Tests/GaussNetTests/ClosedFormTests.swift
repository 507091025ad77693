import Foundation
import XCTest
@testable import GaussNet

/// Closed forms checked against independent computations (quadrature, brute force, seed 003).
final class ClosedFormTests: XCTestCase {
    func testMultisetCountsAndOrder() {
        XCTAssertEqual(Combinatorics.multisets(of: 6, size: 2).count, 21)
        XCTAssertEqual(Combinatorics.multisets(of: 6, size: 4).count, 126)
        XCTAssertEqual(Combinatorics.multisets(of: 6, size: 6).count, 462)
        XCTAssertEqual(Combinatorics.multisetCount(6, 6), 462)
        // itertools.combinations_with_replacement(range(3), 2) order.
        XCTAssertEqual(Combinatorics.multisets(of: 3, size: 2), [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]])
        XCTAssertEqual(Combinatorics.pairings(of: 6).count, 15)
        XCTAssertEqual(Combinatorics.tripleSplits().count, 10)
        // Wick sum of a constant covariance c over 2n legs is (2n−1)!! c^n.
        XCTAssertEqual(wickSum([0, 1, 2, 3, 4, 5]) { _, _ in 2 }, 15 * 8)
    }

    /// Gauss-net H_n against seed 003's G_c^(4) written in its own variables
    /// (σ_a² = 2σ_W², its σ_b = our σ_W, its σ_c = our σ_b).
    func testGaussNetFourPointMatchesSeed003() {
        let (sW, sB, d) = (1.3, 0.7, 1)
        let arch = GaussNetArchitecture(sigmaW: sW, sigmaB: sB, inputDimension: d)
        let x = [0.3, -0.2, 0.5, 0.1]
        let n = 7
        let sa2 = 2 * sW * sW
        let e = { (v: Double) in exp(-sW * sW / (2 * Double(d)) * v) }
        var cross = 0.0
        for i in 0..<4 { for j in (i + 1)..<4 { cross += 2 * x[i] * x[j] } }
        let squares = x.reduce(0) { $0 + $1 * $1 }
        let seed = sa2 * sa2 / (4 * Double(n)) * (3 * exp(4 * sB * sB) * e(squares - cross)
            - e(pow(x[0] - x[3], 2) + pow(x[1] - x[2], 2)) - e(pow(x[0] - x[2], 2) + pow(x[1] - x[3], 2))
            - e(pow(x[0] - x[1], 2) + pow(x[2] - x[3], 2)))
        let ours = arch.exactConnectedFourPoint(x.map { [$0] }, width: n)
        XCTAssertEqual(ours, seed, accuracy: 1e-12 * abs(seed))
    }

    /// Cos-net against seed 003 (σ_a² = 2σ_W² absorbs our √2 neuron normalization).
    func testCosNetFourPointMatchesSeed003() {
        let (sW, d) = (1.7, 1)
        let arch = CosNetArchitecture(sigmaW: sW, sigmaB: 0.4, inputDimension: d)
        let x = [0.3, -0.2, 0.5, 0.1]
        let n = 5
        let sa2 = 2 * sW * sW
        let e = { (v: Double) in exp(-sW * sW / (2 * Double(d)) * v) }
        let seed = sa2 * sa2 / (8 * Double(n)) * (
            3 * (e(pow(x[0] + x[1] - x[2] - x[3], 2)) + e(pow(x[0] - x[1] + x[2] - x[3], 2))
                 + e(pow(x[0] - x[1] - x[2] + x[3], 2)))
            - 2 * e(pow(x[0] - x[3], 2) + pow(x[1] - x[2], 2)) - 2 * e(pow(x[0] - x[2], 2) + pow(x[1] - x[3], 2))
            - 2 * e(pow(x[0] - x[1], 2) + pow(x[2] - x[3], 2)))
        let ours = arch.exactConnectedFourPoint(x.map { [$0] }, width: n)
        XCTAssertEqual(ours, seed, accuracy: 1e-12 * abs(seed))
    }

    /// H_n by brute-force quadrature over the neuron's two parameters (d = 1).
    func testNeuronCorrelatorsByQuadrature() {
        let x: [[Double]] = [[0.2], [-0.4], [0.5], [0.1], [0.0], [-0.3]]
        let (sW, sB) = (1.2, 0.6)
        let gauss = GaussNetArchitecture(sigmaW: sW, sigmaB: sB, inputDimension: 1)
        let cos = CosNetArchitecture(sigmaW: sW, sigmaB: sB, inputDimension: 1)
        // Trapezoid rule on ±10 standard deviations, 801 nodes per axis: spectrally accurate for
        // these smooth, rapidly decaying integrands (error far below the 1e-8 tolerance).
        func normalExpectation2D(_ f: (Double, Double) -> Double) -> Double {
            let m = 800, range = 10.0
            let h = 2 * range / Double(m)
            var total = 0.0
            for i in 0...m {
                let z1 = -range + Double(i) * h
                let w1 = exp(-z1 * z1 / 2)
                for j in 0...m {
                    let z2 = -range + Double(j) * h
                    total += w1 * exp(-z2 * z2 / 2) * f(z1, z2)
                }
            }
            return total * h * h / (2 * Double.pi)
        }
        for n in [2, 4, 6] {
            let pts = Array(x.prefix(n))
            let gaussQuadrature = normalExpectation2D { z1, z2 in
                pts.reduce(1.0) { $0 * exp(sW * z1 * $1[0] + sB * z2 - sB * sB - sW * sW * $1[0] * $1[0]) }
            }
            XCTAssertEqual(gauss.neuronCorrelator(pts), gaussQuadrature, accuracy: 1e-8 * gaussQuadrature, "Gauss H_\(n)")
            // Cos-net: the phase is uniform; integrate it with the periodic trapezoid rule (exact for
            // trigonometric polynomials of degree < 400).
            var cosQuadrature = 0.0
            let phases = 400
            for k in 0..<phases {
                let phase = -Double.pi + 2 * Double.pi * Double(k) / Double(phases)
                cosQuadrature += normalExpectation1D { z in
                    pts.reduce(1.0) { $0 * 2.0.squareRoot() * Foundation.cos(sW * z * $1[0] + phase) }
                }
            }
            cosQuadrature /= Double(phases)
            XCTAssertEqual(cos.neuronCorrelator(pts), cosQuadrature, accuracy: 1e-10, "Cos H_\(n)")
        }
    }

    private func normalExpectation1D(_ f: (Double) -> Double) -> Double {
        let m = 800, range = 10.0
        let h = 2 * range / Double(m)
        var total = 0.0
        for i in 0...m {
            let z = -range + Double(i) * h
            total += exp(-z * z / 2) * f(z)
        }
        return total * h / (2 * Double.pi).squareRoot()
    }

    /// I_n (d = 1, 2) and I_{3|3} (d = 1) against trapezoid quadrature.
    func testKernelIntegralsByQuadrature() {
        let sW = 1.4
        for d in [1, 2] {
            let integrals = GaussianWeightKernel(sigmaW: sW, inputDimension: d)
            let pts: [[Double]] = (0..<6).map { k in (0..<d).map { c in 0.3 * sin(Double(3 * k + c + 1)) } }
            let kW = { (x: [Double], a: [Double]) -> Double in
                sW * sW * exp(-sW * sW / (2 * Double(d)) * zip(x, a).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) })
            }
            let m = d == 1 ? 400 : 200, range = 8.0
            let h = 2 * range / Double(m)
            func grid(_ body: ([Double]) -> Double) -> Double {
                var total = 0.0
                if d == 1 {
                    for i in 0...m { total += body([-range + Double(i) * h]) }
                    return total * h
                }
                for i in 0...m { for j in 0...m { total += body([-range + Double(i) * h, -range + Double(j) * h]) } }
                return total * h * h
            }
            for n in [4, 6] {
                let q = grid { x in pts.prefix(n).reduce(1.0) { $0 * kW(x, $1) } }
                XCTAssertEqual(integrals.star(Array(pts.prefix(n))), q, accuracy: 1e-8 * q, "I_\(n), d = \(d)")
            }
            guard d == 1 else { continue }
            let left = Array(pts[0..<3]), right = Array(pts[3..<6])
            let q = grid { x in
                let vx = left.reduce(1.0) { $0 * kW(x, $1) }
                return vx * grid { y in kW(x, y) * right.reduce(1.0) { $0 * kW(y, $1) } }
            }
            XCTAssertEqual(integrals.twoVertex(left, right), q, accuracy: 1e-8 * q, "I_3|3")
        }
    }

    /// The exact six-point formula against its definition: N·κ_6 of one term W1·g, with κ_6 built by
    /// brute force from moments over all 203 set partitions of six legs.
    func testExactSixPointFromCumulantsBruteForce() {
        for arch in [GaussNetArchitecture(sigmaW: 1.1, sigmaB: 0.5, inputDimension: 1) as any Architecture,
                     CosNetArchitecture(sigmaW: 1.1, sigmaB: 0.5, inputDimension: 1)] {
            let x: [[Double]] = [[0.1], [0.3], [-0.2], [0.0], [0.25], [-0.15]]
            let n = 3
            let s = 1.1 * 1.1 / Double(n)
            func w1Moment(_ k: Int) -> Double {  // E[W1^k] = (k−1)!! s^{k/2}
                k % 2 == 1 ? 0 : pow(s, Double(k / 2)) * Double(stride(from: 1, to: k, by: 2).reduce(1, *))
            }
            func moment(_ legs: [Int]) -> Double { w1Moment(legs.count) * arch.neuronCorrelator(legs.map { x[$0] }) }
            func partitions(_ items: [Int]) -> [[[Int]]] {
                guard let first = items.first else { return [[]] }
                var result: [[[Int]]] = []
                for rest in partitions(Array(items.dropFirst())) {
                    result.append([[first]] + rest)
                    for k in rest.indices {
                        var copy = rest
                        copy[k].append(first)
                        result.append(copy)
                    }
                }
                return result
            }
            // κ = Σ_π (−1)^{|π|−1} (|π|−1)! Π_{b∈π} m(b)
            var kappa = 0.0
            let all = partitions(Array(0..<6))
            XCTAssertEqual(all.count, 203)
            for pi in all {
                let blocks = pi.count
                let sign = blocks % 2 == 1 ? 1.0 : -1.0
                let factorial = Double((1..<blocks).reduce(1, *))
                kappa += sign * factorial * pi.reduce(1.0) { $0 * moment($1) }
            }
            let expected = Double(n) * kappa
            XCTAssertEqual(arch.exactConnectedSixPoint(x, width: n), expected, accuracy: 1e-10 * abs(expected))
        }
    }
}
