import XCTest
@testable import Truncation

extension FieldSeries {
    /// `Σ_k f_k · δ^k` for a series `δ` with zero constant term, where `f_k` is a symbolic
    /// expression (typically a threshold function): the Taylor expansion of `f(w + δ)` about `w`.
    /// `δ^k` only reaches degree `k` and up, so `k ≤ degree` suffices.
    static func composition(_ f: (Int) -> SymbolicExpression, delta: FieldSeries) -> FieldSeries {
        precondition(delta[0].isZero, "composition needs a series without constant term")
        var result = FieldSeries(degree: delta.degree)
        result.coefficients[0] = f(0)
        guard delta.degree >= 1 else { return result }
        var power = delta
        for k in 1...delta.degree {
            let fk = f(k)
            if !fk.isZero {
                for j in k...delta.degree where !power.coefficients[j].isZero {
                    result.coefficients[j] += power.coefficients[j] * fk
                }
            }
            if k < delta.degree { power = power * delta }
        }
        return result
    }
}

/// The reciprocal recurrence used by the derivation equals the Taylor expansion
/// `A_1(w + δ) = Σ_k (−1)^k A_{k+1}(w) δ^k` computed with explicit powers of `δ`, exactly.
final class SymbolicLayerTests: XCTestCase {
    func testThresholdRecurrenceEqualsTaylorPowers() {
        // δ = Σ_{j≥1} x_j s^j/(2j)! with symbolic coefficients (four couplings), degree 6.
        var delta = FieldSeries(degree: 6)
        for j in 1...4 { delta[j] = Rational.factorial(2 * j).reciprocal * SymbolicExpression(variable: j - 1) }
        delta[5] = Rational(3, 7) * (SymbolicExpression(variable: 0) * SymbolicExpression(variable: 2))
        let fast = FieldSeries.thresholdExpansion(family: .loop, delta: delta)
        let slow = FieldSeries.composition({ k in
            Rational(k % 2 == 0 ? 1 : -1) * SymbolicExpression(atom: ThresholdAtom(.loop, power: k + 1))
        }, delta: delta)
        for m in 0...6 {
            let difference = fast[m] - slow[m]
            XCTAssertTrue(difference.isZero, "coefficient \(m) differs by \(difference.terms.count) terms")
            XCTAssertFalse(fast[m].isZero)
        }
    }

    func testRationalArithmeticBeyondInt64() {
        let f40 = Rational.factorial(40)
        XCTAssertEqual(f40.description, "815915283247897734345611269596115894272000000000")
        let x = f40 / Rational.factorial(38)
        XCTAssertEqual(x, Rational(40 * 39))
        XCTAssertEqual((Rational(1, 3) + Rational(1, 6)), Rational(1, 2))
        XCTAssertEqual(Rational(Int.max) + Rational(1) - Rational(1), Rational(Int.max))
        XCTAssertEqual(f40.reciprocal.doubleValue, 1 / 8.159152832478977e47, accuracy: 1e-62)
    }
}
