import Foundation
import XCTest
@testable import Truncation

/// The LPA's numerical power-series evaluation against the exact symbolic system compiled into
/// tables: two independent routes from the same projection (one symbolic in exact rationals, one
/// numerical series arithmetic), which must agree to rounding.
final class PotentialSeriesEvaluatorTests: XCTestCase {
    /// Every LPA combination the program accepts: both schemes, both expansions, both regulators
    /// for Wetterich, a few orders and a non-integer dimension.
    func testSeriesAgreesWithTheExactTablesTermByTerm() throws {
        var cases: [TruncationSpec] = []
        for expansion in ExpansionPoint.allCases {
            for order in [4, 6, 10, 16] {
                for d in [3.0, 2.4] {
                    cases.append(TruncationSpec(scheme: .wetterich, expansion: expansion, dimension: d, order: order))
                    cases.append(TruncationSpec(scheme: .polchinski, expansion: expansion, dimension: d, order: order))
                }
                cases.append(TruncationSpec(scheme: .wetterich, expansion: expansion, dimension: 3, order: order,
                                            regulator: .exponential))
            }
        }
        var rng = SplitMix64(state: 2024)
        for spec in cases {
            let series = try BetaFunctions(spec)
            guard case .series = series.evaluation else { return XCTFail("\(spec.outline): LPA must use the series") }
            let tables = try BetaFunctions(spec, evaluation: .tables)
            XCTAssertEqual(series.couplingNames, tables.couplingNames)
            let n = series.count
            for _ in 0..<20 {
                // Couplings of natural size (they grow with the order), inside the domain: κ > 0,
                // λ2 > 0 and 1 + w ≥ 0.2.
                var u = (0..<n).map { i in rng.uniform(-1, 1) * pow(3, Double(i)) }
                if spec.expansion == .minimum {
                    u[0] = rng.uniform(0.01, 0.5)
                    u[1] = rng.uniform(0.1, 3)
                } else {
                    u[0] = rng.uniform(-0.8, 2)
                }
                let bs = series.beta(at: u), bt = tables.beta(at: u)
                let js = series.jacobian(at: u), jt = tables.jacobian(at: u)
                for i in 0..<n {
                    // Rounding yardstick of row i: the size of the terms that make up β_i.
                    var size = abs(bt[i])
                    for j in 0..<n { size += abs(jt[i * n + j] * u[j]) }
                    XCTAssertEqual(bs[i], bt[i], accuracy: 1e-13 * size, "\(spec.outline): β_\(series.couplingNames[i]) at \(u)")
                    for j in 0..<n {
                        let scale = size / max(abs(u[j]), 1e-300)
                        XCTAssertEqual(js[i * n + j], jt[i * n + j], accuracy: 1e-12 * scale,
                                       "\(spec.outline): ∂β_\(series.couplingNames[i])/∂\(series.couplingNames[j])")
                    }
                }
                if let margin = tables.thresholdMargin(at: u) {
                    XCTAssertEqual(series.thresholdMargin(at: u) ?? .nan, margin, accuracy: 1e-14, "\(spec.outline)")
                } else {
                    XCTAssertNil(series.thresholdMargin(at: u), "\(spec.outline): Polchinski has no threshold")
                }
            }
        }
    }

    /// The Jacobian of the series against central differences of its own β (an independent check
    /// of the linearization, at an order where the tables would take long to build in a debug run).
    func testJacobianMatchesDifferencesAtHighOrder() throws {
        for spec in [TruncationSpec(expansion: .minimum, dimension: 3, order: 48),
                     TruncationSpec(scheme: .polchinski, expansion: .minimum, dimension: 3, order: 40),
                     TruncationSpec(expansion: .zero, dimension: 3, order: 40, regulator: .exponential)] {
            let beta = try BetaFunctions(spec)
            let n = beta.count
            var rng = SplitMix64(state: 7)
            var u = (0..<n).map { i in rng.uniform(-1, 1) * pow(2, Double(i)) }
            if spec.expansion == .minimum { u[0] = 0.03; u[1] = 7.5 } else { u[0] = 0.3 }
            let j = beta.jacobian(at: u)
            for column in 0..<n {
                let h = 1e-6 * max(abs(u[column]), 1e-3)
                var up = u, down = u
                up[column] += h
                down[column] -= h
                let bu = beta.beta(at: up), bd = beta.beta(at: down)
                for row in 0..<n {
                    let difference = (bu[row] - bd[row]) / (2 * h)
                    var size = 0.0
                    for k in 0..<n { size += abs(j[row * n + k] * u[k]) }
                    // Central differences: error O(h²·β''') plus rounding O(ε·size/h).
                    XCTAssertEqual(j[row * n + column], difference, accuracy: 1e-6 * size / max(abs(u[column]), 1e-3),
                                   "\(spec.outline): ∂β_\(row)/∂u_\(column)")
                }
            }
        }
    }

    /// Orders the exact derivation would take minutes for are built without deriving anything.
    func testHighOrderLPADerivesNothing() throws {
        let spec = TruncationSpec(expansion: .minimum, dimension: 3, order: 64)
        let before = DerivationCounter.shared.count(for: spec.derivationKey)
        let beta = try BetaFunctions(spec)
        XCTAssertEqual(beta.count, 32)
        XCTAssertEqual(DerivationCounter.shared.count(for: spec.derivationKey), before)
    }
}
