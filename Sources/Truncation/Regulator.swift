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

extension Regulator {
    /// The quadrature rule of an atom family byte: a `ThresholdFamily`, or a `MomentThreshold` of
    /// a `SmoothRegulator` (O(∂²) with a regulator without closed forms).
    func thresholdQuadrature(code: UInt8, dimension d: Double) throws -> ThresholdQuadrature {
        if let family = ThresholdFamily(rawValue: code) { return try thresholdQuadrature(family, dimension: d) }
        guard let moment = MomentThreshold(code: code), let smooth = self as? any SmoothRegulator else {
            throw TruncationError.unsupported("the \(name) regulator has no threshold function of family \(code)")
        }
        return smooth.momentQuadrature(moment, dimension: d)
    }
}

/// A regulator whose shape `r(y)` is smooth enough that the threshold functions of the
/// two-derivative truncations (LPA′, derivative2) follow from `r`, `r'`, `r''` by numerical
/// quadrature of `y` (`MomentThreshold`): the `p²` projection needs the derivatives of the
/// regularized propagator, not only its value.
public protocol SmoothRegulator: Regulator {
    /// `(r, r', r'')` at `y = q²/k²` (derivatives in `y`).
    func shapeDerivatives(_ y: Double) -> (r: Double, r1: Double, r2: Double)
    /// Points of `y` where `r` bends sharply (a smoothed step); the quadrature splits there.
    var breakpoints: [Double] { get }
    /// Identifies the shape and its parameters, for the process-wide cache of quadrature rules.
    var cacheKey: String { get }
}

extension SmoothRegulator {
    public var breakpoints: [Double] { [] }

    /// The rule of one moment threshold at dimension `d`, computed once per process
    /// (`MomentQuadratureCache`): `A_k(w) = Σ_q W_q/(p(y_q) + w)^k` with
    /// `W_q = (d K_d/2) y_q^{d/2−1+m} s(y_q) f(y_q) · (quadrature weight)`.
    ///
    /// Double-exponential (tanh-sinh type) quadrature, step `h = 1/16`, on `[0, ∞)` or split at
    /// the breakpoints; the endpoint singularity `y^{d/2−1}` (d < 2) and the decay of `s` are both
    /// absorbed by the transformation. Relative accuracy about 1e-12 for `1 + w ≳ 0.05`
    /// (`RegulatorTests` compares with the rule at half the step).
    func momentQuadrature(_ threshold: MomentThreshold, dimension d: Double, step h: Double = 1.0 / 16) -> ThresholdQuadrature {
        MomentQuadratureCache.shared.rule(key: "\(cacheKey)|\(threshold.code)|\(d.bitPattern)|\(h.bitPattern)") {
            var nodes: [Double] = []
            var weights: [Double] = []
            let prefactor = d * ballVolumeFactor(dimension: d) / 2
            func add(_ y: Double, _ jacobian: Double) {
                guard y > 0, y.isFinite, jacobian.isFinite, jacobian > 0 else { return }
                let (r, r1, r2) = shapeDerivatives(y)
                let source = threshold.source == .loop ? r - y * r1 : r / 2
                let e = 1 + r1
                let factor: Double
                switch threshold.factor {
                case .one: factor = 1
                case .e: factor = e
                case .eSquared: factor = e * e
                case .rSecond: factor = r2
                }
                let w = h * prefactor * pow(y, d / 2 - 1 + Double(threshold.moment)) * source * factor * jacobian
                if w.isFinite && w != 0 {
                    nodes.append(y + r)
                    weights.append(w)
                }
            }
            let cuts = breakpoints.filter { $0 > 0 }.sorted()
            var lower = 0.0
            for b in cuts {
                // [lower, b]: y = lower + (b − lower) σ(π sinh t), both ends double-exponential.
                let length = b - lower
                var t = -4.0
                while t <= 4.0 {
                    let x = Double.pi * sinh(t)
                    let sigma = 1 / (1 + exp(-x)), tail = 1 / (1 + exp(x))
                    let y = t < 0 ? lower + length * sigma : b - length * tail
                    add(y, length * sigma * tail * Double.pi * cosh(t))
                    t += h
                }
                lower = b
            }
            // [lower, ∞): y = lower + exp(t − e^{−t}); lower = 0 starts deep enough for y^{d/2−1}.
            var t = lower == 0 ? -log(120 / d) - 1 : -4.0
            while t <= 5.0 {
                let emt = exp(-t)
                let v = exp(t - emt)
                add(lower + v, v * (1 + emt))
                t += h
            }
            let largest = weights.map(abs).max() ?? 0
            var kept = ThresholdQuadrature(nodes: [], weights: [])
            for q in nodes.indices where abs(weights[q]) > 1e-18 * largest {
                kept.nodes.append(nodes[q])
                kept.weights.append(weights[q])
            }
            return kept
        }
    }
}

/// Quadrature rules of `SmoothRegulator.momentQuadrature`, one per (shape, family, d, step) for
/// the life of the process: a dimension sweep or a study over orders builds each rule once.
final class MomentQuadratureCache: @unchecked Sendable {
    static let shared = MomentQuadratureCache()
    private let lock = NSLock()
    private var rules: [String: ThresholdQuadrature] = [:]

    func rule(key: String, build: () -> ThresholdQuadrature) -> ThresholdQuadrature {
        lock.lock()
        if let r = rules[key] { lock.unlock(); return r }
        lock.unlock()
        let r = build()
        lock.lock()
        rules[key] = r
        lock.unlock()
        return r
    }
}
