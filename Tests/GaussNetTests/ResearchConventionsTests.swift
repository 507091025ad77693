import Foundation
@testable import GaussNet
import XCTest

/// The research codes' conventions are exact maps of the same bags (docs/conventions.md §8): each
/// number is recomputed here from the per-bag estimates by its own definition, independently of
/// `ResearchConventions`, and must agree to rounding (1e-12 relative: sums of a few hundred terms).
final class ResearchConventionsTests: XCTestCase {
    /// A small Gauss-net measurement: 3 inputs, 7 bags (so that ddof 0 and ddof 1 differ by 7 %).
    static let measurement: GaussNet.Measurement = {
        let s = SamplerSettings(sigmaB: 0.5, width: 4, inputs: [[-0.3], [0.1], [0.4]], netsPerBag: 400, bags: 7, seed: 3, threads: 1)
        return try! GaussNetSampler(settings: s).run()
    }()

    func conventions() throws -> ResearchConventions { try XCTUnwrap(Self.measurement.conventions) }

    /// HMS's λ = +ΔG⁽⁴⁾/(24 N_K) from the bag-averaged G⁽⁴⁾, and it is −u4/24.
    func testHMSLambdaIsMinusU4Over24() throws {
        let m = Self.measurement, hms = try conventions().hms
        let four = m.correlator(order: 4)
        let g4 = four.mean.indices.map { k in m.bags.reduce(0) { $0 + $1.fourPoint[k] } / Double(m.bags.count) }
        for k in g4.indices {
            let lambda = (g4[k] - four.gaussian[k]) / (24 * m.u4.normalization[k])
            XCTAssertEqual(hms.lambda[k], lambda, accuracy: 1e-12 * abs(lambda))
            XCTAssertEqual(hms.lambda[k], -m.u4.values[k] / 24, accuracy: 1e-15 * abs(lambda))
        }
        XCTAssertEqual(hms.lambdaMean, -m.u4.mean / 24, accuracy: 1e-15 * abs(m.u4.mean))
        XCTAssertEqual(hms.lambdaStandardError, m.u4.standardError / 24, accuracy: 1e-15 * m.u4.standardError)
    }

    /// The ddof-0 background is frg's ddof-1 background times √((B−1)/B), per order and combination.
    func testHMSBackgroundIsDdof0() throws {
        let m = Self.measurement, hms = try conventions().hms
        let b = Double(m.bags.count), ratio = ((b - 1) / b).squareRoot()
        XCTAssertEqual(hms.correlators.map(\.order), [2, 4, 6])
        for c in hms.correlators {
            let frg = m.correlator(order: c.order)
            XCTAssertEqual(c.background.count, frg.background.count)
            for (hmsValue, frgValue) in zip(c.background, frg.background) {
                XCTAssertGreaterThan(frgValue, 0)
                XCTAssertEqual(hmsValue / frgValue, ratio, accuracy: 1e-12)
            }
        }
    }

    /// ⟨|m_n|⟩ and the backgrounds over all pⁿ ordered tuples, enumerated one by one.
    func testHMSAveragesOverOrderedTuples() throws {
        let m = Self.measurement, hms = try conventions().hms
        let p = m.settings.inputs.count
        for c in hms.correlators {
            let frg = m.correlator(order: c.order)
            var sumM = 0.0, sumBackground = 0.0, sumRelative = 0.0, count = 0
            for code in 0..<Int(pow(Double(p), Double(c.order))) {
                var digits: [Int] = [], rest = code
                for _ in 0..<c.order { digits.append(rest % p); rest /= p }
                let k = try XCTUnwrap(frg.combinations.firstIndex(of: digits.sorted()))
                sumM += abs(frg.relativeDeviation[k])
                sumBackground += c.background[k]
                sumRelative += c.background[k] / abs(frg.gaussian[k])
                count += 1
            }
            let n = Double(count)
            XCTAssertEqual(c.meanAbsoluteRelativeDeviation, sumM / n, accuracy: 1e-12 * sumM / n)
            XCTAssertEqual(c.meanBackground, sumBackground / n, accuracy: 1e-12 * sumBackground / n)
            XCTAssertEqual(c.meanRelativeBackground, sumRelative / n, accuracy: 1e-12 * sumRelative / n)
        }
        // Over multisets (frg) the diagonal counts as much as a pair; over ordered pairs half as much:
        // with these 7 bags the two averages of |m_2| differ.
        XCTAssertNotEqual(hms.correlators[0].meanAbsoluteRelativeDeviation, m.correlator(order: 2).meanAbsoluteRelativeDeviation)
    }

    /// The weights are the multinomial counts: they sum to pⁿ over the multisets.
    func testOrderingsAreMultinomial() {
        XCTAssertEqual(ResearchConventions.orderings([0, 0, 1, 2]), 12)
        XCTAssertEqual(ResearchConventions.orderings([1, 1, 1, 1, 1, 1]), 1)
        XCTAssertEqual(ResearchConventions.orderings([0, 1, 2, 3, 4, 5]), 720)
        for (p, n) in [(3, 2), (4, 4), (6, 6)] {
            let total = Combinatorics.multisets(of: p, size: n).map(ResearchConventions.orderings).reduce(0, +)
            XCTAssertEqual(total, pow(Double(p), Double(n)))
        }
    }

    /// nnqft's ± is the ddof-0 spread of u4 over the combinations, not a standard error.
    func testNNQFTSpreadOverCombinations() throws {
        let m = Self.measurement, nnqft = try conventions().nnqft
        let values = m.u4.values, n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let spread = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
        XCTAssertEqual(nnqft.u4Mean, m.u4.mean)
        XCTAssertEqual(nnqft.u4Spread, spread, accuracy: 1e-12 * spread)
    }

    /// The conventions are written into the measurement document and read back unchanged; a
    /// document without them (written before) still decodes.
    func testDocumentRoundTrip() throws {
        let m = Self.measurement
        let data = try JSONEncoder().encode(MeasurementDocument(frgVersion: "test", measurement: m))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertNotNil(object["conventions"])
        XCTAssertEqual(try JSONDecoder().decode(MeasurementDocument.self, from: data).measurement.conventions, m.conventions)
        var old = object
        old["conventions"] = nil
        let decoded = try JSONDecoder().decode(MeasurementDocument.self, from: try JSONSerialization.data(withJSONObject: old))
        XCTAssertNil(decoded.measurement.conventions)
    }
}
