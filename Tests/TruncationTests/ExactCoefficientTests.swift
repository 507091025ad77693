import BigInt
import Foundation
import XCTest
@testable import Truncation

/// `frg beta` prints the derivation's exact coefficients: big integers and fractions digit for
/// digit, in text, LaTeX and JSON (issue 15: at φ³⁰, 106 coefficients were printed inexactly as
/// doubles).
final class ExactCoefficientTests: XCTestCase {
    /// The coefficients of one equation straight from the derivation, at an integer `d`: each
    /// monomial's rational times `d^p`, summed over the `d` powers. Written here without the
    /// renderer's code, so that the two are an independent check of each other.
    func derivationCoefficients(_ beta: BetaFunctions, _ expression: SymbolicExpression, d: Int) -> [Rational] {
        let index = beta.derived.constants.dimensionIndex
        var merged: [TermKey: Rational] = [:]
        for (key, c) in expression.terms {
            var k = key
            let p = Int(k.exponents[index])
            k.exponents[index] = 0
            var value = c
            for _ in 0..<p { value = value * Rational(d) }
            merged[k, default: .zero] += value
        }
        return merged.values.filter { !$0.isZero }.sorted { ($0 - $1).isNegative }
    }

    func testOrder30CoefficientsArePrintedExactly() throws {
        let beta = try BetaFunctions(TruncationSpec(dimension: 3, order: 30))
        let text = beta.equations(format: .text).split(separator: "\n").filter { !$0.hasPrefix("#") }
        let json = try beta.jsonObject()
        let equations = try XCTUnwrap(json["equations"] as? [[String: Any]])
        XCTAssertEqual(equations.count, 15)
        var total = 0, beyondDoubles = 0, roundedByDoubles = 0
        for (i, equation) in equations.enumerated() {
            let exact = derivationCoefficients(beta, beta.derived.betas[i], d: 3)
            let terms = try XCTUnwrap(equation["terms"] as? [[String: Any]])
            // JSON: every coefficient string is the exact value, and together they are the derivation's.
            let printed = try terms.map { term -> Rational in
                let string = try XCTUnwrap(term["coefficient"] as? String)
                let parts = string.split(separator: "/")
                let value = Rational(try XCTUnwrap(BigInt(String(parts[0]))), parts.count == 2 ? try XCTUnwrap(BigInt(String(parts[1]))) : 1)
                XCTAssertEqual(value.description, string, "reduced, no sign in the denominator")
                XCTAssertEqual(term["coefficientValue"] as? Double, value.doubleValue)
                return value
            }
            XCTAssertEqual(printed.sorted { ($0 - $1).isNegative }, exact, "β of \(beta.couplingNames[i])")
            // Text: the same numbers, digit for digit, where a coefficient is shown (±1 is implied).
            let numbers = text[i].split(separator: " ").map { $0.hasPrefix("−") ? $0.dropFirst() : $0 }
                .filter { $0.first?.isNumber == true && $0.allSatisfy { $0.isNumber || $0 == "/" } }.map(String.init)
            let magnitudes = printed.map { ($0.isNegative ? -$0 : $0).description }
            XCTAssertEqual(numbers, magnitudes.filter { $0 != "1" }, "text of β of \(beta.couplingNames[i])")
            for value in printed {
                total += 1
                if value.numerator.magnitude > BigUInt(1) << 53 {
                    beyondDoubles += 1
                    // What printing the double would have shown instead.
                    if BigInt(exactly: value.doubleValue.rounded()) != value.numerator { roundedByDoubles += 1 }
                }
            }
        }
        // The case the test is about: coefficients past 2^53, some of which a double cannot hold.
        XCTAssertGreaterThan(beyondDoubles, 100, "of \(total)")
        XCTAssertGreaterThan(roundedByDoubles, 0)
    }

    func testDimensionIsTakenAsTheDecimalGiven() throws {
        XCTAssertEqual(Rational(decimal: "2.37"), Rational(237, 100))
        XCTAssertEqual(Rational(decimal: "3.0"), Rational(3))
        XCTAssertEqual(Rational(decimal: "-1.5e-3"), Rational(-3, 2000))
        XCTAssertEqual(Rational(decimal: "1e+2"), Rational(100))
        XCTAssertNil(Rational(decimal: "nan"))
        XCTAssertNil(Rational(decimal: "."))
        // −(4 − d) ū4 at d = 2.37: exactly −163/100, where the double 4 − 2.37 is 1.6300000000000001.
        let beta = try BetaFunctions(TruncationSpec(dimension: 2.37, order: 4))
        XCTAssertTrue(beta.equations(format: .text).contains("∂_t ū4 = −163/100 ū4 + 6 K_d ū4²/(1+ū2)³"), beta.equations(format: .text))
        XCTAssertTrue(beta.equations(format: .latex).contains("-\\tfrac{163}{100}\\,\\bar{u}_{4}"), beta.equations(format: .latex))
    }
}
