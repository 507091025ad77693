import Foundation
import XCTest
@testable import GaussNet

final class RandomTests: XCTestCase {
    /// Moments and the tail mass of the ziggurat normal. With n = 400 000 draws the standard errors
    /// are 0.0016 (mean), 0.0022 (variance), 0.015 (fourth moment, Var z⁴ = 96); the bounds are ≥ 4
    /// standard errors, so a correct generator fails with probability < 1e-4 per check.
    func testZigguratNormalMoments() {
        var stream = CounterRandomStream(seed: 42, stream: 7)
        let n = 400_000
        var s1 = 0.0, s2 = 0.0, s4 = 0.0
        var tail = 0
        for _ in 0..<n {
            let z = stream.nextNormal()
            s1 += z; s2 += z * z; s4 += z * z * z * z
            if abs(z) > 3.6541528853610088 { tail += 1 }  // the tail branch
        }
        XCTAssertEqual(s1 / Double(n), 0, accuracy: 0.008)
        XCTAssertEqual(s2 / Double(n), 1, accuracy: 0.01)
        XCTAssertEqual(s4 / Double(n), 3, accuracy: 0.065)
        // P(|z| > r) = erfc(r/√2) = 2.58e-4: expect 103 ± 10 draws.
        let expected = erfc(3.6541528853610088 / 2.0.squareRoot()) * Double(n)
        XCTAssertEqual(Double(tail), expected, accuracy: 5 * expected.squareRoot())
    }

    /// Counter-based: a stream's outputs depend only on (seed, stream, index).
    func testStreamsDependOnlyOnKeys() {
        var a = CounterRandomStream(seed: 1, stream: 5)
        var b = CounterRandomStream(seed: 1, stream: 5)
        var other = CounterRandomStream(seed: 1, stream: 6)
        _ = other.next()
        XCTAssertEqual((0..<10).map { _ in a.next() }, (0..<10).map { _ in b.next() })
        var c = CounterRandomStream(seed: 2, stream: 5)
        var d = CounterRandomStream(seed: 1, stream: 5)
        XCTAssertNotEqual(c.next(), d.next())
    }
}

final class FastMathTests: XCTestCase {
    /// fastExp against libm over the range the sampler can use, including the extremes.
    func testFastExpMatchesLibm() {
        var worst = 0.0
        var x = -700.0
        while x < 700 {
            let v = fastExp(SIMD4(x, x * 0.5, x * 1e-3, x * 1e-7))
            for (lane, arg) in [x, x * 0.5, x * 1e-3, x * 1e-7].enumerated() {
                worst = max(worst, abs(v[lane] / Foundation.exp(arg) - 1))
            }
            x += 0.0137
        }
        XCTAssertLessThan(worst, 1e-15)
    }
}
