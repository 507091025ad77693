import Foundation
import FullPotential
import TextOutput

/// The passive flow of the whole LPA potential on a field grid (`FullPotentialFlow`): Wetterich
/// with the Litim regulator or Polchinski, from an initial potential at `k = Λ` to `spec.tEnd`.
public struct FullPotentialFlowRun: FlowRun {
    public var spec: FullPotentialFlowSpec
    public var initial: InitialPotential
    /// The couplings as given (names and values), for the output header; empty for a table.
    public var couplings: [(name: String, value: Double)]
    /// `Λ` in the units the couplings were given in (the flow itself runs in units of `Λ`).
    public var uvScale: Double

    public init(spec: FullPotentialFlowSpec, initial: InitialPotential, couplings: [(name: String, value: Double)] = [],
                uvScale: Double = 1) {
        self.spec = spec
        self.initial = initial
        self.couplings = couplings
        self.uvScale = uvScale
    }

    public func integrate() throws -> FullPotentialFlowResult {
        try FullPotentialFlow(spec: spec, initialPotential: initial).run()
    }

    public func trajectory(of result: FullPotentialFlowResult) -> FlowTrajectory {
        var header = [spec.scheme == .wetterich
            ? "equations: Wetterich LPA of the whole potential, ∂_t U = K_d k^(d+2)/(k² + U''), Litim regulator, d = \(formatNumber(spec.dimension))"
            : "equations: Polchinski LPA of the whole interaction, ∂_t V = −k^(d−2) V'' + V'²/k², d = \(formatNumber(spec.dimension))"]
        header.append("grid: \(spec.gridPoints) points on 0 ≤ φ ≤ \(formatNumber(spec.fieldMax)) (units of Λ^((d−2)/2)); U' integrated by CVODE (BDF, banded exact Jacobian), finite volumes")
        header.append("scale: t = ln(k/Λ); U, φ and k in units of Λ (Λ = \(formatNumber(uvScale)) in the units of the initial couplings); U(0) (the vacuum energy) is not tracked")
        if !couplings.isEmpty {
            header.append("initial potential: U = Σ u_2n φ^2n/(2n)! with " + couplings.map { "\($0.name) = \(formatNumber($0.value))" }.joined(separator: ", "))
        }
        header.append("ending: \(describe(result.ending))")

        // One row per snapshot; the whole potential is in `detail`.
        // Column names are the JSON keys of the same quantities (docs/outputs.md).
        var samples = TrajectoryTable(columns: ["t", "k", "minimumField", "kappa", "massSquared", "u2", "minThresholdDenominator", "depth"])
        var detail = TrajectoryTable(columns: ["t", "k", "phi", "potentialMinusOrigin", "firstDerivative", "secondDerivative", "thresholdDenominator"])
        for snapshot in result.snapshots {
            let minimum = result.field.firstIndex { $0 >= snapshot.minimumField } ?? 0
            samples.rows.append([snapshot.t, snapshot.k, snapshot.minimumField, snapshot.kappa, snapshot.massSquared, snapshot.u2,
                                 snapshot.thresholdDenominator.min() ?? .nan,
                                 snapshot.potential[0] - snapshot.potential[minimum]])
            for (i, phi) in result.field.enumerated() {
                detail.rows.append([snapshot.t, snapshot.k, phi, snapshot.potential[i] - snapshot.potential[0],
                                    snapshot.firstDerivative[i], snapshot.secondDerivative[i], snapshot.thresholdDenominator[i]])
            }
        }

        var figure = TrajectoryFigure(title: "Full-potential flow (\(spec.scheme.rawValue)), d = \(formatNumber(spec.dimension))",
                                      xLabel: "field φ (units of Λ^((d−2)/2))", yLabel: "U(φ) − U(0) (units of Λ^d)")
        // Show the field range where the structure is: up to where the initial potential rises to
        // ten times its depth below U(0) (the whole grid when it has no dip).
        let first = result.snapshots[0].potential.map { $0 - result.snapshots[0].potential[0] }
        let depth = -(first.min() ?? 0)
        let cut = depth > 0 ? (first.indices.first { i in result.field[i] > 0 && first[i] > 10 * depth } ?? first.count) : first.count
        let shown = max(cut, first.count / 5)
        for i in evenlySpacedIndices(count: result.snapshots.count, limit: 6) {
            let s = result.snapshots[i]
            figure.series.append(.init(label: "t = \(formatNumber(s.t, significant: 3))", x: Array(result.field.prefix(shown)),
                                       y: s.potential.prefix(shown).map { $0 - s.potential[0] }))
        }

        let json: [String: Any] = [
            "kind": "full-potential",
            "truncation": ["scheme": spec.scheme.rawValue, "truncation": "full-potential", "dimension": spec.dimension]
                .merging(spec.scheme == .wetterich ? ["regulator": "litim"] : [:]) { a, _ in a },
            "field": result.field,
            "samples": result.snapshots.map { s -> [String: Any] in
                ["t": s.t, "k": s.k, "minimumField": s.minimumField, "kappa": s.kappa, "massSquared": s.massSquared, "u2": s.u2,
                 "potentialMinusOrigin": s.potential.map { $0 - s.potential[0] }, "firstDerivative": s.firstDerivative,
                 "secondDerivative": s.secondDerivative]
            },
            "ending": ["description": describe(result.ending)],
        ]
        return FlowTrajectory(kind: .fullPotential, header: header, samples: samples, detail: detail,
                              endingSummary: describe(result.ending),
                              solverSummary: "CVODE: \(result.steps) steps",
                              figure: figure, jsonMembers: json)
    }
}

/// How a full-potential flow ended, in words.
func describe(_ ending: FullPotentialFlowEnding) -> String {
    switch ending {
    case .reachedEnd: return "completed: reached the final scale"
    case let .convexityFloor(t, field):
        return "stopped at t = \(t): min(1 + u'') reached the stop level at φ = \(field) — inside the coexistence region the potential has flattened (U'' → −k², the approach to the convex effective potential) as far as the grid resolves"
    case let .outOfRange(t, quantity):
        return "stopped at t = \(t): \(quantity) reached 1e300 in magnitude, the edge of double precision; beyond it the value is not representable"
    }
}
