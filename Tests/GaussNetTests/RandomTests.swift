import Foundation
import GaussNetKernels
import XCTest
@testable import GaussNet

final class RandomTests: XCTestCase {
    /// Moments, tail mass and a binned χ² of the normal generator over 10⁷ vectorized draws.
    /// Standard errors: mean 3.2e-4, second moment 4.5e-4, fourth 3.1e-3 (Var z⁴ = 96), sixth
    /// 3.2e-2 (Var z⁶ = 10170); every bound is 5 standard errors. The χ² over 40 bins of width 0.2 on
    /// [−4, 4) has 39 degrees of freedom: P(χ² > 80) ≈ 1e-4. (This test caught a table read past the
    /// top layer that put 16σ too many draws in |z| < 0.2 at 10⁸ draws, and 5σ at 10⁷.)
    func testNormalDistribution() {
        var stream = CounterRandomStream(seed: 42, stream: 7)
        let block = 100_000, blocks = 100
        let n = Double(block * blocks)
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: block)
        defer { buffer.deallocate() }
        var s1 = 0.0, s2 = 0.0, s4 = 0.0, s6 = 0.0
        var tail = 0
        var bins = [Int](repeating: 0, count: 40)
        for _ in 0..<blocks {
            stream.fillNormals(buffer, count: block)
            for i in 0..<block {
                let z = buffer[i], z2 = z * z
                s1 += z; s2 += z2; s4 += z2 * z2; s6 += z2 * z2 * z2
                if abs(z) > Ziggurat.r { tail += 1 }
                let bin = Int(((z + 4) * 5).rounded(.down))
                if bin >= 0 && bin < 40 { bins[bin] += 1 }
            }
        }
        XCTAssertEqual(s1 / n, 0, accuracy: 5 * 3.2e-4)
        XCTAssertEqual(s2 / n, 1, accuracy: 5 * 4.5e-4)
        XCTAssertEqual(s4 / n, 3, accuracy: 5 * 3.1e-3)
        XCTAssertEqual(s6 / n, 15, accuracy: 5 * 3.2e-2)
        // The tail branch: P(|z| > r) = erfc(r/√2) = 1.17e-4, about 1170 ± 34 draws.
        let expected = erfc(Ziggurat.r / 2.0.squareRoot()) * n
        XCTAssertEqual(Double(tail), expected, accuracy: 5 * expected.squareRoot())
        var chiSquared = 0.0
        for (b, count) in bins.enumerated() {
            let lower = -4 + Double(b) * 0.2, upper = lower + 0.2
            let p = 0.5 * (erfc(-upper / 2.0.squareRoot()) - erfc(-lower / 2.0.squareRoot()))
            chiSquared += pow(Double(count) - p * n, 2) / (p * n)
        }
        XCTAssertLessThan(chiSquared, 80, "χ² over 40 bins (39 degrees of freedom)")
    }

    /// A draw depends only on (seed, stream, index): one at a time, vectorized from any offset, and
    /// inside the direct kernel all give the same bits.
    func testDrawsDependOnlyOnSeedStreamAndIndex() {
        var scalar = CounterRandomStream(seed: 3, stream: 11)
        let one = (0..<5000).map { _ in scalar.nextNormal() }
        var vector = CounterRandomStream(seed: 3, stream: 11)
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 5000)
        defer { buffer.deallocate() }
        vector.fillNormals(buffer, count: 1234)
        vector.fillNormals(buffer + 1234, count: 5000 - 1234)
        XCTAssertEqual(one, Array(UnsafeBufferPointer(start: buffer, count: 5000)))
        XCTAssertEqual(vector.index, 5000)
        // ≈ 40 of these 5000 went through the slow path (wedges, tail): the identity covers it.

        var a = CounterRandomStream(seed: 1, stream: 5)
        var b = CounterRandomStream(seed: 1, stream: 5)
        XCTAssertEqual((0..<10).map { _ in a.next() }, (0..<10).map { _ in b.next() })
        var other = CounterRandomStream(seed: 1, stream: 6)
        var c = CounterRandomStream(seed: 2, stream: 5)
        var d = CounterRandomStream(seed: 1, stream: 5)
        let first = d.next()
        XCTAssertNotEqual(other.next(), first)
        XCTAssertNotEqual(c.next(), first)
    }

    /// The direct kernel equals the same sum written out neuron by neuron with libm's exp, using
    /// its documented draw order (W0 block, b0 block, W1 block).
    func testDirectKernelMatchesItsDefinition() {
        let width = 37, points = 6
        let x0 = -0.01, h = 0.004, weightScale = 1.3, biasScale = 0.7, readoutScale = 0.2, shift = 0.49
        var stream = CounterRandomStream(seed: 9, stream: 4)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: CounterRandomStream.directScratchCount(width: width))
        let field = UnsafeMutablePointer<Double>.allocate(capacity: points)
        defer { scratch.deallocate(); field.deallocate() }
        stream.directGaussNet(width: width, points: points, start: x0, step: h, weightScale: weightScale,
                              biasScale: biasScale, readoutScale: readoutScale, shift: shift,
                              scratch: scratch, field: field)
        XCTAssertEqual(stream.index, UInt64(3 * width))
        var reference = CounterRandomStream(seed: 9, stream: 4)
        let z = (0..<(3 * width)).map { _ in reference.nextNormal() }
        for p in 0..<points {
            let x = x0 + Double(p) * h
            var sum = 0.0, scale = 0.0
            for i in 0..<width {
                let term = readoutScale * z[2 * width + i]
                    * Foundation.exp(weightScale * z[i] * x + biasScale * z[width + i] - shift)
                sum += term
                scale += abs(term)
            }
            XCTAssertEqual(field[p], sum, accuracy: 1e-14 * scale)
        }
    }

    /// The ziggurat table: every layer has area v (the base strip's pseudo-rectangle x[0] f(r)) to
    /// 1e-10 relative — the edges carry 44 mantissa bits, scripts/generate-ziggurat-table prints
    /// 4.5e-11 — the base strip's true area r f(r) + ∫_r^∞ f matches v to 1e-12, and every fast-test
    /// threshold lies below x[i+1]/x[i] (required for exactness: the rest goes through the wedge
    /// test) and within a factor 17/16 of it in 1 − ratio (so at most 1/16 more draws leave the
    /// fast path).
    func testZigguratTable() {
        let f = { (x: Double) in Foundation.exp(-0.5 * x * x) }
        let n = Ziggurat.layers
        XCTAssertEqual(Ziggurat.x(n), 0)
        let v = Ziggurat.x(0) * f(Ziggurat.r)
        let tail = (Double.pi / 2).squareRoot() * erfc(Ziggurat.r / 2.0.squareRoot())
        XCTAssertEqual((Ziggurat.r * f(Ziggurat.r) + tail) / v, 1, accuracy: 1e-12)
        var worst = 0.0
        for i in 0..<n {
            if i > 0 {
                let area = Ziggurat.x(i) * (f(Ziggurat.x(i + 1)) - f(Ziggurat.x(i)))
                worst = max(worst, abs(area / v - 1))
            }
            let ratio = Ziggurat.x(i + 1) / Ziggurat.x(i)
            XCTAssertLessThanOrEqual(Ziggurat.threshold(i), ratio, "layer \(i)")
            XCTAssertGreaterThanOrEqual(1 - Ziggurat.threshold(i), 0, "layer \(i)")
            XCTAssertLessThanOrEqual(1 - Ziggurat.threshold(i), (1 - ratio) * 17 / 16, "layer \(i)")
        }
        XCTAssertLessThan(worst, 1e-10, "largest relative deviation of a layer's area from v")
    }
}

extension RandomTests {
    /// The slow path of the base strip: a draw between the packed threshold and r/x[0] lies in the
    /// strip's rectangle and must come back unchanged as u·x[0]; one beyond r/x[0] goes to the tail
    /// (|z| > r). (A version that sent the first kind to the tail put 7e-6 of all draws in the tail;
    /// the moments at 10⁷ draws could not see it.)
    func testBaseStripSlowPath() {
        let key = frg_stream_key(5)
        let edgeRatio = Ziggurat.r / Ziggurat.x(0)
        let threshold = Ziggurat.threshold(0)
        XCTAssertLessThan(threshold, edgeRatio)
        for k in 0..<100 {
            let u = threshold + (edgeRatio - threshold) * (Double(k) + 0.5) / 100
            for sign in [1.0, -1.0] {
                let z = frg_normal_slow(key, UInt64(k), sign * u, 0)
                XCTAssertEqual(z, sign * u * Ziggurat.x(0), "u = \(sign * u)")
            }
            let beyond = edgeRatio + (1 - edgeRatio) * (Double(k) + 0.5) / 100
            let tail = frg_normal_slow(key, UInt64(k), -beyond, 0)
            XCTAssertLessThan(tail, -Ziggurat.r)
        }
    }
}

final class FastMathTests: XCTestCase {
    /// fastExp (Swift) and the C kernels' vectorized exp against libm over the range the sampler can
    /// use, including the extremes.
    func testFastExpMatchesLibm() {
        var worst = 0.0
        var arguments: [Double] = []
        var x = -700.0
        while x < 700 {
            let lanes = [x, x * 0.5, x * 1e-3, x * 1e-7]
            let v = fastExp(SIMD4(lanes[0], lanes[1], lanes[2], lanes[3]))
            for (lane, arg) in lanes.enumerated() {
                worst = max(worst, abs(v[lane] / Foundation.exp(arg) - 1))
            }
            arguments += lanes
            x += 0.0137
        }
        XCTAssertLessThan(worst, 1e-15)
        var values = [Double](repeating: 0, count: arguments.count)
        vectorExp(arguments, into: &values, count: arguments.count)
        let vectorWorst = zip(arguments, values).map { abs($1 / Foundation.exp($0) - 1) }.max()!
        XCTAssertLessThan(vectorWorst, 1e-15)
    }
}
