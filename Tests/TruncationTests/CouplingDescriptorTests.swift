import Foundation
import XCTest
@testable import Truncation

/// The typed couplings of each truncation: what they are, their dimensions and natural sizes.
final class CouplingDescriptorTests: XCTestCase {
    private let bar = "\u{0304}"

    func testRolesNamesAndSymbolsOfEachTruncation() throws {
        let zero = try BetaFunctions(TruncationSpec(dimension: 3, order: 6))
        XCTAssertEqual(zero.couplings.map(\.role), [.potential(order: 2), .potential(order: 4), .potential(order: 6)])
        XCTAssertEqual(zero.couplingNames, ["u2", "u4", "u6"])
        XCTAssertEqual(zero.couplingNames, zero.couplings.map(\.name))
        XCTAssertEqual(zero.couplings.map(\.symbol), ["u\(bar)2", "u\(bar)4", "u\(bar)6"])
        XCTAssertEqual(zero.couplings.map(\.latexSymbol), ["\\bar{u}_{2}", "\\bar{u}_{4}", "\\bar{u}_{6}"])
        XCTAssertEqual(zero.couplings.map(\.dimensionfulSymbol), ["u2", "u4", "u6"])

        let polchinski = try BetaFunctions(TruncationSpec(scheme: .polchinski, dimension: 3, order: 4))
        XCTAssertEqual(polchinski.couplings.map(\.role), [.potential(order: 2), .potential(order: 4)])
        XCTAssertEqual(polchinski.couplingNames, ["v2", "v4"])
        XCTAssertEqual(polchinski.couplings.map(\.symbol), ["v\(bar)2", "v\(bar)4"])

        let d2 = try BetaFunctions(TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 3, order: 6))
        XCTAssertEqual(d2.couplings.map(\.role), [.minimumLocation, .potentialAtMinimum(derivative: 2),
                                                  .potentialAtMinimum(derivative: 3),
                                                  .wavefunction(derivative: 1), .wavefunction(derivative: 2)])
        XCTAssertEqual(d2.couplingNames, ["kappa", "lambda2", "lambda3", "z1", "z2"])
        XCTAssertEqual(d2.couplings.map(\.symbol), ["κ\(bar)", "λ\(bar)2", "λ\(bar)3", "z\(bar)1", "z\(bar)2"])
        XCTAssertEqual(d2.couplings.map(\.latexSymbol),
                       ["\\bar{\\kappa}", "\\bar{\\lambda}_{2}", "\\bar{\\lambda}_{3}", "\\bar{z}_{1}", "\\bar{z}_{2}"])
        XCTAssertEqual(d2.couplings.map(\.dimensionfulSymbol), ["κ", "λ2", "λ3", "z1", "z2"])
        XCTAssertEqual(d2.index(of: .potentialAtMinimum(derivative: 3)), 2)
        XCTAssertEqual(d2.index(of: .wavefunction(derivative: 2)), 4)
        XCTAssertNil(d2.index(of: .potential(order: 2)))
    }

    /// The canonical dimensions follow from `[U] = d` and `[φ] = (d − 2)/2` (so `[ρ] = d − 2`) and
    /// a dimensionless `Z(φ)`: `[u_{2m}] = d − 2m[φ]`, `[κ] = [ρ]`, `[λ_j] = d − j[ρ]`, `[z_j] = −j[ρ]`.
    func testCanonicalDimensionsFromFieldDimension() throws {
        for d in [1.0, 2.5, 3.0, 3.9] {
            let phi = (d - 2) / 2, rho = d - 2
            for m in 1...6 {
                XCTAssertEqual(CouplingDescriptor.potential(order: 2 * m, scheme: .wetterich).canonicalDimension(at: d),
                               d - Double(2 * m) * phi, accuracy: 1e-14)
            }
            XCTAssertEqual(CouplingDescriptor.minimumLocation(scheme: .wetterich).canonicalDimension(at: d), rho, accuracy: 1e-14)
            for j in 2...6 {
                XCTAssertEqual(CouplingDescriptor.potentialAtMinimum(derivative: j, scheme: .wetterich).canonicalDimension(at: d),
                               d - Double(j) * rho, accuracy: 1e-14)
            }
            for j in 1...6 {
                XCTAssertEqual(CouplingDescriptor.wavefunction(derivative: j).canonicalDimension(at: d), -Double(j) * rho, accuracy: 1e-14)
            }
        }
        // Exact rationals: [u6] = 6 − 2d.
        let u6 = CouplingDescriptor.potential(order: 6, scheme: .wetterich).canonicalDimension
        XCTAssertEqual(u6.constant, Rational(6))
        XCTAssertEqual(u6.slope, Rational(-2))
    }

    /// At the Gaussian fixed point the stability matrix about φ = 0 is triangular with diagonal
    /// `−[ū_i]`: the canonical dimensions the descriptors state are those of the derived equations.
    func testCanonicalDimensionsAreMinusGaussianEigenvalues() throws {
        for scheme in FlowEquation.allCases {
            for d in [2.0, 2.7, 3.0] {
                let beta = try BetaFunctions(TruncationSpec(scheme: scheme, dimension: d, order: 10))
                let n = beta.count
                let jacobian = beta.jacobian([Double](repeating: 0, count: n))
                for (i, coupling) in beta.couplings.enumerated() {
                    XCTAssertEqual(jacobian[i * n + i], -coupling.canonicalDimension(at: d), accuracy: 1e-13,
                                   "\(scheme) d=\(d) \(coupling.name)")
                    XCTAssertEqual(beta.canonicalDimensions[i], coupling.canonicalDimension(at: d))
                }
            }
        }
    }

    /// The natural sizes `ū_i ~ K_d^{p_i}` are the scaling that removes `K_d` from the Wetterich
    /// flow (φ = √K_d ψ, u = K_d w): with every threshold function carrying one factor `K_d`, each
    /// term of `β_i` has total weight `p_i`, the threshold argument `w` has weight 0, and `η` too.
    /// A wrong exponent for any coupling breaks the balance in some term.
    func testNaturalScalesRemoveBallVolumeFactorFromWetterichFlows() throws {
        let specs = [
            TruncationSpec(dimension: 3, order: 12),
            TruncationSpec(expansion: .minimum, dimension: 3, order: 12),
            TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: 3, order: 10),
            TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 3, order: 8),
        ]
        for spec in specs {
            let beta = try BetaFunctions(spec)
            let derived = beta.derived
            let p = beta.couplings.map(\.naturalScaleExponent)
            func weights(_ e: SymbolicExpression) -> Set<Int> {
                Set(e.terms.keys.map { key in
                    (key.atom.isOne ? 0 : 1) + p.indices.reduce(0) { $0 + p[$1] * Int(key.exponents[$1]) }
                })
            }
            for (i, b) in derived.betas.enumerated() {
                XCTAssertEqual(weights(b), [p[i]], "\(spec.truncation) \(spec.expansion): β of \(beta.couplingNames[i])")
            }
            XCTAssertEqual(weights(try XCTUnwrap(derived.thresholdArgument)), [0], "\(spec.truncation) w")
            if let eta = derived.eta {
                let numerator = weights(eta)
                let denominator = derived.etaDenominator.map(weights) ?? [0]
                XCTAssertEqual(numerator.count, 1, "\(spec.truncation) η: one weight")
                XCTAssertEqual(denominator.count, 1, "\(spec.truncation) η denominator: one weight")
                XCTAssertEqual(numerator.first! - denominator.first!, 0, "\(spec.truncation) η is K_d-free")
            }
        }
    }

    func testNaturalScaleExponents() {
        XCTAssertEqual((1...4).map { CouplingDescriptor.potential(order: 2 * $0, scheme: .wetterich).naturalScaleExponent }, [0, -1, -2, -3])
        XCTAssertEqual(CouplingDescriptor.minimumLocation(scheme: .wetterich).naturalScaleExponent, 1)
        XCTAssertEqual((2...4).map { CouplingDescriptor.potentialAtMinimum(derivative: $0, scheme: .wetterich).naturalScaleExponent }, [-1, -2, -3])
        XCTAssertEqual((1...3).map { CouplingDescriptor.wavefunction(derivative: $0).naturalScaleExponent }, [-1, -2, -3])
        // The normalized Polchinski equation has no K_d.
        XCTAssertEqual(CouplingDescriptor.potential(order: 6, scheme: .polchinski).naturalScaleExponent, 0)
        XCTAssertEqual(CouplingDescriptor.minimumLocation(scheme: .polchinski).naturalScaleExponent, 0)
        XCTAssertEqual(CouplingDescriptor.potentialAtMinimum(derivative: 3, scheme: .polchinski).naturalScaleExponent, 0)
        let kd = independentKd(3)
        XCTAssertEqual(CouplingDescriptor.potentialAtMinimum(derivative: 3, scheme: .wetterich).naturalScale(ballVolumeFactor: kd),
                       1 / (kd * kd), accuracy: 1e-12 / (kd * kd))
    }

    /// The Gaussian point about the minimum is a flat potential: κ is free, every λ and z vanishes.
    func testGaussianPointAndDomainByRole() throws {
        let minimum = try BetaFunctions(TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 3, order: 6))
        XCTAssertTrue(minimum.isGaussian([0.7, 0, 0, 0, 0], tolerance: 1e-9))
        XCTAssertFalse(minimum.isGaussian([0.7, 1e-3, 0, 0, 0], tolerance: 1e-9))
        XCTAssertFalse(minimum.isGaussian([0.7, 0, 0, 0, 1e-3], tolerance: 1e-9))
        let zero = try BetaFunctions(TruncationSpec(dimension: 3, order: 6))
        XCTAssertFalse(zero.isGaussian([0.7, 0, 0], tolerance: 1e-9))

        // κ ≥ 0 and λ2 > 0 bound the expansion about the minimum, wherever those couplings sit.
        XCTAssertTrue(minimum.isInDomain([0.03, 5, 50, 1.2, -26]))
        XCTAssertFalse(minimum.isInDomain([-0.01, 5, 50, 1.2, -26]))
        XCTAssertFalse(minimum.isInDomain([0.03, -5, 50, 1.2, -26]))
        XCTAssertTrue(minimum.isInDomain([0.03, 5, -50, -1.2, 26]))
        XCTAssertEqual(zero.domainConstraints.map(\.name), ["threshold 1+w"])
    }

    /// `BetaFunctions.isInDomain` checks the constraints without building them; it must say what
    /// the constraints say, on and around every boundary.
    func testDomainCheckAgreesWithTheConstraints() throws {
        let specs = [TruncationSpec(dimension: 3, order: 6),
                     TruncationSpec(expansion: .minimum, dimension: 3, order: 8),
                     TruncationSpec(scheme: .polchinski, expansion: .minimum, dimension: 2.5, order: 6),
                     TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: 3, order: 6),
                     TruncationSpec(expansion: .minimum, dimension: 3, order: 6, regulator: .exponential)]
        var rng = SplitMix64(state: 5)
        for spec in specs {
            let beta = try BetaFunctions(spec)
            func byConstraints(_ u: [Double]) -> Bool {
                u.withUnsafeBufferPointer { b in beta.domainConstraints.allSatisfy { $0.value(b) >= $0.stopBelow } }
            }
            for _ in 0..<400 {
                // Small values, so that every boundary (κ = 0, λ2 = 1e-9, 1 + w = 1e-3) is crossed.
                var u = (0..<beta.count).map { _ in rng.uniform(-1.2, 1.2) }
                if rng.uniform(0, 1) < 0.2 { u[min(1, beta.count - 1)] = [0, 1e-9, 1e-10, .nan][Int(rng.uniform(0, 3.999))] }
                XCTAssertEqual(beta.isInDomain(u), byConstraints(u), "\(spec.outline) at \(u)")
            }
        }
    }
}
