import Foundation

/// The exponential regulator `r(y) = y/(e^y − 1)`: `p(y) = y e^y/(e^y − 1) ≥ 1`. Threshold
/// functions are computed by double-exponential quadrature of the `y` integral (relative accuracy
/// about 1e-12 away from the pole `w = −1`; checked against Simpson quadrature in the tests).
public struct ExponentialRegulator: Regulator {
    public init() {}
    public var name: String { "exponential" }
    public var shapeDescription: String { "r(y) = y/(e^y − 1)  (exponential), y = q²/k²" }
    public var isClosedForm: Bool { false }
    public var minimumInversePropagator: Double { 1 }

    /// `r(y) = y/(e^y − 1)`.
    public static func shape(_ y: Double) -> Double {
        y < 1e-8 ? 1 - y / 2 : y / expm1(y)
    }

    /// `p(y) = y + r(y)`.
    public static func inversePropagator(_ y: Double) -> Double {
        y + shape(y)
    }

    /// `r(y) − y r'(y)`, the `∂_t R_k` insertion (computed without cancellation at small `y`).
    public static func loopInsertion(_ y: Double) -> Double {
        if y < 1e-3 {
            // r = 1 − y/2 + y²/12 − y⁴/720 + …, so r − y r' = 1 − y²/12 + y⁴/240 − …
            let y2 = y * y
            return 1 - y2 / 12 + y2 * y2 / 240
        }
        let em1 = expm1(y)
        let r = y / em1
        let rPrime = (em1 - y * (em1 + 1)) / (em1 * em1)
        return r - y * rPrime
    }

    public func thresholdQuadrature(_ family: ThresholdFamily, dimension d: Double) throws -> ThresholdQuadrature {
        let g: (Double) -> Double
        switch family {
        case .loop: g = ExponentialRegulator.loopInsertion
        case .etaInsertion: g = { ExponentialRegulator.shape($0) / 2 }
        case .anomalous:
            throw TruncationError.unsupported(
                "the anomalous-dimension threshold function is implemented for the Litim regulator only")
        }
        // Takahasi–Mori transformation y = exp(t − e^{−t}): both ends decay double-exponentially,
        // including the y^{d/2−1} endpoint singularity for d < 2.
        let prefactor = d * ballVolumeFactor(dimension: d) / 2
        let h = 1.0 / 12
        let tMin = -log(120 / d) - 1
        let tMax = 5.0
        var nodes: [Double] = []
        var weights: [Double] = []
        var t = tMin
        while t <= tMax {
            let emt = exp(-t)
            let y = exp(t - emt)
            let w = h * prefactor * pow(y, d / 2) * (1 + emt) * g(y)
            if w.isFinite && abs(w) > 1e-300 {
                nodes.append(ExponentialRegulator.inversePropagator(y))
                weights.append(w)
            }
            t += h
        }
        let largest = weights.map(abs).max() ?? 0
        var keptNodes: [Double] = []
        var keptWeights: [Double] = []
        for q in nodes.indices where abs(weights[q]) > 1e-18 * largest {
            keptNodes.append(nodes[q])
            keptWeights.append(weights[q])
        }
        return ThresholdQuadrature(nodes: keptNodes, weights: keptWeights)
    }
}
