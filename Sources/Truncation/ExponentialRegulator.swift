import Foundation

/// The exponential regulator `r(y) = α y/(e^y − 1)` (prefactor `α`, 1 by default):
/// `p(y) = y + α y/(e^y − 1)`, `= y e^y/(e^y − 1) ≥ 1` for `α = 1`. Threshold functions are computed
/// by double-exponential quadrature of the `y` integral (relative accuracy about 1e-12 away from
/// the pole; checked against Simpson quadrature in the tests); the O(∂²) ones (`SmoothRegulator`)
/// from `r`, `r'`, `r''`.
public struct ExponentialRegulator: SmoothRegulator {
    /// `α` in `R_k = α Z_k k² y/(e^y − 1)`: the parameter of the PMS scan.
    public var prefactor: Double

    public init(prefactor: Double = 1) {
        self.prefactor = prefactor
    }
    public var name: String { "exponential" }
    public var shapeDescription: String {
        prefactor == 1 ? "r(y) = y/(e^y − 1)  (exponential), y = q²/k²"
            : "r(y) = α y/(e^y − 1), α = \(prefactor)  (exponential), y = q²/k²"
    }
    public var isClosedForm: Bool { false }
    public var cacheKey: String { "exponential \(prefactor.bitPattern)" }

    /// `min_y (y + α y/(e^y − 1))`: `α` at `y = 0` while `p'(0) = 1 − α/2 ≥ 0`, else inside
    /// (found on a grid refined by golden sections).
    public var minimumInversePropagator: Double {
        if prefactor <= 2 { return prefactor }
        let p = { (y: Double) in y + prefactor * ExponentialRegulator.shape(y) }
        var best = 0.0
        for i in 1...4000 where p(Double(i) * 0.005) < p(best) { best = Double(i) * 0.005 }
        var a = max(best - 0.005, 0), b = best + 0.005
        let g = (5.0.squareRoot() - 1) / 2
        for _ in 0..<80 {
            let c = b - g * (b - a), e = a + g * (b - a)
            if p(c) < p(e) { b = e } else { a = c }
        }
        return p((a + b) / 2)
    }

    /// `(r, r', r'')` of `α y/(e^y − 1)`; Bernoulli series below `y = 0.05` (truncation error
    /// below 1e-13), the closed forms with `expm1` above.
    public func shapeDerivatives(_ y: Double) -> (r: Double, r1: Double, r2: Double) {
        if y < 0.05 {
            let y2 = y * y
            let r = 1 - y / 2 + y2 / 12 - y2 * y2 / 720 + y2 * y2 * y2 / 30240
            let r1 = -0.5 + y / 6 - y2 * y / 180 + y2 * y2 * y / 5040
            let r2 = 1.0 / 6 - y2 / 60 + y2 * y2 / 1008
            return (prefactor * r, prefactor * r1, prefactor * r2)
        }
        let dm = expm1(y), e = dm + 1
        let r = y / dm
        let r1 = 1 / dm - y * e / (dm * dm)
        let r2 = -(2 * e + y * e) / (dm * dm) + 2 * y * e * e / (dm * dm * dm)
        return (prefactor * r, prefactor * r1, prefactor * r2)
    }

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
        case .loop: g = { prefactor * ExponentialRegulator.loopInsertion($0) }
        case .etaInsertion: g = { prefactor * ExponentialRegulator.shape($0) / 2 }
        case .anomalous:
            throw TruncationError.unsupported(
                "the closed-form anomalous-dimension threshold function is Litim's; with the exponential regulator LPA′ and derivative2 use the moment thresholds")
        }
        // Takahasi–Mori transformation y = exp(t − e^{−t}): both ends decay double-exponentially,
        // including the y^{d/2−1} endpoint singularity for d < 2.
        let measure = d * ballVolumeFactor(dimension: d) / 2
        let h = 1.0 / 12
        let tMin = -log(120 / d) - 1
        let tMax = 5.0
        var nodes: [Double] = []
        var weights: [Double] = []
        var t = tMin
        while t <= tMax {
            let emt = exp(-t)
            let y = exp(t - emt)
            let w = h * measure * pow(y, d / 2) * (1 + emt) * g(y)
            if w.isFinite && abs(w) > 1e-300 {
                nodes.append(y + prefactor * ExponentialRegulator.shape(y))
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
