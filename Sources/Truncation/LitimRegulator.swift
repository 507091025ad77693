import Foundation

/// Litim's optimized regulator `r(y) = (1 − y) θ(1 − y)`: `p(y) = max(y, 1)` and every threshold
/// function is a closed form, `A_k(w) = c K_d/(1+w)^k` with `c = 1` (loop), `1/(d+2)` (η insertion)
/// and `1` (the `p²` projection of the two-point function, `anomalous`).
public struct LitimRegulator: Regulator {
    public init() {}
    public var name: String { "litim" }
    public var shapeDescription: String { "r(y) = (1 − y) θ(1 − y)  (Litim), y = q²/k²" }
    public var isClosedForm: Bool { true }
    public var minimumInversePropagator: Double { 1 }

    public func thresholdQuadrature(_ family: ThresholdFamily, dimension d: Double) throws -> ThresholdQuadrature {
        let kd = ballVolumeFactor(dimension: d)
        switch family {
        case .loop, .anomalous:
            return ThresholdQuadrature(nodes: [1], weights: [kd])
        case .etaInsertion:
            return ThresholdQuadrature(nodes: [1], weights: [kd / (d + 2)])
        }
    }
}
