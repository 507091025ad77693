import Foundation

// Every way frg writes a number, in one place. Files that are read back by programs (CSV, JSON)
// use `formatExact`; tables read by people use `formatNumber` and `formatWithError`.

/// Shortest decimal that reads back to the same `Double` (CSV, JSON): exact round trip.
public func formatExact(_ x: Double) -> String {
    "\(x)"
}

/// `significant` significant digits, `%g` style, for tables read by people. Non-finite values are
/// spelled `nan`, `inf`, `-inf` (callers that must never show them check before).
public func formatNumber(_ x: Double, significant: Int = 6) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    return String(format: "%.\(significant)g", x)
}

/// `value ± error` with the error to two significant digits and the value to the same decimal place.
public func formatWithError(_ value: Double, _ error: Double) -> String {
    guard value.isFinite, error.isFinite, error > 0 else { return formatNumber(value) + " ± " + formatNumber(error, significant: 2) }
    let exponent = Int(floor(log10(error))) - 1
    let magnitude = max(abs(value), error)
    if magnitude >= 1e5 || magnitude < 1e-3 {
        // Scientific form with a shared exponent.
        let e = Int(floor(log10(magnitude)))
        let scale = pow(10.0, Double(e))
        let digits = max(0, e - exponent)
        return String(format: "(%.\(digits)f ± %.\(digits)f)e%d", value / scale, error / scale, e)
    }
    let digits = max(0, -exponent)
    return String(format: "%.\(digits)f ± %.\(digits)f", value, error)
}

/// Integers without a decimal point (`2`, not `2.0`); anything else as the shortest round-trip
/// decimal. For values quoted back to the user (configuration messages).
public func formatPlain(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
}

/// Integers without a decimal point; anything else to 12 significant digits, which hides the
/// last-bit noise of coefficients with `d` substituted (`−(4−d)` at `d = 2.37`).
public func formatCoefficient(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return String(format: "%.12g", x)
}

/// Four significant digits between 1e-3 and 1e5, three-digit scientific form outside: numbers
/// inside a sentence (verdicts, explanations).
public func formatCompact(_ x: Double) -> String {
    if x == 0 { return "0" }
    let a = abs(x)
    if a >= 1e-3, a < 1e5 { return String(format: "%.4g", x) }
    return String(format: "%.3e", x)
}

/// A pull `(measured − predicted)/σ` with its sign: two decimals, `+1.3e+62` beyond 10⁵.
public func formatPull(_ pull: Double) -> String {
    abs(pull) < 1e5 ? String(format: "%+.2f", pull) : String(format: "%+.2g", pull)
}

/// A p-value: three significant digits, `< 1e-16` below the resolution of the χ² tail.
public func formatP(_ p: Double) -> String { p < 1e-16 ? "< 1e-16" : String(format: "%.3g", p) }

/// A power-law exponent with its sign: `+3`, `-1`, `+0.5`.
public func formatExponent(_ p: Double) -> String {
    p == p.rounded() ? (p >= 0 ? "+\(Int(p))" : "\(Int(p))") : String(format: "%+.3g", p)
}
