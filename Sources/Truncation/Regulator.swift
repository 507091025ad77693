import Foundation

/// `K_d = π^{d/2} / (Γ(d/2+1) (2π)^d)`: the volume of the unit ball in `d` dimensions over `(2π)^d`.
/// `d` may be any positive real number.
public func ballVolumeFactor(dimension d: Double) -> Double {
    pow(Double.pi, d / 2) / (tgamma(d / 2 + 1) * pow(2 * Double.pi, d))
}

/// A quadrature rule for the threshold functions of one family:
/// `A_k(w) = Σ_q weights[q] / (nodes[q] + w)^k`, where `nodes[q] = p(y_q)` are values of the
/// regularized dimensionless inverse propagator `p(y) = y + r(y)`.
///
/// For the Litim regulator the rule has one node (`p = 1`) and is exact; for other regulators it
/// is a numerical quadrature of the `y` integral.
public struct ThresholdQuadrature: Sendable, Equatable {
    public var nodes: [Double]
    public var weights: [Double]

    public init(nodes: [Double], weights: [Double]) {
        self.nodes = nodes
        self.weights = weights
    }

    /// `A_k(w)` evaluated directly (not on the hot path).
    public func value(power k: Int, at w: Double) -> Double {
        var s = 0.0
        for q in nodes.indices { s += weights[q] / pow(nodes[q] + w, Double(k)) }
        return s
    }
}

/// An infrared regulator `R_k(q) = Z_k k² r(q²/k²)` of the Wetterich equation.
///
/// The truncation module needs from a regulator only its threshold functions
/// `A_k(w) = (d K_d/2) ∫_0^∞ dy y^{d/2−1} g(y)/(p(y)+w)^k` (see `ThresholdFamily` for `g`),
/// given as a quadrature rule, and the smallest value of `p(y) = y + r(y)` (the flow has a pole
/// where `p_min + w = 0`).
public protocol Regulator: Sendable {
    /// Short identifier, as on the command line (`litim`, `exponential`).
    var name: String { get }
    /// The shape `r(y) = R_k(q)/(Z_k k²)` at `y = q²/k²`, for documentation and output headers.
    var shapeDescription: String { get }
    /// True when the threshold functions are exact closed forms (a one-node rule).
    var isClosedForm: Bool { get }
    /// `min_y p(y)`, where `p(y) = y + r(y)`.
    var minimumInversePropagator: Double { get }
    /// The threshold functions of `family` in dimension `d`; throws when this regulator does not
    /// provide that family.
    func thresholdQuadrature(_ family: ThresholdFamily, dimension d: Double) throws -> ThresholdQuadrature
}

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
