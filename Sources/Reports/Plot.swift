import Diagnostics
import Foundation
import TextOutput

/// How an axis maps data to the page.
public enum AxisScale: String, Sendable, Codable {
    case linear
    /// Base-10 logarithmic; every plotted value on this axis must be positive.
    case log
    /// Symmetric logarithm, `asinh(v/c)` with `c` the smallest non-zero magnitude shown: values of
    /// both signs spanning many decades (couplings that run away) on one axis.
    case symlog
}

/// One named data set of a plot.
public struct PlotSeries: Sendable {
    public enum Style: Sendable {
        /// A polyline through the points (theory curves, trajectories).
        case line
        /// Markers at the points, with error bars when `yErrors` is given (measurements).
        case markers
        /// A dashed polyline (references, asymptotes).
        case dashed
    }

    public var label: String
    public var x: [Double]
    public var y: [Double]
    /// Symmetric one-standard-error bars in y, one per point, or nil.
    public var yErrors: [Double]?
    public var style: Style

    public init(label: String, x: [Double], y: [Double], yErrors: [Double]? = nil, style: Style = .line) {
        self.label = label
        self.x = x
        self.y = y
        self.yErrors = yErrors
        self.style = style
    }
}

/// Why a plot cannot be drawn.
public enum PlotError: UserFacingError, Equatable {
    /// The data cannot be drawn as asked: a failure of the run, not of its input.
    public var category: ErrorCategory { .runFailed }

    case mismatchedLengths(series: String)
    case nonPositiveOnLogAxis(series: String, axis: String, value: Double)
    case noFiniteData

    public var description: String {
        switch self {
        case .mismatchedLengths(let s): return "plot series '\(s)': x, y and error arrays differ in length"
        case .nonPositiveOnLogAxis(let s, let axis, let v):
            return "plot series '\(s)': value \(v) cannot be shown on the logarithmic \(axis) axis (plot |value| or use a linear axis)"
        case .noFiniteData: return "plot has no finite data points"
        }
    }
}

/// A 2-D chart rendered as a self-contained SVG: labelled axes, ticks, legend, error bars.
///
/// Non-finite points are skipped (a trajectory that ended at a pole draws up to its last finite
/// point); a non-positive value on a logarithmic axis is an error rather than silently dropped.
public struct Plot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale
    public var yScale: AxisScale
    public var series: [PlotSeries]
    public var width: Double = 760
    public var height: Double = 500

    public init(title: String, xLabel: String, yLabel: String,
                xScale: AxisScale = .linear, yScale: AxisScale = .linear, series: [PlotSeries] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.series = series
    }

    /// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    public func svg() throws -> String {
        // Collect finite extents, validating log axes.
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            guard s.x.count == s.y.count, s.yErrors.map({ $0.count == s.y.count }) ?? true else {
                throw PlotError.mismatchedLengths(series: s.label)
            }
            for i in s.x.indices where s.x[i].isFinite && s.y[i].isFinite {
                if xScale == .log, s.x[i] <= 0 { throw PlotError.nonPositiveOnLogAxis(series: s.label, axis: "x", value: s.x[i]) }
                if yScale == .log, s.y[i] <= 0 { throw PlotError.nonPositiveOnLogAxis(series: s.label, axis: "y", value: s.y[i]) }
                xs.append(s.x[i])
                ys.append(s.y[i])
                if let e = s.yErrors?[i], e.isFinite, e > 0 {
                    ys.append(s.y[i] + e)
                    if yScale == .linear || s.y[i] - e > 0 { ys.append(s.y[i] - e) }
                }
            }
        }
        guard let xMin = xs.min(), let xMax = xs.max(), let yMin = ys.min(), let yMax = ys.max() else {
            throw PlotError.noFiniteData
        }
        // The symmetric log's linear region: the smallest nonzero magnitude, but no less than
        // 1e-200 of the largest, so that asinh(max/c) and its inverse stay finite (1e-300 beside
        // 1 would put the axis end at infinity).
        func smallestMagnitude(_ values: [Double]) -> Double {
            let magnitudes = values.map(abs).filter { $0 > 0 }
            guard let smallest = magnitudes.min(), let largest = magnitudes.max() else { return 1 }
            return Swift.max(smallest, largest * 1e-200)
        }
        let xAxis = Axis(min: xMin, max: xMax, scale: xScale, linearScale: smallestMagnitude(xs))
        let yAxis = Axis(min: yMin, max: yMax, scale: yScale, linearScale: smallestMagnitude(ys))

        // The legend sits in a right margin, sized to the longest label, so it never hides data.
        let longest = series.map { Double($0.label.count) }.max() ?? 0
        let legendWidth = series.isEmpty ? 0 : 44 + 7.5 * longest
        let left = 90.0, right = 24.0 + legendWidth, top = 44.0, bottom = 64.0
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + xAxis.fraction(x) * plotW }
        func py(_ y: Double) -> Double { top + (1 - yAxis.fraction(y)) * plotH }

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="Helvetica, Arial, sans-serif" font-size="13">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(width / 2))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\(escape(title))</text>

            """
        // Grid and ticks.
        var lastLabel = -Double.infinity
        for tick in xAxis.ticks() {
            let x = px(tick.value)
            // Skip a label that would collide with the previous one.
            guard x - lastLabel >= 7.5 * Double(tick.label.count) + 8 else { continue }
            lastLabel = x
            out += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" stroke=\"#e4e4e4\"/>\n"
            out += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(escape(tick.label))</text>\n"
        }
        lastLabel = Double.infinity
        for tick in yAxis.ticks().sorted(by: { $0.value < $1.value }) {
            let y = py(tick.value)
            guard lastLabel - y >= 16 else { continue }
            lastLabel = y
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#e4e4e4\"/>\n"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(escape(tick.label))</text>\n"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        out += "<text transform=\"translate(22,\(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        out += "<clipPath id=\"frame\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\"/></clipPath>\n"
        out += "<g clip-path=\"url(#frame)\">\n"

        for (index, s) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let points = s.x.indices.filter { s.x[$0].isFinite && s.y[$0].isFinite }
            switch s.style {
            case .line, .dashed:
                let path = points.map { "\(f(px(s.x[$0]))),\(f(py(s.y[$0])))" }.joined(separator: " ")
                let dash = s.style == .dashed ? " stroke-dasharray=\"6,4\"" : ""
                out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash) points=\"\(path)\"/>\n"
            case .markers:
                for i in points {
                    let cx = px(s.x[i]), cy = py(s.y[i])
                    if let e = s.yErrors?[i], e.isFinite, e > 0 {
                        let lowValue = s.y[i] - e
                        let low = (yScale == .log && lowValue <= 0) ? top + plotH : py(lowValue)
                        let high = py(s.y[i] + e)
                        out += "<line x1=\"\(f(cx))\" y1=\"\(f(low))\" x2=\"\(f(cx))\" y2=\"\(f(high))\" stroke=\"\(color)\" stroke-width=\"1.5\"/>\n"
                        out += "<line x1=\"\(f(cx - 4))\" y1=\"\(f(low))\" x2=\"\(f(cx + 4))\" y2=\"\(f(low))\" stroke=\"\(color)\"/>\n"
                        out += "<line x1=\"\(f(cx - 4))\" y1=\"\(f(high))\" x2=\"\(f(cx + 4))\" y2=\"\(f(high))\" stroke=\"\(color)\"/>\n"
                    }
                    out += "<circle cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"4\" fill=\"\(color)\"/>\n"
                }
            }
        }
        out += "</g>\n"

        // Legend in the right margin: a sample of the style, then the label.
        let legendX = left + plotW + 14
        for (index, s) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let y = top + 12 + Double(index) * 20
            switch s.style {
            case .markers:
                out += "<circle cx=\"\(f(legendX + 13))\" cy=\"\(f(y))\" r=\"4\" fill=\"\(color)\"/>\n"
            case .line, .dashed:
                let dash = s.style == .dashed ? " stroke-dasharray=\"6,4\"" : ""
                out += "<line x1=\"\(f(legendX))\" y1=\"\(f(y))\" x2=\"\(f(legendX + 26))\" y2=\"\(f(y))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>\n"
            }
            out += "<text x=\"\(f(legendX + 32))\" y=\"\(f(y + 4))\">\(escape(s.label))</text>\n"
        }
        out += "</svg>\n"
        return out
    }
}

/// Axis range with a little padding and "nice" ticks.
struct Axis {
    let low: Double
    let high: Double
    let scale: AxisScale
    /// The `c` of the symmetric logarithm.
    let linearScale: Double

    init(min: Double, max: Double, scale: AxisScale, linearScale: Double = 1) {
        self.scale = scale
        self.linearScale = linearScale
        switch scale {
        case .linear:
            var lo = min, hi = max
            if lo == hi { lo -= Swift.max(1, abs(lo)) * 0.5; hi += Swift.max(1, abs(hi)) * 0.5 }
            let pad = (hi - lo) * 0.05
            low = lo - pad
            high = hi + pad
        case .log:
            var lo = log10(min), hi = log10(max)
            if lo == hi { lo -= 0.5; hi += 0.5 }
            let pad = (hi - lo) * 0.05
            low = lo - pad
            high = hi + pad
        case .symlog:
            var lo = asinh(min / linearScale), hi = asinh(max / linearScale)
            if lo == hi { lo -= 0.5; hi += 0.5 }
            let pad = (hi - lo) * 0.05
            low = lo - pad
            high = hi + pad
        }
    }

    func fraction(_ value: Double) -> Double {
        let v: Double
        switch scale {
        case .linear: v = value
        case .log: v = log10(value)
        case .symlog: v = asinh(value / linearScale)
        }
        return (v - low) / (high - low)
    }

    func ticks() -> [(value: Double, label: String)] {
        switch scale {
        case .linear:
            let step = niceStep((high - low) / 6)
            var result: [(Double, String)] = []
            var t = (low / step).rounded(.up) * step
            while t <= high + step * 1e-9 {
                let value = abs(t) < step * 1e-9 ? 0 : t
                result.append((value, formatNumber(value, significant: 4)))
                t += step
            }
            return result
        case .log:
            let first = Int(low.rounded(.up)), last = Int(high.rounded(.down))
            let decades = Swift.max(1, (last - first) / 8 + 1)
            var result: [(Double, String)] = []
            if first <= last {
                for e in stride(from: first, through: last, by: decades) {
                    result.append((pow(10, Double(e)), "1e\(e)"))
                }
            }
            if result.count >= 2 && result.count <= 3 && decades == 1 {
                // Two or three decades: label 2× and 5× too.
                var extra: [(Double, String)] = []
                for e in (first - 1)...last {
                    for m in [2.0, 5.0] {
                        let v = m * pow(10, Double(e))
                        if log10(v) >= low && log10(v) <= high { extra.append((v, formatNumber(v, significant: 3))) }
                    }
                }
                result += extra
            }
            if result.count < 2 {
                // Less than a decade: label 1-2-5 steps inside it.
                result = []
                for e in Int(low.rounded(.down))...Int(high.rounded(.up)) {
                    for m in [1.0, 2.0, 5.0] {
                        let v = m * pow(10, Double(e))
                        if log10(v) >= low && log10(v) <= high { result.append((v, formatNumber(v, significant: 3))) }
                    }
                }
            }
            return result
        case .symlog:
            // 0 and ±10^k for the decades inside the range, thinned to at most ~10 labels.
            let top = Swift.max(abs(sinh(low)), abs(sinh(high))) * linearScale
            let first = Int(floor(log10(linearScale))), last = Int(ceil(log10(Swift.max(top, linearScale))))
            let stride = Swift.max(1, (last - first) / 5 + 1)
            var values: [Double] = [0]
            for e in Swift.stride(from: first, through: last, by: stride) {
                values.append(pow(10, Double(e)))
                values.append(-pow(10, Double(e)))
            }
            return values.filter { let a = asinh($0 / linearScale); return a >= low && a <= high }
                .sorted().map { ($0, $0 == 0 ? "0" : ($0 < 0 ? "−1e\(Int(log10(-$0).rounded()))" : "1e\(Int(log10($0).rounded()))")) }
        }
    }
}

func niceStep(_ raw: Double) -> Double {
    let exponent = floor(log10(raw))
    let base = pow(10, exponent)
    let m = raw / base
    let nice: Double = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10
    return nice * base
}

private func f(_ x: Double) -> String { String(format: "%.2f", x) }

private func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;")
}
