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

/// A 2-D chart rendered as a self-contained SVG: labelled axes with major and minor ticks, a
/// legend, error bars.
///
/// - Text (title, axis and series labels) takes `PlotText`'s markup: `σ_W`, `N^-1`, `u4` are
///   drawn as σ_W, N⁻¹, u₄ with real sub- and superscripts.
/// - Log axes are labelled `10ⁿ` (and `m×10ⁿ` when the axis spans less than two decades), never
///   plain numbers beside powers, with minor ticks at 2…9×10ⁿ; the symmetric-log axis always
///   labels 0.
/// - A line is broken where its value changes sign on a symmetric-log axis: between two samples
///   it would otherwise fall through every decade down to the linear region and back, a vertical
///   cliff that is not in the data. Non-finite points (a flow that ended at a pole) break it too.
/// - Series cycle through colour, dash pattern and marker shape; a line of at most `markerLimit`
///   points (a per-order series) carries markers at its points unless the plot has measured
///   series (`.markers`): markers then mean measurements, and the lines (theories) are plain.
///   Measured series are drawn after every line, on top.
/// - The legend sits inside the frame, in the first corner (top right, top left, bottom right,
///   bottom left) that no point, error bar or line crosses; if none is free, below the frame.
///
/// A non-positive value on a logarithmic axis is an error rather than silently dropped.
public struct Plot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale
    public var yScale: AxisScale
    public var series: [PlotSeries]
    /// Size of the frame and its margins in pixels; a legend below the frame adds to the height.
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
    /// Dash patterns, each used once before any repeats: the first `.line` series solid,
    /// `.dashed` ones never solid.
    static let dashes = ["", "7,3", "2,2.5", "9,3,2,3", "4,2", "12,3"]
    /// Lines with at most this many finite points carry markers (orders, dimensions, widths),
    /// denser ones (trajectories) do not.
    public static let markerLimit = 60

    enum Marker: Int, CaseIterable { case circle, square, triangle, diamond, triangleDown, cross }

    struct Look {
        var color: String
        var dash: String
        var marker: Marker?
        var filled: Bool
    }

    static let fontSize = 13.0

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
                    if yScale != .log || s.y[i] - e > 0 { ys.append(s.y[i] - e) }
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

        let fs = Self.fontSize
        let left = 90.0, right = 24.0, top = 44.0, bottom = 64.0
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + xAxis.fraction(x) * plotW }
        func py(_ y: Double) -> Double { top + (1 - yAxis.fraction(y)) * plotH }

        // Looks: colour by series, dash by rank among lines of the same style, marker by series.
        var looks: [Look] = []
        let hasMeasurements = series.contains { $0.style == .markers }
        var usedDashes: [String] = []
        func nextDash(solidAllowed: Bool) -> String {
            let allowed = Self.dashes.filter { solidAllowed || !$0.isEmpty }
            let dash = allowed.first { !usedDashes.contains($0) } ?? allowed[usedDashes.count % allowed.count]
            usedDashes.append(dash)
            return dash
        }
        for (k, s) in series.enumerated() {
            let color = Self.palette[k % Self.palette.count]
            let marker = Marker.allCases[k % Marker.allCases.count]
            let finite = s.x.indices.filter { s.x[$0].isFinite && s.y[$0].isFinite }.count
            switch s.style {
            case .markers:
                looks.append(Look(color: color, dash: "", marker: marker, filled: true))
            case .line, .dashed:
                looks.append(Look(color: color, dash: nextDash(solidAllowed: s.style == .line),
                                  marker: finite <= Self.markerLimit && !hasMeasurements ? marker : nil, filled: false))
            }
        }

        // Pieces of each line, in pixels.
        func breaks(_ s: PlotSeries, _ a: Int, _ b: Int) -> Bool {
            func opposite(_ u: Double, _ v: Double) -> Bool { (u > 0 && v < 0) || (u < 0 && v > 0) }
            return (yScale == .symlog && opposite(s.y[a], s.y[b])) || (xScale == .symlog && opposite(s.x[a], s.x[b]))
        }
        let pieces: [[[(Double, Double)]]] = series.map { s in
            var result: [[(Double, Double)]] = [], current: [(Double, Double)] = []
            var previous: Int?
            for i in s.x.indices {
                guard s.x[i].isFinite, s.y[i].isFinite else {
                    if !current.isEmpty { result.append(current); current = [] }
                    previous = nil
                    continue
                }
                if let p = previous, breaks(s, p, i) { result.append(current); current = [] }
                current.append((px(s.x[i]), py(s.y[i])))
                previous = i
            }
            if !current.isEmpty { result.append(current) }
            return result
        }
        // Error bars in pixels: (x, low, high).
        let bars: [[(Double, Double, Double)]] = series.map { s in
            guard let errors = s.yErrors else { return [] }
            return s.x.indices.compactMap { i in
                guard s.x[i].isFinite, s.y[i].isFinite, errors[i].isFinite, errors[i] > 0 else { return nil }
                let lowValue = s.y[i] - errors[i]
                let low = (yScale == .log && lowValue <= 0) ? top + plotH : py(lowValue)
                return (px(s.x[i]), low, py(s.y[i] + errors[i]))
            }
        }

        // Legend: inside the frame in a free corner, else below it.
        let labels = series.map { PlotText.runs($0.label) }
        let rowHeight = 18.0, sampleWidth = 30.0
        let entryWidth = sampleWidth + 6 + (labels.map { PlotText.width($0, fontSize: fs) }.max() ?? 0)
        let legendW = entryWidth + 16, legendH = Double(series.count) * rowHeight + 8
        func crossed(_ box: (x: Double, y: Double, w: Double, h: Double)) -> Bool {
            let pad = 3.0
            func inside(_ x: Double, _ y: Double) -> Bool {
                x >= box.x - pad && x <= box.x + box.w + pad && y >= box.y - pad && y <= box.y + box.h + pad
            }
            func segmentCrosses(_ a: (Double, Double), _ b: (Double, Double)) -> Bool {
                let steps = Swift.max(1, Int((hypot(b.0 - a.0, b.1 - a.1) / 2).rounded(.up)))
                return (0...steps).contains { j in
                    let t = Double(j) / Double(steps)
                    return inside(a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
                }
            }
            for (k, s) in series.enumerated() {
                for piece in pieces[k] {
                    if piece.contains(where: { inside($0.0, $0.1) }) { return true }
                    if s.style != .markers, zip(piece, piece.dropFirst()).contains(where: { segmentCrosses($0, $1) }) { return true }
                }
                if bars[k].contains(where: { segmentCrosses(($0.0, $0.1), ($0.0, $0.2)) }) { return true }
            }
            return false
        }
        var legendBox: (x: Double, y: Double, w: Double, h: Double)?
        if !series.isEmpty, legendW <= 0.5 * plotW, legendH <= 0.6 * plotH {
            let inset = 8.0
            let xRight = left + plotW - inset - legendW, xLeft = left + inset
            let yTop = top + inset, yBottom = top + plotH - inset - legendH
            legendBox = [(xRight, yTop), (xLeft, yTop), (xRight, yBottom), (xLeft, yBottom)]
                .map { (x: $0.0, y: $0.1, w: legendW, h: legendH) }
                .first { !crossed($0) }
        }
        let columns = legendBox != nil || series.isEmpty ? 1 : Swift.max(1, Swift.min(series.count, Int(plotW / (entryWidth + 16))))
        let belowRows = legendBox != nil || series.isEmpty ? 0 : (series.count + columns - 1) / columns
        let totalHeight = height + (belowRows > 0 ? Double(belowRows) * rowHeight + 8 : 0)

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" xml:space="preserve" width="\(svgNumber(width))" height="\(svgNumber(totalHeight))" viewBox="0 0 \(svgNumber(width)) \(svgNumber(totalHeight))" font-family="Helvetica, Arial, sans-serif" font-size="\(svgNumber(fs))">
            <rect width="100%" height="100%" fill="white"/>
            <text class="title" x="\(svgNumber(width / 2))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\(PlotText.svg(PlotText.runs(title), fontSize: 15))</text>

            """

        // Ticks: labels thinned so that none overlap.
        let xTicks = xAxis.ticks(length: plotW) { PlotText.width($0, fontSize: fs) }
        let yTicks = yAxis.ticks(length: plotH) { _ in fs }
        for tick in xTicks where tick.label != nil {
            out += "<line x1=\"\(svgNumber(px(tick.value)))\" y1=\"\(svgNumber(top))\" x2=\"\(svgNumber(px(tick.value)))\" y2=\"\(svgNumber(top + plotH))\" stroke=\"#ececec\"/>\n"
        }
        for tick in yTicks where tick.label != nil {
            out += "<line x1=\"\(svgNumber(left))\" y1=\"\(svgNumber(py(tick.value)))\" x2=\"\(svgNumber(left + plotW))\" y2=\"\(svgNumber(py(tick.value)))\" stroke=\"#ececec\"/>\n"
        }

        out += "<clipPath id=\"frame\"><rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(plotW))\" height=\"\(svgNumber(plotH))\"/></clipPath>\n"
        out += "<g clip-path=\"url(#frame)\">\n"
        // Lines first, measurements on top of them.
        let order = series.indices.filter { series[$0].style != .markers } + series.indices.filter { series[$0].style == .markers }
        for k in order {
            let look = looks[k]
            out += "<g class=\"series\" data-label=\"\(escapeXML(series[k].label))\">\n"
            if series[k].style != .markers {
                let dash = look.dash.isEmpty ? "" : " stroke-dasharray=\"\(look.dash)\""
                for piece in pieces[k] where piece.count >= 2 {
                    let path = piece.map { "\(svgNumber($0.0)),\(svgNumber($0.1))" }.joined(separator: " ")
                    out += "<polyline fill=\"none\" stroke=\"\(look.color)\" stroke-width=\"1.8\"\(dash) points=\"\(path)\"/>\n"
                }
            }
            for (x, low, high) in bars[k] {
                out += "<line x1=\"\(svgNumber(x))\" y1=\"\(svgNumber(low))\" x2=\"\(svgNumber(x))\" y2=\"\(svgNumber(high))\" stroke=\"\(look.color)\" stroke-width=\"1.3\"/>\n"
                out += "<line x1=\"\(svgNumber(x - 3.5))\" y1=\"\(svgNumber(low))\" x2=\"\(svgNumber(x + 3.5))\" y2=\"\(svgNumber(low))\" stroke=\"\(look.color)\" stroke-width=\"1.3\"/>\n"
                out += "<line x1=\"\(svgNumber(x - 3.5))\" y1=\"\(svgNumber(high))\" x2=\"\(svgNumber(x + 3.5))\" y2=\"\(svgNumber(high))\" stroke=\"\(look.color)\" stroke-width=\"1.3\"/>\n"
            }
            if let marker = look.marker {
                for piece in pieces[k] {
                    for (x, y) in piece { out += Self.markerSVG(marker, x: x, y: y, color: look.color, filled: look.filled) }
                }
            }
            out += "</g>\n"
        }
        out += "</g>\n"

        // Frame, tick marks pointing inward on all four sides, labels.
        out += "<rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(plotW))\" height=\"\(svgNumber(plotH))\" fill=\"none\" stroke=\"#222\"/>\n"
        for tick in xTicks {
            let x = svgNumber(px(tick.value)), length = tick.major ? 6.0 : 3.0
            out += "<line class=\"tick-mark x \(tick.major ? "major" : "minor")\" x1=\"\(x)\" y1=\"\(svgNumber(top + plotH))\" x2=\"\(x)\" y2=\"\(svgNumber(top + plotH - length))\" stroke=\"#222\"/>\n"
            out += "<line x1=\"\(x)\" y1=\"\(svgNumber(top))\" x2=\"\(x)\" y2=\"\(svgNumber(top + length))\" stroke=\"#222\"/>\n"
            if let label = tick.label {
                out += "<text class=\"tick-label x\" x=\"\(x)\" y=\"\(svgNumber(top + plotH + 19))\" text-anchor=\"middle\">\(PlotText.svg(label, fontSize: fs))</text>\n"
            }
        }
        for tick in yTicks {
            let y = svgNumber(py(tick.value)), length = tick.major ? 6.0 : 3.0
            out += "<line class=\"tick-mark y \(tick.major ? "major" : "minor")\" x1=\"\(svgNumber(left))\" y1=\"\(y)\" x2=\"\(svgNumber(left + length))\" y2=\"\(y)\" stroke=\"#222\"/>\n"
            out += "<line x1=\"\(svgNumber(left + plotW))\" y1=\"\(y)\" x2=\"\(svgNumber(left + plotW - length))\" y2=\"\(y)\" stroke=\"#222\"/>\n"
            if let label = tick.label {
                out += "<text class=\"tick-label y\" x=\"\(svgNumber(left - 7))\" y=\"\(svgNumber(py(tick.value) + 4.5))\" text-anchor=\"end\">\(PlotText.svg(label, fontSize: fs))</text>\n"
            }
        }
        out += "<text class=\"axis-label x\" x=\"\(svgNumber(left + plotW / 2))\" y=\"\(svgNumber(top + plotH + 46))\" text-anchor=\"middle\">\(PlotText.svg(PlotText.runs(xLabel), fontSize: fs))</text>\n"
        out += "<text class=\"axis-label y\" transform=\"translate(22,\(svgNumber(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(PlotText.svg(PlotText.runs(yLabel), fontSize: fs))</text>\n"

        // Legend: a sample of each style (dash and marker), then the label.
        if !series.isEmpty {
            let origin: (x: Double, y: Double)
            if let box = legendBox {
                origin = (box.x, box.y)
                out += "<rect class=\"legend\" x=\"\(svgNumber(box.x))\" y=\"\(svgNumber(box.y))\" width=\"\(svgNumber(box.w))\" height=\"\(svgNumber(box.h))\" fill=\"white\" fill-opacity=\"0.9\" stroke=\"#bbb\"/>\n"
            } else {
                origin = (left, height - 4)
                let w = Double(columns) * (entryWidth + 16), h = Double(belowRows) * rowHeight + 8
                out += "<rect class=\"legend below\" x=\"\(svgNumber(origin.x))\" y=\"\(svgNumber(origin.y))\" width=\"\(svgNumber(w))\" height=\"\(svgNumber(h))\" fill=\"none\" stroke=\"none\"/>\n"
            }
            for (k, s) in series.enumerated() {
                let look = looks[k]
                let column = k % columns, row = k / columns
                let x0 = origin.x + 8 + Double(column) * (entryWidth + 16)
                let y = origin.y + 4 + rowHeight / 2 + Double(row) * rowHeight
                if s.style != .markers {
                    let dash = look.dash.isEmpty ? "" : " stroke-dasharray=\"\(look.dash)\""
                    out += "<line x1=\"\(svgNumber(x0))\" y1=\"\(svgNumber(y))\" x2=\"\(svgNumber(x0 + sampleWidth))\" y2=\"\(svgNumber(y))\" stroke=\"\(look.color)\" stroke-width=\"1.8\"\(dash)/>\n"
                } else if s.yErrors != nil {
                    out += "<line x1=\"\(svgNumber(x0 + sampleWidth / 2))\" y1=\"\(svgNumber(y - 6))\" x2=\"\(svgNumber(x0 + sampleWidth / 2))\" y2=\"\(svgNumber(y + 6))\" stroke=\"\(look.color)\" stroke-width=\"1.3\"/>\n"
                }
                if let marker = look.marker {
                    out += Self.markerSVG(marker, x: x0 + sampleWidth / 2, y: y, color: look.color, filled: look.filled)
                }
                out += "<text class=\"legend-label\" x=\"\(svgNumber(x0 + sampleWidth + 6))\" y=\"\(svgNumber(y + 4.5))\">\(PlotText.svg(labels[k], fontSize: fs))</text>\n"
            }
        }
        out += "</svg>\n"
        return out
    }

    static func markerSVG(_ marker: Marker, x: Double, y: Double, color: String, filled: Bool) -> String {
        let r = 3.6
        let paint = "fill=\"\(filled ? color : "white")\" stroke=\"\(color)\" stroke-width=\"1.3\""
        func polygon(_ points: [(Double, Double)]) -> String {
            "<polygon class=\"marker\" points=\"\(points.map { "\(svgNumber(x + $0.0)),\(svgNumber(y + $0.1))" }.joined(separator: " "))\" \(paint)/>\n"
        }
        switch marker {
        case .circle:
            return "<circle class=\"marker\" cx=\"\(svgNumber(x))\" cy=\"\(svgNumber(y))\" r=\"\(svgNumber(r))\" \(paint)/>\n"
        case .square:
            return polygon([(-r, -r), (r, -r), (r, r), (-r, r)].map { ($0.0 * 0.9, $0.1 * 0.9) })
        case .triangle:
            return polygon([(0, -1.25 * r), (1.1 * r, 0.8 * r), (-1.1 * r, 0.8 * r)])
        case .diamond:
            return polygon([(0, -1.3 * r), (1.1 * r, 0), (0, 1.3 * r), (-1.1 * r, 0)])
        case .triangleDown:
            return polygon([(0, 1.25 * r), (1.1 * r, -0.8 * r), (-1.1 * r, -0.8 * r)])
        case .cross:
            let d = r * 1.1
            return "<path class=\"marker\" d=\"M\(svgNumber(x - d)),\(svgNumber(y - d))L\(svgNumber(x + d)),\(svgNumber(y + d))M\(svgNumber(x - d)),\(svgNumber(y + d))L\(svgNumber(x + d)),\(svgNumber(y - d))\" stroke=\"\(color)\" stroke-width=\"1.6\" fill=\"none\"/>\n"
        }
    }
}

/// A tick: its value, its label (nil for an unlabelled tick) and whether it is a major one.
struct Tick {
    var value: Double
    var label: [TextRun]?
    var major: Bool
}

/// Axis range with a little padding, and ticks.
struct Axis {
    let low: Double
    let high: Double
    let scale: AxisScale
    /// The `c` of the symmetric logarithm.
    let linearScale: Double

    init(min: Double, max: Double, scale: AxisScale, linearScale: Double = 1) {
        self.scale = scale
        self.linearScale = linearScale
        var lo: Double, hi: Double
        switch scale {
        case .linear:
            lo = min; hi = max
            if lo == hi { lo -= Swift.max(1, abs(lo)) * 0.5; hi += Swift.max(1, abs(hi)) * 0.5 }
        case .log:
            lo = log10(min); hi = log10(max)
            if lo == hi { lo -= 0.5; hi += 0.5 }
        case .symlog:
            lo = asinh(min / linearScale); hi = asinh(max / linearScale)
            if lo == hi { lo -= 0.5; hi += 0.5 }
        }
        let pad = (hi - lo) * 0.05
        low = lo - pad
        high = hi + pad
    }

    func fraction(_ value: Double) -> Double {
        (transform(value) - low) / (high - low)
    }

    func transform(_ value: Double) -> Double {
        switch scale {
        case .linear: return value
        case .log: return log10(value)
        case .symlog: return asinh(value / linearScale)
        }
    }

    /// Ticks for an axis `length` pixels long; `extent(label)` is a label's size along the axis.
    /// Labels closer than their half-extents plus 10 px are thinned.
    func ticks(length: Double, extent: ([TextRun]) -> Double) -> [Tick] {
        func position(_ v: Double) -> Double { fraction(v) * length }
        /// Whether labelled ticks, in order of value, keep apart.
        func apart(_ ticks: [Tick]) -> Bool {
            let labelled = ticks.filter { $0.label != nil }.sorted { $0.value < $1.value }
            return zip(labelled, labelled.dropFirst()).allSatisfy { a, b in
                position(b.value) - position(a.value) >= (extent(a.label!) + extent(b.label!)) / 2 + 10
            }
        }
        func inside(_ v: Double) -> Bool { let t = transform(v); return t >= low - 1e-12 && t <= high + 1e-12 }

        switch scale {
        case .linear:
            return linearTicks(from: low, to: high, apart: apart)
        case .log:
            let first = Int((low - 1e-9).rounded(.up)), last = Int((high + 1e-9).rounded(.down))
            let decades = first <= last ? Array(first...last) : []
            // Minor ticks at 2…9 × 10ⁿ while a decade is wide enough to show them.
            var minors: [Tick] = []
            if high - low <= 12 {
                for e in Int(low.rounded(.down))...Int(high.rounded(.up)) {
                    for m in 2...9 {
                        let v = Double(m) * pow(10, Double(e))
                        if inside(v) { minors.append(Tick(value: v, label: nil, major: false)) }
                    }
                }
            }
            // Every decade is a major tick; labels on every `step`-th, the smallest step that fits.
            var majors: [Tick] = []
            for step in [1, 2, 3, 4, 5, 10, 20, 25, 50, 100] {
                majors = decades.map { e in
                    Tick(value: pow(10, Double(e)), label: e % step == 0 ? PlotText.powerOfTen(mantissa: 1, exponent: e) : nil, major: true)
                }
                if apart(majors) { break }
            }
            let labelledCount = majors.filter { $0.label != nil }.count
            if high - low < 2 || labelledCount < 2 {
                // Less than two decades: 2× and 5× labelled too (then every label m×10ⁿ), or
                // every multiple if that is still too few.
                for multiples in [[2, 5], Array(2...9)] {
                    let labelled = minors.map { t -> Tick in
                        let e = Int(floor(log10(t.value) + 1e-9)), m = Int((t.value / pow(10, Double(e))).rounded())
                        return multiples.contains(m) ? Tick(value: t.value, label: PlotText.powerOfTen(mantissa: m, exponent: e), major: false) : t
                    }
                    let all = majors.map { Tick(value: $0.value, label: PlotText.powerOfTen(mantissa: 1, exponent: Int(log10($0.value).rounded())), major: true) } + labelled
                    if all.filter({ $0.label != nil }).count >= 2 {
                        if apart(all) { return all.sorted { $0.value < $1.value } }
                        break
                    }
                }
            }
            if labelledCount >= 2 { return (majors + minors).sorted { $0.value < $1.value } }
            // Within a factor of a few: evenly spaced values, all in one notation.
            return linearTicks(from: pow(10, low), to: pow(10, high), apart: apart).map {
                Tick(value: $0.value, label: $0.label, major: $0.major)
            }.filter { inside($0.value) }
        case .symlog:
            let c = linearScale
            let topMagnitude = Swift.max(abs(sinh(low)), abs(sinh(high))) * c
            let first = Int(floor(log10(c))), last = Int(ceil(log10(Swift.max(topMagnitude, c))))
            var candidates: [(value: Double, exponent: Int)] = []
            for e in first...last {
                for sign in [1.0, -1.0] where inside(sign * pow(10, Double(e))) {
                    candidates.append((sign * pow(10, Double(e)), e))
                }
            }
            let zero = inside(0) ? [Tick(value: 0, label: [TextRun("0")], major: true)] : []
            // Labels from 0 outward; a decade whose label would touch the previous one is left
            // unlabelled, so 0 always keeps its label. The step is the smallest that leaves at
            // most one decade per side unlabelled for lack of room (the linear region).
            var chosen: [Tick] = []
            for step in [1, 2, 3, 4, 5, 10, 20, 25, 50, 100] {
                var dropped = 0
                var ticks = zero
                for sign in [1.0, -1.0] {
                    var previous: Tick? = zero.first
                    for candidate in candidates.filter({ $0.value * sign > 0 }).sorted(by: { abs($0.value) < abs($1.value) }) {
                        var tick = Tick(value: candidate.value, label: nil, major: false)
                        if candidate.exponent % step == 0 {
                            tick.label = PlotText.powerOfTen(mantissa: 1, exponent: candidate.exponent, negative: sign < 0)
                            tick.major = true
                            if let p = previous, !apart([p, tick]) {
                                tick.label = nil
                                tick.major = false
                                dropped += 1
                            } else {
                                previous = tick
                            }
                        }
                        ticks.append(tick)
                    }
                }
                chosen = ticks
                if dropped <= 2 { break }
            }
            // Unlabelled decades as minor ticks, at most about 40 of them.
            let minorStride = Swift.max(1, (last - first + 1) / 40 + 1)
            return chosen.filter { t in
                t.label != nil || Int(log10(abs(t.value)).rounded()) % minorStride == 0
            }.sorted { $0.value < $1.value }
        }
    }

    /// Evenly spaced ticks with a 1-2-5 step between `from` and `to` (data units), minor ticks
    /// between them; labels in one notation: plain, or all `m×10ⁿ` when any needs an exponent.
    func linearTicks(from: Double, to: Double, apart: ([Tick]) -> Bool) -> [Tick] {
        for target in [6.0, 4, 3, 2] {
            let step = niceStep((to - from) / target)
            var values: [Double] = []
            var t = (from / step).rounded(.up) * step
            while t <= to + step * 1e-9 {
                values.append(abs(t) < step * 1e-9 ? 0 : t)
                t += step
            }
            let scientific = values.contains { $0 != 0 && (abs($0) >= 1e5 || abs($0) < 1e-3) }
            let stepExponent = Int(floor(log10(step) + 1e-9))
            let majors = values.map { v in Tick(value: v, label: Self.linearLabel(v, scientific: scientific, stepExponent: stepExponent), major: true) }
            let mantissa = step / pow(10, floor(log10(step)))
            let minorStep = step / (abs(mantissa - 2) < 1e-9 ? 4 : 5)
            var minors: [Tick] = []
            var m = (from / minorStep).rounded(.up) * minorStep
            while m <= to {
                if !values.contains(where: { abs($0 - m) < minorStep * 1e-6 }) { minors.append(Tick(value: m, label: nil, major: false)) }
                m += minorStep
            }
            if apart(majors) || target == 2 { return (majors + minors).sorted { $0.value < $1.value } }
        }
        return []
    }

    /// A tick value to the decimal place of the step `10^stepExponent` (so 0.649 beside 0.65,
    /// never 0.6490000001), or as `m×10ⁿ` with as many digits.
    static func linearLabel(_ v: Double, scientific: Bool, stepExponent: Int) -> [TextRun] {
        if v == 0 { return [TextRun("0")] }
        func fixed(_ x: Double, decimals: Int) -> String {
            String(format: "%.\(Swift.max(0, decimals))f", x).replacingOccurrences(of: "-", with: "−")
        }
        if !scientific { return [TextRun(fixed(v, decimals: -stepExponent))] }
        let e = Int(floor(log10(abs(v)) + 1e-12))
        let mantissa = fixed(v / pow(10, Double(e)), decimals: e - stepExponent)
        let power = e < 0 ? "−\(-e)" : "\(e)"
        return [TextRun(mantissa == "1" ? "10" : mantissa == "−1" ? "−10" : "\(mantissa)×10"), TextRun(power, .superscript)]
    }
}

func niceStep(_ raw: Double) -> Double {
    let exponent = floor(log10(raw))
    let base = pow(10, exponent)
    let m = raw / base
    let nice: Double = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10
    return nice * base
}
