import ComplexModule
import FullPotential
import FixedPoints
import Truncation
import XCTest

/// The Polchinski O(∂²) scaling solution of the whole functions (v, z): its Litim limit, its
/// identity with the polynomial truncation's β-functions, and its convergence.
final class PolchinskiDerivative2SolutionTests: XCTestCase {
    func testLitimCutoffGivesTheLPAWholePotentialExponents() throws {
        // σ = 0: z ≡ 1 and η = 0 solve the z equation, and the potential tower is the LPA's
        // spectrum; the y block's eigenvalues must equal the LPA solver's within the two errors.
        let solution = try polchinskiDerivative2Solution(PolchinskiDerivative2Spec(dimension: 3, cutoff: .litim))
        let lpa = try scalingSolution(ScalingSolutionSpec(scheme: .polchinski, dimension: 3))
        XCTAssertEqual(solution.eta, 0, accuracy: 1e-12)
        XCTAssertTrue(solution.samples.allSatisfy { abs($0.kinetic - 1) < 1e-10 })
        let errors = try XCTUnwrap(solution.eigenvalueErrors), lpaErrors = try XCTUnwrap(lpa.eigenvalueErrors)
        for k in 0..<5 {
            XCTAssertEqual(solution.eigenvalues[k].real, lpa.eigenvalues[k].real, accuracy: errors[k] + lpaErrors[k] + 1e-12, "θ\(k + 1)")
        }
        XCTAssertEqual(solution.nu, lpa.nu, accuracy: try XCTUnwrap(solution.nuError) + XCTUnwrap(lpa.nuError))
        XCTAssertEqual(solution.omega, 0.655745939193, accuracy: 1e-9)
        // The redundant tower (the z block) lies above ω: ν and ω do not depend on the labels.
        XCTAssertGreaterThan(solution.redundantEigenvalues[0].real, solution.omega)
    }

    func testExponentialCutoffInThreeDimensionsConverges() throws {
        let solution = try polchinskiDerivative2Solution(PolchinskiDerivative2Spec(dimension: 3, cutoff: .exponential))
        // Every reported eigenvalue and η reached 1e-8 relative under basis growth and domain change.
        XCTAssertNil(solution.shortfall)
        XCTAssertLessThan(try XCTUnwrap(solution.etaError), 1e-8)
        XCTAssertLessThan(solution.residual, 1e-8)
        XCTAssertEqual(solution.eigenvalues.filter { $0.real < 0 }.count, 1)
        // A field-dependent z with a positive anomalous dimension; σ is its only source, so η > 0
        // and it must differ from the LPA's ν (0.6496).
        XCTAssertGreaterThan(solution.eta, 0.01)
        XCTAssertGreaterThan(abs(solution.nu - 0.649561773880), 0.01)
        XCTAssertEqual(solution.eigenvalues.count, 5)
        XCTAssertEqual(solution.unresolvedEigenvalues, [])
        // The redundant tower starts above ω here as well.
        XCTAssertGreaterThan(solution.redundantEigenvalues[0].real, solution.omega)
    }

    func testTaylorCoefficientsSolveThePolynomialBetaFunctions() throws {
        // The projection (Sources/Truncation/PolchinskiDerivative2Derivation.swift, checked by sympy)
        // is an independent route to the same equations: at the whole solution's Taylor coefficients
        // its β-functions that involve no coupling beyond φ⁶ (β_v2, β_v4, β_z1) must vanish, and its
        // η = z̄1 + σ v̄2² must be the solver's η. Accuracy: the spectral derivatives at ρ = 0
        // (about 1e-8 for the second ones at N = 90, the basis the error estimate settles on in d = 3;
        // 1e-6 at N = 60); a wrong sign or factor in either system gives O(v̄2²).
        for d in [3.0, 3.9] {
            let solution = try polchinskiDerivative2Solution(PolchinskiDerivative2Spec(dimension: d, cutoff: .exponential,
                                                                                       basisSize: 90, estimatesError: false))
            let spec = TruncationSpec(scheme: .polchinski, truncation: .derivative2, expansion: .zero, dimension: d,
                                      order: 6, regulator: .exponential)
            let beta = try BetaFunctions(spec)
            XCTAssertEqual(beta.couplings.map(\.name), solution.originCouplingDescriptors.map(\.name))
            let values = beta.evaluate(solution.originCouplings)
            let names = beta.couplings.map(\.name)
            for name in ["v2", "v4", "z1"] {
                XCTAssertEqual(values[names.firstIndex(of: name)!], 0, accuracy: 1e-7, "β_\(name) at d = \(d)")
            }
            XCTAssertEqual(try XCTUnwrap(beta.anomalousDimension(at: solution.originCouplings)), solution.eta, accuracy: 1e-9)
        }
    }

    func testNormalizedAtTheMinimumItLiesWhereTheExpansionAboutTheMinimumOscillates() throws {
        // d = 3.96, c = e^{−y}. The polynomial truncation about the minimum normalizes z at κ̄ and
        // does not settle: from order to order (φ¹² … φ¹⁶) ν, η and κ̄ oscillate. The whole
        // functions with the same condition must lie inside the band the orders span; the band is
        // the truncation's own uncertainty, nothing is tuned. With z(0) = 1 instead the whole-function
        // ν lies outside it: the normalization point changes the exponents of this truncation.
        let d = 3.96
        let spec = TruncationSpec(scheme: .polchinski, truncation: .derivative2, expansion: .minimum, dimension: d,
                                  order: 16, regulator: .exponential)
        let study = try BranchStudy.byOrder(spec, fromOrder: 4, starts: 40, seed: 1)
        let late = study.steps.filter { $0.parameter >= 12 }.map(\.fixedPoint)
        XCTAssertEqual(late.count, 3)
        func band(_ values: [Double]) -> ClosedRange<Double> { values.min()!...values.max()! }
        let nuBand = band(late.map { $0.nu! }), etaBand = band(late.map { $0.eta! }), kappaBand = band(late.map { $0.couplings[0] })
        let atMinimum = try polchinskiDerivative2Solution(PolchinskiDerivative2Spec(dimension: d, normalization: .minimum))
        XCTAssertTrue(nuBand.contains(atMinimum.nu), "ν = \(atMinimum.nu) outside \(nuBand)")
        XCTAssertTrue(etaBand.contains(atMinimum.eta), "η = \(atMinimum.eta) outside \(etaBand)")
        XCTAssertTrue(kappaBand.contains(atMinimum.minimum), "κ = \(atMinimum.minimum) outside \(kappaBand)")
        let atZero = try polchinskiDerivative2Solution(PolchinskiDerivative2Spec(dimension: d, normalization: .zero))
        XCTAssertFalse(nuBand.contains(atZero.nu), "ν(z(0) = 1) = \(atZero.nu) inside \(nuBand)")
    }

    func testNormalizedAtTheMinimumTheBranchEndsBeforeTheExponentialCutoffInThreeDimensions() {
        // d = 3 with z(κ) = 1: the branch followed from the LPA turns back (a fold) near σ ≈ 1.6,
        // short of σ = 2: no Wilson–Fisher solution, as the polynomial truncation about the minimum
        // finds none there. It must be reported as a failed run, not as numbers.
        XCTAssertThrowsError(try polchinskiDerivative2Solution(PolchinskiDerivative2Spec(dimension: 3, basisSize: 40, normalization: .minimum))) { error in
            guard case let .derivative2SolutionNotFound(_, sigma, reached, _, _)? = error as? FullPotentialError else {
                return XCTFail("\(error)")
            }
            XCTAssertLessThan(sigma, 2)
            XCTAssertGreaterThan(reached ?? 0, 1.4)
            XCTAssertEqual((error as? FullPotentialError)?.category, .runFailed)
        }
    }

    func testEigenvaluesAreStableUnderBasisGrowth() throws {
        // Without the error estimate: one solve per basis size. N = 40 → 60 → 90 must agree to the
        // tolerance the estimate claims (1e-8·max(1, |θ|)) once the basis resolves the solution.
        let sizes = [60, 90]
        let solutions = try sizes.map {
            try polchinskiDerivative2Solution(PolchinskiDerivative2Spec(dimension: 3, basisSize: $0, estimatesError: false))
        }
        for k in 0..<5 {
            let a = solutions[0].eigenvalues[k], b = solutions[1].eigenvalues[k]
            XCTAssertEqual((a - b).length, 0, accuracy: 1e-8 * max(1, a.length), "θ\(k + 1)")
        }
        XCTAssertEqual(solutions[0].eta, solutions[1].eta, accuracy: 1e-9)
    }

    func testOutsideTheWilsonFisherRangeIsRefused() {
        XCTAssertThrowsError(try polchinskiDerivative2Solution(PolchinskiDerivative2Spec(dimension: 4))) { error in
            XCTAssertEqual((error as? FullPotentialError)?.category, .invalidInput)
        }
    }
}
