import ComplexModule
import FullPotential
import XCTest

/// Reference: C. Bervillier, A. Jüttner, D. F. Litim, "High-accuracy scaling exponents in the local
/// potential approximation", Nucl. Phys. B 783 (2007) 213, arXiv:hep-th/0701172: d = 3 Ising LPA
/// with the optimised (Litim) regulator and with the Wilson–Polchinski flow, which they find equal
/// to all quoted digits: ν = 0.649561773880, ω = 0.655745939193.
private let publishedNu = 0.649561773880
private let publishedOmega = 0.655745939193

final class ScalingSolutionTests: XCTestCase {
    func testWetterichLitimExponentsMatchPublishedHighPrecisionValues() throws {
        let solution = try scalingSolution(ScalingSolutionSpec(scheme: .wetterich, dimension: 3))
        XCTAssertEqual(solution.nu, publishedNu, accuracy: 1e-9)
        XCTAssertEqual(solution.omega, publishedOmega, accuracy: 1e-9)
        // Converged: N → 3N/2 changes ν and ω far below the 1e-9 tolerance.
        XCTAssertLessThan(try XCTUnwrap(solution.nuChange), 1e-10)
        XCTAssertLessThan(try XCTUnwrap(solution.omegaChange), 1e-10)
        // One relevant even direction, all eigenvalues real, at least four converged.
        XCTAssertEqual(solution.eigenvalues.filter { $0.real < 0 }.count, 1)
        XCTAssertTrue(solution.eigenvalues.allSatisfy { $0.imaginary == 0 })
        XCTAssertGreaterThanOrEqual(solution.eigenvalues.count, 4)
    }

    func testHalvingTheSpacingChangesNuBelowTolerance() throws {
        // Chebyshev nodes: N = 40 → 80 halves the largest spacing.
        let coarse = try scalingSolution(ScalingSolutionSpec(scheme: .wetterich, dimension: 3, basisSize: 40, estimatesError: false))
        let fine = try scalingSolution(ScalingSolutionSpec(scheme: .wetterich, dimension: 3, basisSize: 80, estimatesError: false))
        XCTAssertEqual(coarse.nu, fine.nu, accuracy: 1e-10)
        XCTAssertEqual(coarse.omega, fine.omega, accuracy: 1e-10)
        // A larger domain changes nothing either: the asymptotic boundary condition is harmless.
        let wide = try scalingSolution(ScalingSolutionSpec(scheme: .wetterich, dimension: 3, basisSize: 60,
                                                           domainLength: 12, estimatesError: false))
        XCTAssertEqual(wide.nu, fine.nu, accuracy: 1e-10)
    }

    func testPolchinskiGivesTheSameExponents() throws {
        let solution = try scalingSolution(ScalingSolutionSpec(scheme: .polchinski, dimension: 3))
        XCTAssertEqual(solution.nu, publishedNu, accuracy: 1e-9)
        XCTAssertEqual(solution.omega, publishedOmega, accuracy: 1e-9)
        let wetterich = try scalingSolution(ScalingSolutionSpec(scheme: .wetterich, dimension: 3, estimatesError: false))
        // The higher eigenvalues agree as well (the two flows are related by a Legendre-type map).
        for k in 0..<4 {
            XCTAssertEqual(solution.eigenvalues[k].real, wetterich.eigenvalues[k].real, accuracy: 1e-7, "eigenvalue \(k)")
        }
    }

    func testScalingPotentialSatisfiesItsLargeFieldAsymptotics() throws {
        // d = 3 Wetterich: u'' grows like φ⁴ (w ∝ ρ²), and the minimum lies at ρ₀ > 0.
        let solution = try scalingSolution(ScalingSolutionSpec(scheme: .wetterich, dimension: 3, estimatesError: false))
        XCTAssertGreaterThan(solution.minimum, 0)
        let s = solution.samples
        let a = s[s.count - 1], b = s[s.count - 3]
        let slope = log(a.firstDerivative / b.firstDerivative) / log(a.phi / b.phi)
        XCTAssertEqual(slope, 5, accuracy: 0.05)   // u' = φ w ∝ φ⁵
        XCTAssertTrue(s.allSatisfy { 1 + $0.secondDerivative > 0 })
    }

    func testNearFourDimensionsTheExponentsApproachTheEpsilonExpansion() throws {
        // d = 4 − ε, ε = 0.1: LPA is exact to first order, ν = 1/2 + ε/12 + O(ε²), ω = ε + O(ε²).
        for scheme in LPAScheme.allCases {
            let solution = try scalingSolution(ScalingSolutionSpec(scheme: scheme, dimension: 3.9))
            XCTAssertEqual(solution.nu, 0.5 + 0.1 / 12, accuracy: 2e-3, "\(scheme)")
            XCTAssertEqual(solution.omega, 0.1, accuracy: 1e-2, "\(scheme)")
        }
    }

    func testNonIntegerDimensionsAgreeBetweenSchemes() throws {
        // Below d = 3 the Wetterich solution is reached by continuation in d from d = 3.
        for d in [2.5, 3.5] {
            let wetterich = try scalingSolution(ScalingSolutionSpec(scheme: .wetterich, dimension: d))
            let polchinski = try scalingSolution(ScalingSolutionSpec(scheme: .polchinski, dimension: d))
            XCTAssertEqual(wetterich.nu, polchinski.nu, accuracy: 1e-8, "d = \(d)")
            XCTAssertEqual(wetterich.omega, polchinski.omega, accuracy: 1e-6, "d = \(d)")
            XCTAssertLessThan(try XCTUnwrap(wetterich.nuChange), 1e-8)
        }
    }

    func testUnsupportedDimensionThrows() {
        XCTAssertThrowsError(try scalingSolution(ScalingSolutionSpec(dimension: 4.5)))
        XCTAssertThrowsError(try scalingSolution(ScalingSolutionSpec(dimension: 3, basisSize: 4)))
    }
}

final class ScalingCouplingsTests: XCTestCase {
    func testCouplingsAreConsistentWithTheSamplesAndConverged() throws {
        let coarse = try scalingSolution(ScalingSolutionSpec(scheme: .wetterich, dimension: 3, basisSize: 40, estimatesError: false))
        let fine = try scalingSolution(ScalingSolutionSpec(scheme: .wetterich, dimension: 3, basisSize: 60, estimatesError: false))
        // ū2 = u''(φ = 0) is also the second derivative sampled at the origin node.
        let origin = try XCTUnwrap(coarse.samples.first)
        XCTAssertEqual(origin.phi, 0)
        XCTAssertEqual(coarse.originCouplings[0], origin.secondDerivative, accuracy: 1e-12)
        // N = 40 → 60 moves each coupling by less than its documented accuracy.
        for (k, tolerance) in [1e-8, 1e-7, 1e-5, 1e-4].enumerated() {
            XCTAssertEqual(coarse.minimumCouplings[k], fine.minimumCouplings[k], accuracy: tolerance * abs(fine.minimumCouplings[k]))
        }
        for (k, tolerance) in [1e-9, 1e-9, 1e-4].enumerated() {
            XCTAssertEqual(coarse.originCouplings[k], fine.originCouplings[k], accuracy: tolerance * abs(fine.originCouplings[k]))
        }
        // Order-2 expansion about the minimum (PHYSICS.md §1 normalization, with K_3): κ = K_3·4/3,
        // λ₂ = (3.375/18)/K_3 (see the initial guess); the full potential differs by tens of percent.
        XCTAssertEqual(fine.minimumCouplings[0], 4.0 / 3 / (6 * Double.pi * Double.pi), accuracy: 0.5 * fine.minimumCouplings[0])
        XCTAssertEqual(fine.minimumCouplings[1], 0.1875 * 6 * Double.pi * Double.pi, accuracy: 0.5 * fine.minimumCouplings[1])
    }
}
