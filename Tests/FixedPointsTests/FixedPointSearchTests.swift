import ComplexModule
import Foundation
import XCTest
@testable import FixedPoints
import Truncation

final class FixedPointSearchTests: XCTestCase {
    func testJacobianOfReferenceSystemMatchesFiniteDifferences() {
        // Guards the reference itself: its hand-written Jacobian against central differences.
        let field = ClosedFormLPA(d: 2.5, order: 6)
        let u = [-0.1, 3.0, 20.0]
        let jac = field.jacobian(at: u)
        for j in 0..<3 {
            let h = 1e-6 * max(1, abs(u[j]))
            var up = u, down = u
            up[j] += h; down[j] -= h
            let bp = field.beta(at: up), bm = field.beta(at: down)
            for i in 0..<3 {
                let fd = (bp[i] - bm[i]) / (2 * h)
                XCTAssertEqual(jac[i * 3 + j], fd, accuracy: 1e-6 * max(1, abs(fd)), "J[\(i)][\(j)]")
            }
        }
    }

    func testGaussianEigenvaluesAreCanonicalDimensions() throws {
        // At ū = 0 the stability matrix is triangular with diagonal −2, −(4−d), −(6−2d).
        for d in [1.0, 2.5, 3.0] {
            let field = ClosedFormLPA(d: d, order: 6)
            let gaussian = try analyzeFixedPoint(field, at: [0, 0, 0], residual: 0)
            XCTAssertEqual(gaussian.kind, .gaussian)
            let expected = [-2, -(4 - d), -(6 - 2 * d)].sorted()
            XCTAssertEqual(gaussian.eigenvalues.map(\.real), expected)
            XCTAssertTrue(gaussian.eigenvalues.allSatisfy { $0.imaginary == 0 })
        }
    }

    /// Issue 16: about the running minimum the Gaussian point lies on the edge λ2 → 0 of the domain;
    /// the search stops at λ2 ≈ 1e-9, which gave λ3 = −1.9e-8 and an eigenvalue 1.87e-9 reported
    /// as ω. Its vanishing couplings, its marginal eigenvalue and η are exactly 0, ν exactly 0.5.
    func testGaussianPointAboutTheMinimumIsReportedWithoutItsNoise() throws {
        for truncation in [TruncationKind.lpa, .lpaPrime] {
            let spec = TruncationSpec(truncation: truncation, expansion: .minimum, dimension: 3, order: 6)
            let census = try FixedPointCensus(spec, starts: 100)
            let gaussian = try XCTUnwrap(census.points.first { $0.kind == .gaussian }, "\(truncation)")
            XCTAssertEqual(gaussian.couplings.dropFirst(), [0, 0], "\(truncation)")
            XCTAssertEqual(gaussian.couplings[0], 0.031033367, accuracy: 1e-8)
            XCTAssertEqual(gaussian.eigenvalues.map(\.real), [-2, -1, 0], "\(truncation)")
            XCTAssertNil(gaussian.omega, "\(truncation)")
            XCTAssertEqual(gaussian.nu, 0.5)
            if truncation == .lpaPrime { XCTAssertEqual(gaussian.eta, 0) }
        }
    }

    func testWilsonFisherPhi4ClosedFormInThreeDimensions() throws {
        // φ⁴ about zero, Litim, d = 3. Setting β2 = β4 = 0 with w = 1 + ū2:
        //   β4 = 0  ⇒  K ū4 = (4−d) w³/6
        //   β2 = 0  ⇒  −2ū2 = K ū4/w² = (4−d) w/6  ⇒  ū2 = −(4−d)/(16−d) = −1/13,  w = 12/13.
        // Stability matrix with K ū4/w³ = 1/6 (d = 3):
        //   [[−2 + 2Kū4/w³, −K/w²], [−18Kū4²/w⁴, −1 + 12Kū4/w³]] = [[−5/3, −K/w²], [−w²/(2K), 1]]
        //   trace = −2/3, det = −5/3 − 1/2 = −13/6  ⇒  θ = (−2 ± √82)/6,
        //   ν = −1/θ_min = 6/(2 + √82) ≈ 0.5427,  ω = (√82 − 2)/6 ≈ 1.1759.
        let field = ClosedFormLPA(d: 3, order: 4)
        let K = field.K
        var search = FixedPointSearch(region: SearchRegion(lower: [-0.5, -1 / K], upper: [0.5, 2 / K]))
        search.starts = 100
        let points = try search.run(field)
        let wf = try XCTUnwrap(points.first { $0.kind == .wilsonFisher })
        let w = 12.0 / 13.0
        XCTAssertEqual(wf.couplings[0], -1.0 / 13.0, accuracy: 1e-12)
        XCTAssertEqual(wf.couplings[1], w * w * w / (6 * K), accuracy: 1e-12 * w * w * w / (6 * K))
        XCTAssertEqual(wf.nu!, 6 / (2 + 82.0.squareRoot()), accuracy: 1e-12)
        XCTAssertEqual(wf.omega!, (82.0.squareRoot() - 2) / 6, accuracy: 1e-12)
        XCTAssertEqual(wf.relevantDirections, 1)
        XCTAssertTrue(points.contains { $0.kind == .gaussian })
        XCTAssertEqual(points.count, 2, "φ⁴ Litim in d = 3 has exactly the Gaussian and Wilson–Fisher fixed points with 1+ū2 > 0")
    }

    func testEpsilonExpansionNearFourDimensions() throws {
        // d = 4 − ε, φ⁴: ū2* = −ε/(12+ε), K ū4* = ε w³/6 → ū4*/ε → 1/(6K_4) = 16π²/3 (the one-loop
        // fixed point λ* = 16π²ε/3 of λφ⁴/4!), and ν = 1/2 + ε/12 + O(ε²) (one loop, N = 1).
        var previousNuError = Double.infinity
        for epsilon in [0.1, 0.01, 0.001] {
            let field = ClosedFormLPA(d: 4 - epsilon, order: 4)
            let K = field.K
            let guess = [-epsilon / 12, epsilon / (6 * K)]
            guard case .success(let root) = newtonSolve(field, from: guess) else { return XCTFail("no root at ε = \(epsilon)") }
            let fp = try analyzeFixedPoint(field, at: root.root, residual: root.residual)
            XCTAssertEqual(fp.kind, .wilsonFisher)
            let couplingError = abs(fp.couplings[1] / epsilon - 16 * Double.pi * Double.pi / 3) / (16 * Double.pi * Double.pi / 3)
            XCTAssertLessThan(couplingError, 2 * epsilon, "ū4*/ε deviates at O(ε)")
            let nuError = abs(fp.nu! - (0.5 + epsilon / 12))
            XCTAssertLessThan(nuError, epsilon * epsilon, "ν deviates from 1/2 + ε/12 beyond O(ε²)")
            XCTAssertLessThan(nuError, previousNuError)
            previousNuError = nuError
        }
    }

    func testOrderContinuationFollowsWilsonFisher() throws {
        let d = 3.0
        let phi4 = ClosedFormLPA(d: d, order: 4)
        var search = FixedPointSearch(region: SearchRegion(lower: [-0.5, 0], upper: [0.5, 2 / phi4.K]))
        search.starts = 50
        let wf4 = try XCTUnwrap(try search.run(phi4).first { $0.kind == .wilsonFisher })
        let steps = try followFixedPoint(from: wf4, at: 4, through: [6]) { ClosedFormLPA(d: d, order: Int($0)) }
        XCTAssertEqual(steps.count, 1)
        let wf6 = steps[0].fixedPoint
        XCTAssertEqual(wf6.kind, .wilsonFisher)
        XCTAssertEqual(wf6.couplingNames, ["u2", "u4", "u6"])
        XCTAssertLessThan(wf6.residual, 1e-9)
        // The φ⁶ truncation moves ν from 0.543 toward the full LPA value 0.6496.
        XCTAssertGreaterThan(wf6.nu!, wf4.nu!)
        XCTAssertLessThan(wf6.nu!, 0.6496)
    }

    func testSearchIsReproducibleAndParallelSafe() throws {
        let field = ClosedFormLPA(d: 3, order: 6)
        var search = FixedPointSearch(region: SearchRegion(lower: [-0.5, -20, -500], upper: [0.5, 40, 2000]))
        search.starts = 200
        let a = try search.run(field), b = try search.run(field)
        XCTAssertEqual(a.map(\.couplings), b.map(\.couplings))
        XCTAssertEqual(a.map(\.basin), b.map(\.basin))
    }

    func testInvalidRegionIsRejected() {
        let field = ClosedFormLPA(d: 3, order: 4)
        XCTAssertThrowsError(try FixedPointSearch(region: SearchRegion(lower: [0], upper: [1])).run(field)) {
            XCTAssertEqual($0 as? FixedPointSearchError, .regionDimension(expected: 2, got: 1))
        }
        XCTAssertThrowsError(try FixedPointSearch(region: SearchRegion(lower: [0, 1], upper: [1, -1])).run(field))
    }

    func testEigenDecompositionOfKnownMatrix() throws {
        // [[0, 1], [−2, −3]] has eigenvalues −1, −2; [[0, −1], [1, 0]] has ±i.
        let real = try eigenDecomposition([0, 1, -2, -3], dimension: 2)
        XCTAssertEqual(real.values.map(\.real), [-2, -1].map(Double.init), accuracy: 1e-14)
        let rotation = try eigenDecomposition([0, -1, 1, 0], dimension: 2)
        XCTAssertEqual(rotation.values.map(\.imaginary), [-1, 1], accuracy: 1e-14)
        // A v = θ v for the real case.
        for (theta, v) in zip(real.values, real.vectors) {
            let av0 = 0 * v[0].real + 1 * v[1].real, av1 = -2 * v[0].real - 3 * v[1].real
            XCTAssertEqual(av0, theta.real * v[0].real, accuracy: 1e-13)
            XCTAssertEqual(av1, theta.real * v[1].real, accuracy: 1e-13)
        }
    }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
