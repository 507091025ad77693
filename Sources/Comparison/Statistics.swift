import Diagnostics
import Foundation

/// A measured value with its one-standard-error uncertainty.
public struct Measured: Sendable, Equatable, Codable {
    public var value: Double
    public var error: Double
    public init(_ value: Double, _ error: Double) {
        self.value = value
        self.error = error
    }
}

/// Why a fit or comparison cannot be made. The data come from a run, so this is a failure of the
/// run (exit status 1).
public enum StatisticsError: UserFacingError, Equatable {
    case tooFewPoints(needed: Int, got: Int)
    case nonPositive(what: String, value: Double)
    case nonFinite(what: String)
    case mixedSigns

    public var category: ErrorCategory { .runFailed }

    public var description: String {
        switch self {
        case let .tooFewPoints(n, g): return "need at least \(n) points, got \(g)"
        case let .nonPositive(w, v): return "\(w) must be positive, got \(v)"
        case .nonFinite(let w): return "\(w) is not finite"
        case .mixedSigns: return "a power law needs measured values of one sign; these change sign"
        }
    }
}

/// `y = A x^p` fitted by weighted least squares on `ln|y| = ln|A| + p ln x`, with weights from the
/// relative errors `σ_y/|y|` (first-order error propagation through the logarithm).
///
/// Errors of `A` and `p` come from the covariance of the linear fit, scaled by `√(χ²/dof)` when
/// that exceeds 1 (so an underestimated measurement error widens them rather than hiding).
public struct PowerLawFit: Sendable, Equatable, Codable {
    public var amplitude: Double
    public var amplitudeError: Double
    public var exponent: Double
    public var exponentError: Double
    public var chiSquared: Double
    public var degreesOfFreedom: Int

    public init(x: [Double], y: [Measured]) throws {
        guard x.count == y.count, x.count >= 3 else { throw StatisticsError.tooFewPoints(needed: 3, got: min(x.count, y.count)) }
        let sign: Double = y[0].value < 0 ? -1 : 1
        var sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        var lx: [Double] = [], ly: [Double] = [], w: [Double] = []
        for (xi, yi) in zip(x, y) {
            guard xi > 0 else { throw StatisticsError.nonPositive(what: "x", value: xi) }
            guard yi.value * sign > 0 else { throw StatisticsError.mixedSigns }
            guard yi.error > 0 else { throw StatisticsError.nonPositive(what: "error", value: yi.error) }
            guard yi.value.isFinite, yi.error.isFinite else { throw StatisticsError.nonFinite(what: "measurement") }
            let relative = yi.error / abs(yi.value)
            let wi = 1 / (relative * relative)
            lx.append(log(xi)); ly.append(log(abs(yi.value))); w.append(wi)
        }
        for i in lx.indices {
            sw += w[i]; sx += w[i] * lx[i]; sy += w[i] * ly[i]
            sxx += w[i] * lx[i] * lx[i]; sxy += w[i] * lx[i] * ly[i]
        }
        let delta = sw * sxx - sx * sx
        let slope = (sw * sxy - sx * sy) / delta
        let intercept = (sxx * sy - sx * sxy) / delta
        var chi2 = 0.0
        for i in lx.indices {
            let r = ly[i] - intercept - slope * lx[i]
            chi2 += w[i] * r * r
        }
        let dof = lx.count - 2
        let inflate = max(1, chi2 / Double(dof)).squareRoot()
        exponent = slope
        exponentError = (sw / delta).squareRoot() * inflate
        amplitude = sign * exp(intercept)
        amplitudeError = abs(amplitude) * (sxx / delta).squareRoot() * inflate
        chiSquared = chi2
        degreesOfFreedom = dof
    }

    public func predict(_ x: Double) -> Double { amplitude * pow(x, exponent) }
}

/// One theory set beside measurements: pulls and `χ²`.
public struct TheoryComparison: Sendable, Codable {
    public struct Row: Sendable, Codable {
        public var x: Double
        public var measured: Measured
        public var predicted: Double
        /// Uncertainty of the prediction itself (for example from the measured point that anchors
        /// it), 0 for an exact prediction.
        public var predictedError: Double
        /// `(measured − predicted)/√(σ² + σ_pred²)`.
        public var pull: Double
    }

    public var theory: String
    public var rows: [Row]
    public var chiSquared: Double
    /// Points minus fitted parameters of the theory.
    public var degreesOfFreedom: Int
    /// Probability of a `χ²` at least this large if the theory is right.
    public var pValue: Double

    public var reducedChiSquared: Double { chiSquared / Double(max(1, degreesOfFreedom)) }

    /// - Parameter fittedParameters: parameters of the theory adjusted to these same data
    ///   (2 for a power-law fit, 0 for a parameter-free prediction, 1 for a curve anchored on
    ///   one of the measured points).
    /// - Parameter predictedErrors: one-standard-error uncertainty of each prediction, combined in
    ///   quadrature with the measurement's (nil: exact predictions).
    public init(theory: String, x: [Double], measured: [Measured], predicted: [Double], fittedParameters: Int,
                predictedErrors: [Double]? = nil) throws {
        guard x.count == measured.count, x.count == predicted.count, x.count > fittedParameters,
              predictedErrors.map({ $0.count == x.count }) ?? true else {
            throw StatisticsError.tooFewPoints(needed: fittedParameters + 1, got: min(x.count, measured.count, predicted.count))
        }
        self.theory = theory
        rows = try x.indices.map { i in
            let (xi, m, p) = (x[i], measured[i], predicted[i])
            let pe = predictedErrors?[i] ?? 0
            guard m.error > 0 else { throw StatisticsError.nonPositive(what: "measurement error", value: m.error) }
            guard m.value.isFinite, m.error.isFinite else { throw StatisticsError.nonFinite(what: "measurement at x = \(xi)") }
            guard p.isFinite, pe.isFinite, pe >= 0 else { throw StatisticsError.nonFinite(what: "prediction at x = \(xi)") }
            let sigma = (m.error * m.error + pe * pe).squareRoot()
            return Row(x: xi, measured: m, predicted: p, predictedError: pe, pull: (m.value - p) / sigma)
        }
        chiSquared = rows.reduce(0) { $0 + $1.pull * $1.pull }
        degreesOfFreedom = x.count - fittedParameters
        pValue = chiSquaredSurvival(chiSquared, degreesOfFreedom: degreesOfFreedom)
    }
}

/// `P(χ²_k ≥ x)`, the upper tail of the chi-squared distribution with `k` degrees of freedom:
/// the regularized upper incomplete gamma function `Q(k/2, x/2)`, by its series for
/// `x < a + 1` and Lentz's continued fraction otherwise (relative accuracy ~1e-14).
public func chiSquaredSurvival(_ x: Double, degreesOfFreedom k: Int) -> Double {
    guard k > 0 else { return .nan }
    if x <= 0 { return 1 }
    // A χ² beyond double precision (pulls of 1e155 and more) has no tail left.
    if x == .infinity { return 0 }
    let a = Double(k) / 2, z = x / 2
    let logPrefactor = a * log(z) - z - lgamma(a)
    if z < a + 1 {
        var term = 1 / a, sum = term, ap = a
        for _ in 0..<10_000 {
            ap += 1
            term *= z / ap
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return max(0, 1 - sum * exp(logPrefactor))
    }
    let tiny = 1e-300
    var b = z + 1 - a, c = 1 / tiny, d = 1 / b, h = d
    for i in 1..<10_000 {
        let an = -Double(i) * (Double(i) - a)
        b += 2
        d = an * d + b
        if abs(d) < tiny { d = tiny }
        c = b + an / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16 { break }
    }
    return exp(logPrefactor) * h
}
