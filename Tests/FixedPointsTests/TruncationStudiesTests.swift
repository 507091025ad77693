import Foundation
import XCTest
@testable import FixedPoints
@testable import Truncation

/// Search regions from the typed couplings, and the derivations the studies cost.
final class TruncationStudiesTests: XCTestCase {
    /// The box of ±3 natural units holds the Wilson–Fisher fixed point of every truncation, in
    /// d = 3 and d = 3.5: the natural scales `K_d^p` are the sizes the couplings really have
    /// (λ3* ≈ 50 and z2* ≈ −26 in d = 3 would lie far outside a box of ±3 in plain numbers).
    func testDefaultRegionHoldsWilsonFisher() throws {
        let specs = [
            TruncationSpec(dimension: 3, order: 6),
            TruncationSpec(expansion: .minimum, dimension: 3, order: 6),
            TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: 3, order: 6),
            TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 3, order: 6),
            TruncationSpec(scheme: .polchinski, dimension: 3, order: 4),
        ]
        for base in specs {
            for d in [3.0, 3.5] {
                var spec = base
                spec.dimension = d
                let wf = try XCTUnwrap(try TruncationStudies.wilsonFisherByOrder(spec, starts: 100).last).fixedPoint
                XCTAssertEqual(wf.kind, .wilsonFisher)
                let region = TruncationStudies.defaultRegion(try BetaFunctions(spec))
                XCTAssertTrue(region.contains(wf.couplings), "\(spec.truncation) \(spec.expansion) d=\(d): \(wf.couplings)")
            }
        }
    }

    func testDefaultRegionBounds() throws {
        let zero = TruncationStudies.defaultRegion(try BetaFunctions(TruncationSpec(dimension: 3, order: 4)), width: 2)
        let kd = ballVolumeFactor(dimension: 3)
        // ū2 stops short of the threshold pole 1 + ū2 = 0.
        XCTAssertEqual(zero.lower, [-0.999, -2 / kd], accuracy: 1e-12 / kd)
        XCTAssertEqual(zero.upper, [2, 2 / kd], accuracy: 1e-12 / kd)
        let minimum = TruncationStudies.defaultRegion(try BetaFunctions(TruncationSpec(expansion: .minimum, dimension: 3, order: 4)), width: 2)
        // κ ≥ 0: the minimum is at ρ = κ.
        XCTAssertEqual(minimum.lower, [0, -2 / kd], accuracy: 1e-12 / kd)
        XCTAssertEqual(minimum.upper, [2 * kd, 2 / kd], accuracy: 1e-12 / kd)
        // Polchinski has no threshold pole and no K_d.
        let polchinski = TruncationStudies.defaultRegion(try BetaFunctions(TruncationSpec(scheme: .polchinski, dimension: 3, order: 4)), width: 2)
        XCTAssertEqual(polchinski.lower, [-2, -2], accuracy: 1e-15)
        XCTAssertEqual(polchinski.upper, [2, 2], accuracy: 1e-15)
    }

    /// A sweep in d builds a system at every step (and more where steps are halved) but derives
    /// nothing: LPA systems evaluate by power series (other truncations derive once per order,
    /// `DerivationCacheTests`).
    func testDimensionSweepDerivesOncePerOrder() throws {
        let spec = TruncationSpec(dimension: 3, order: 8)
        let dimensions = stride(from: 3.0, through: 2.0, by: -0.1).map { $0 }
        let totalBefore = DerivationCounter.shared.total
        let steps = try TruncationStudies.wilsonFisherByDimension(spec, dimensions: dimensions, starts: 100)
        XCTAssertEqual(steps.map(\.parameter), dimensions)
        XCTAssertTrue(steps.allSatisfy { $0.fixedPoint.kind == .wilsonFisher })
        XCTAssertEqual(DerivationCounter.shared.total - totalBefore, 0, "an LPA sweep derived a symbolic system")

        // The branch followed to d = 2 with systems compiled from the d = 3 derivation is the
        // fixed point a search at d = 2 finds on its own.
        var atTwo = spec
        atTwo.dimension = 2
        let direct = try XCTUnwrap(try TruncationStudies.wilsonFisherByOrder(atTwo, starts: 100).last).fixedPoint
        let followed = steps.last!.fixedPoint
        for (a, b) in zip(followed.couplings, direct.couplings) { XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b))) }
        XCTAssertEqual(followed.nu!, direct.nu!, accuracy: 1e-9)
    }
}
