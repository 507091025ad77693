import Foundation
import XCTest
@testable import FixedPoints
import Truncation

/// The Wilson–Fisher fixed point of the O(∂²) truncation with field-dependent `Z_k(φ)`
/// (`derivative2`, Litim regulator, expansion about the running minimum, `z(κ̄) = 1`).
final class Derivative2FixedPointTests: XCTestCase {
    private func spec(d: Double, order: Int, truncation: TruncationKind = .derivative2) -> TruncationSpec {
        TruncationSpec(truncation: truncation, expansion: .minimum, dimension: d, order: order)
    }

    /// d = 3 Ising. Reference values: the conformal bootstrap gives ν = 0.629971(4),
    /// η = 0.0362978(20), ω = 0.8297(2) (Kos, Poland, Simmons-Duffin, Vichi, JHEP 08 (2016) 036).
    /// The second order of the derivative expansion is known to give ν within about 1% and to
    /// overestimate η (η ≈ 0.04–0.05 depending on the regulator: Canet, Delamotte, Mouhanna, Vidal,
    /// Phys. Rev. D 67 (2003) 065004 [hep-th/0211055]; their O(∂⁴) follow-up, Phys. Rev. D 68 (2003)
    /// 064421 [hep-th/0302227], quotes ν = 0.632, η = 0.033 at O(∂⁴)).
    /// This implementation, order by order (κ̄, λ̄2…λ̄n, z̄1…z̄_{n−1}):
    ///   2n = 4: ν 0.5335, η 0.1225;  6: 0.6763, 0.0332;  8: 0.6430, 0.0449;  10: 0.6209, 0.0526;
    ///   12: 0.6222, 0.0512;  16: 0.6260, 0.0503;  converged (2n = 30): ν = 0.62553, η = 0.0504, ω = 0.8587.
    /// LPA′ at the same order has η ≈ 0.112: the field dependence of Z more than halves it.
    func testWilsonFisherInThreeDimensions() throws {
        let steps = try TruncationStudies.wilsonFisherByOrder(spec(d: 3, order: 16), starts: 200)
        XCTAssertEqual(steps.map { Int($0.parameter) }, Array(stride(from: 4, through: 16, by: 2)))
        XCTAssertTrue(steps.allSatisfy { $0.fixedPoint.kind == .wilsonFisher })
        let last = steps[steps.count - 1].fixedPoint, previous = steps[steps.count - 2].fixedPoint
        let nu = try XCTUnwrap(last.nu), eta = try XCTUnwrap(last.eta)
        // The field expansion about the minimum has converged to well below the truncation error.
        XCTAssertEqual(nu, try XCTUnwrap(previous.nu), accuracy: 1e-3)
        XCTAssertEqual(eta, try XCTUnwrap(previous.eta), accuracy: 1e-3)
        XCTAssertEqual(nu, 0.629971, accuracy: 0.01)
        XCTAssertGreaterThan(eta, 0.04)
        XCTAssertLessThan(eta, 0.055)
        XCTAssertGreaterThan(try XCTUnwrap(last.omega), 0)
        // A zero of the beta functions (couplings grow like λ̄_j ~ K_d^{1−j}: relative residual).
        let beta = try BetaFunctions(spec(d: 3, order: 16))
        let scale = 1 + last.couplings.map(abs).max()!
        XCTAssertLessThan(beta.evaluate(last.couplings).map(abs).max()! / scale, 1e-9)

        let lpaPrime = try TruncationStudies.wilsonFisherByOrder(spec(d: 3, order: 16, truncation: .lpaPrime), starts: 200)
        let etaPrime = try XCTUnwrap(lpaPrime.last!.fixedPoint.eta)
        XCTAssertGreaterThan(etaPrime, 2 * eta)
    }

    /// Near four dimensions (d = 4 − ε), at leading order the equations give (hand analysis):
    /// `κ̄* = 3K_d/2`, `λ̄2* = ε/(18K_d)`, `z̄1* = 9K_d λ̄2²` (from `∂_t z̄1 = 2z̄1 − 18K_d λ̄2² + …`), and
    /// the normalization `η = 18K_d κ̄ λ̄2² − 2K_d z̄1 + …` (the `(d−2)κ̄ z̄1` parts of `∂_t z` and
    /// `z̄1 ∂_t κ̄` cancel, leaving `3K_d z̄1` from `∂_t κ̄` and `−K_d z̄1` from `−½ z_φφ/P²`), so
    /// `η = 9K_d² λ̄2² = ε²/36`: a third of the LPA′ value `ε²/12`. (The exact two-loop value is
    /// `ε²/54`; the derivative expansion is not exact at O(ε²) for η.) ν = 1/2 + ε/12 + O(ε²) as in
    /// every truncation that contains the φ⁴ one-loop flow.
    func testAnomalousDimensionNearFourDimensions() throws {
        for epsilon in [0.04, 0.02] {
            let wf = try TruncationStudies.wilsonFisherByOrder(spec(d: 4 - epsilon, order: 6), starts: 200).last!.fixedPoint
            XCTAssertEqual(wf.kind, .wilsonFisher)
            let eta = try XCTUnwrap(wf.eta)
            XCTAssertEqual(eta / (epsilon * epsilon) * 36, 1, accuracy: epsilon)
            XCTAssertEqual(try XCTUnwrap(wf.nu), 0.5 + epsilon / 12, accuracy: epsilon * epsilon)
        }
    }

    /// derivative2 about φ = 0 (couplings ū2…ū2n, z̄1…z̄_{n−1}, `z(0) = 1`) against the expansion about
    /// the minimum (`z(κ̄) = 1`), d = 3, order by order (frg fixed-points --truncation derivative2
    /// --expansion both --dimension 3 --convergence 4:24, debug or release):
    ///
    ///     2n   about 0: ν       η          about κ̄: ν      η
    ///      4       0.544954  0.019091           0.533505  0.122501
    ///      8       0.620824  0.048178           0.643001  0.044944
    ///     12       0.628252  0.050002           0.622245  0.051248
    ///     16       0.625937  0.049240           0.625951  0.050326
    ///     24       0.626340  0.049365           0.625537  0.050396
    ///
    /// Each expansion converges (spread over φ²⁰–φ²⁴ about 1e-4 in θ₁), and they approach each other
    /// as the order grows. They need not meet exactly: the regulator is `Z_k R_k` with `Z_k` the
    /// normalization, and `z(0) = 1` vs `z(κ̄) = 1` rescales it by `z*(κ̄)/z*(0)` (`z*(0) = 0.948` at
    /// the φ¹² point about the minimum): O(∂²) exponents depend on that prefactor (the PMS
    /// dependence), so η differs by about 2% and ν by about 1e-3 at convergence — a property of the
    /// truncation, not of either expansion. The bounds below are those systematic differences with
    /// a margin (ν: 1.5e-3, η: 2e-3), far below the differences at φ⁴ (1e-2 and 0.1).
    func testAboutZeroAndAboutMinimumAgreeAsTheOrderGrows() throws {
        let zero = try TruncationStudies.wilsonFisherByOrder(
            TruncationSpec(truncation: .derivative2, expansion: .zero, dimension: 3, order: 16), starts: 200)
        let minimum = try TruncationStudies.wilsonFisherByOrder(spec(d: 3, order: 16), starts: 200)
        XCTAssertEqual(zero.count, minimum.count)
        XCTAssertTrue((zero + minimum).allSatisfy { $0.fixedPoint.kind == .wilsonFisher })
        func exponents(_ steps: [ContinuationStep], _ k: Int) throws -> (nu: Double, eta: Double) {
            (try XCTUnwrap(steps[k].fixedPoint.nu), try XCTUnwrap(steps[k].fixedPoint.eta))
        }
        let last = zero.count - 1
        for steps in [zero, minimum] {
            let a = try exponents(steps, last), b = try exponents(steps, last - 1)
            XCTAssertEqual(a.nu, b.nu, accuracy: 1e-3)
            XCTAssertEqual(a.eta, b.eta, accuracy: 1e-3)
        }
        let z = try exponents(zero, last), m = try exponents(minimum, last)
        XCTAssertEqual(z.nu, m.nu, accuracy: 1.5e-3)
        XCTAssertEqual(z.eta, m.eta, accuracy: 2e-3)
        let z4 = try exponents(zero, 0), m4 = try exponents(minimum, 0)
        XCTAssertGreaterThan(abs(z4.nu - m4.nu), 5e-3)
        XCTAssertGreaterThan(abs(z4.eta - m4.eta), 5e-2)
        // About zero η is the tadpole's, η = z̄1 A/(1 + z̄1 A/(d+2)), A = K_d/(1+ū2)²: positive, as z̄1 > 0.
        let beta = try BetaFunctions(TruncationSpec(truncation: .derivative2, expansion: .zero, dimension: 3, order: 16))
        let point = zero[last].fixedPoint.couplings
        XCTAssertGreaterThan(point[try XCTUnwrap(beta.index(of: .wavefunction(derivative: 1)))], 0)
        XCTAssertEqual(try XCTUnwrap(beta.anomalousDimension(at: point)), z.eta, accuracy: 1e-12)
    }

    /// The exponential regulator `R_k = α Z_k k² y/(e^y − 1)` at α = 1 (moment thresholds by
    /// quadrature), d = 3, about the minimum, order by order (frg fixed-points --truncation derivative2
    /// --expansion minimum --regulator exponential --dimension 3 --convergence 4:14):
    ///   2n = 4: ν 0.5260, η 0.1257;  8: 0.6724, 0.0333;  10: 0.6284, 0.0469;  12: 0.6225, 0.0477;
    ///   14: 0.6267, 0.0465;  φ²⁰: ν = 0.6272.
    /// Between φ¹⁰ and φ¹² ν moves by 6e-3 and η by 8e-4 (asserted: below 1e-2 and 2e-3), near
    /// the O(∂²) values of this regulator in the literature (ν ≈ 0.63, η ≈ 0.04–0.05; Canet et al.,
    /// PRD 67 065004) and below Litim's η (0.0504) at the same order.
    func testExponentialRegulatorWilsonFisherInThreeDimensions() throws {
        var s = spec(d: 3, order: 12)
        s.regulator = .exponential
        let steps = try TruncationStudies.wilsonFisherByOrder(s, starts: 200)
        XCTAssertTrue(steps.allSatisfy { $0.fixedPoint.kind == .wilsonFisher })
        let last = steps[steps.count - 1].fixedPoint, previous = steps[steps.count - 2].fixedPoint
        let nu = try XCTUnwrap(last.nu), eta = try XCTUnwrap(last.eta)
        XCTAssertEqual(nu, try XCTUnwrap(previous.nu), accuracy: 1e-2)
        XCTAssertEqual(eta, try XCTUnwrap(previous.eta), accuracy: 2e-3)
        XCTAssertEqual(nu, 0.63, accuracy: 0.01)
        XCTAssertGreaterThan(eta, 0.04)
        XCTAssertLessThan(eta, 0.05)
    }

    /// The PMS stationary point is the vertex of the parabola through three samples: exact for a
    /// parabola, absent for a monotone sequence.
    func testStationaryPointOfSampledParabola() {
        let x = stride(from: 0.5, through: 3.0, by: 0.25).map { $0 }
        let points = TruncationStudies.stationaryPoints(parameters: x, values: x.map { 0.5 + 2 * ($0 - 1.3) * ($0 - 1.3) })
        XCTAssertEqual(points.count, 1)
        XCTAssertEqual(points[0].parameter, 1.3, accuracy: 1e-12)
        XCTAssertEqual(points[0].value, 0.5, accuracy: 1e-12)
        XCTAssertTrue(TruncationStudies.stationaryPoints(parameters: x, values: x.map { exp(-$0) }).isEmpty)
    }

    /// The two normalization points are one scheme apart, exactly: about φ = 0 the regulator is
    /// `Z(0) k² r(y)`, about the minimum `α Z(κ̄) k² r(y)`, so derivative2 about zero at α = 1 is
    /// derivative2 about the minimum at `α = z*(0)` (`z = Z/Z(κ̄)` at that fixed point; the same
    /// η and ν, up to the field expansion). With the exponential regulator, where α is free, d = 3
    /// (frg fixed-points --truncation derivative2 --regulator exponential --dimension 3
    /// --convergence 16:20 [--expansion zero | --expansion minimum --prefactor 0.94878]):
    ///
    ///                        φ¹⁶: ν     η          φ²⁰: ν     η
    ///     about 0, α = 1     0.626323  0.046558    0.627176  0.046810
    ///     minimum, α = 1     0.627938  0.046322    0.627198  0.046464   (z*(0) = 0.94863, 0.94878)
    ///     minimum, α = z*(0) 0.627723  0.046631    0.627044  0.046765
    ///
    /// Rescaling α by z*(0) moves the minimum's η onto the about-zero η (the gap falls from 3.5e-4
    /// to 4.5e-5 at φ²⁰, from 2.4e-4 to 7e-5 at φ¹⁶), while ν agrees within the about-zero
    /// expansion's own convergence (it moves by 6e-4 from φ¹⁶ to φ¹⁸). Asserted at φ¹⁶: the η gap
    /// at least halves and ends below 1.5e-4; ν within 2e-3; z*(0) reproduces itself at the
    /// rescaled α to 1e-3 (the fixed point's z*(0) hardly depends on α).
    func testNormalizationAtZeroIsTheMinimumSchemeWithRescaledPrefactor() throws {
        let zero = TruncationSpec(truncation: .derivative2, expansion: .zero, dimension: 3, order: 16, regulator: .exponential)
        var minimum = zero
        minimum.expansion = .minimum
        let aboutZero = try XCTUnwrap(TruncationStudies.wilsonFisherByOrder(zero, starts: 100).last).fixedPoint
        func atMinimum(_ alpha: Double) throws -> (point: FixedPoint, zAtZero: Double) {
            var s = minimum
            s.regulatorPrefactor = alpha
            let point = try XCTUnwrap(TruncationStudies.wilsonFisherByOrder(s, starts: 100).last).fixedPoint
            let beta = try BetaFunctions(s)
            let kappa = point.couplings[try XCTUnwrap(beta.index(of: .minimumLocation))]
            var z = 1.0, power = 1.0
            for j in 1..<(s.order / 2) {
                power *= -kappa / Double(j)
                z += point.couplings[try XCTUnwrap(beta.index(of: .wavefunction(derivative: j)))] * power
            }
            return (point, z)
        }
        let plain = try atMinimum(1)
        let rescaled = try atMinimum(plain.zAtZero)
        XCTAssertEqual(rescaled.zAtZero, plain.zAtZero, accuracy: 1e-3)
        let etaZero = try XCTUnwrap(aboutZero.eta)
        let gapPlain = abs(etaZero - (try XCTUnwrap(plain.point.eta)))
        let gapRescaled = abs(etaZero - (try XCTUnwrap(rescaled.point.eta)))
        XCTAssertLessThan(gapRescaled, gapPlain / 2)
        XCTAssertLessThan(gapRescaled, 1.5e-4)
        XCTAssertEqual(try XCTUnwrap(aboutZero.nu), try XCTUnwrap(rescaled.point.nu), accuracy: 2e-3)
    }
}
