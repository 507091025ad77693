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
