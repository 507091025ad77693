import Foundation
import XCTest
@testable import Reports

/// The SVG figures, read back as a renderer reads them: tick labels, line pieces, legend box.
/// Pixel comparisons allow 0.01 px (the file's two decimals).
final class PlotSVGTests: XCTestCase {
    // MARK: Markup

    func testMarkupRaisesAndLowersScripts() {
        XCTAssertEqual(PlotText.runs("σ_W"), [TextRun("σ"), TextRun("W", .subscript)])
        XCTAssertEqual(PlotText.runs("N^-1"), [TextRun("N"), TextRun("−1", .superscript)])
        XCTAssertEqual(PlotText.runs("|u4| against N"), [TextRun("|u"), TextRun("4", .subscript), TextRun("| against N")])
        XCTAssertEqual(PlotText.runs("⟨|m_4|⟩"), [TextRun("⟨|m"), TextRun("4", .subscript), TextRun("|⟩")])
        XCTAssertEqual(PlotText.runs("Λ^((d−2)/2)"), [TextRun("Λ"), TextRun("(d−2)/2", .superscript)])
        XCTAssertEqual(PlotText.runs("|ν(2n) − ν_full|"), [TextRun("|ν(2n) − ν"), TextRun("full", .subscript), TextRun("|")])
        XCTAssertEqual(PlotText.runs("k_end/m0"), [TextRun("k"), TextRun("end", .subscript), TextRun("/m"), TextRun("0", .subscript)])
        XCTAssertEqual(PlotText.runs("active flow (σ_W^−3)"),
                       [TextRun("active flow (σ"), TextRun("W", .subscript), TextRun("−3", .superscript), TextRun(")")])
        // Not markup: numbers, words with digits inside, a trailing or lone underscore.
        for plain in ["1e5 at t = 0.5", "order 2n", "x_", "N10x", "measured (importance)"] {
            XCTAssertEqual(PlotText.runs(plain), [TextRun(plain)], plain)
        }
    }

    func testScriptsAreShiftedTspansThatReturnToTheBaseline() throws {
        let svg = try SVGDocument(try Plot(title: "t", xLabel: "σ_W", yLabel: "|u4| (N^-1)",
                                           series: [PlotSeries(label: "a", x: [1, 2], y: [1, 2])]).svg()).svg
        let x = try XCTUnwrap(svg.all("text", class: "axis-label").first { $0.classes.contains("x") })
        XCTAssertEqual(x.text, "σW")
        let sub = try XCTUnwrap(x.all("tspan").first)
        XCTAssertEqual(sub.text, "W")
        XCTAssertGreaterThan(try XCTUnwrap(sub.double("dy")), 0, "a subscript goes down")
        XCTAssertLessThan(try XCTUnwrap(sub.double("font-size")), Plot.fontSize)

        let y = try XCTUnwrap(svg.all("text", class: "axis-label").first { $0.classes.contains("y") })
        XCTAssertEqual(y.text, "|u4| (N−1)")
        // The space after a script is kept: in the run, and by the document (renderers strip a
        // space at the edge of a tspan unless told to preserve spaces).
        XCTAssertEqual(svg.attributes["xml:space"], "preserve")
        let title = try SVGDocument("<svg><text>" + PlotText.svg(PlotText.runs("u4 against N"), fontSize: 13) + "</text></svg>").svg
        XCTAssertEqual(title.all("tspan").map(\.text), ["4", " against N"])
        // Every shift is undone by the next run: the text returns to its baseline.
        let shifts = y.all("tspan").compactMap { $0.double("dy") }
        XCTAssertEqual(shifts.count, 4)
        XCTAssertGreaterThan(shifts[0], 0, "u₄ goes down")
        XCTAssertLessThan(shifts[2], 0, "N⁻¹ goes up")
        XCTAssertEqual(shifts[0] + shifts[1], 0, accuracy: 0.011)
        XCTAssertEqual(shifts.reduce(0, +), 0, accuracy: 0.011, "the closing parenthesis is back on the baseline")
    }

    // MARK: Ticks

    /// `10ⁿ` or `m×10ⁿ` (m = 2…9), the exponent a raised tspan; returns the value it stands for.
    private func powerOfTenValue(_ label: SVGElement, file: StaticString = #filePath, line: UInt = #line) -> Double? {
        let spans = label.all("tspan")
        guard spans.count == 1, let dy = spans[0].double("dy"), dy < 0 else {
            XCTFail("tick label '\(label.text)' has no raised exponent", file: file, line: line)
            return nil
        }
        let exponent = Int(spans[0].text.replacingOccurrences(of: "−", with: "-"))
        let head = label.text.dropLast(spans[0].text.count)
        let mantissa: Int?
        switch head {
        case "10": mantissa = 1
        case "−10": mantissa = -1
        default:
            let parts = head.split(separator: "×")
            mantissa = parts.count == 2 && parts[1] == "10" ? Int(parts[0]) : nil
        }
        guard let exponent, let mantissa, mantissa == 1 || mantissa == -1 || (2...9).contains(mantissa) else {
            XCTFail("tick label '\(label.text)' is not 10ⁿ or m×10ⁿ", file: file, line: line)
            return nil
        }
        return Double(mantissa) * pow(10, Double(exponent))
    }

    private func tickLabels(_ svg: SVGElement, _ axis: String) -> [SVGElement] {
        svg.all("text", class: "tick-label").filter { $0.classes.contains(axis) }
    }

    func testLogAxesAreLabelledInPowersOfTenWithMinorTicks() throws {
        // Widths 2…1000 (the m_n figure) against values over five decades.
        let x: [Double] = [2, 3, 4, 5, 10, 20, 50, 100, 500, 1000]
        let y = x.map { 13.4 / $0 * (1 + 0.1 * sin($0)) } + []
        let svg = try SVGDocument(try Plot(title: "", xLabel: "width N", yLabel: "m", xScale: .log, yScale: .log,
                                           series: [PlotSeries(label: "m", x: x, y: y.map { $0 * $0 * $0 })]).svg()).svg
        for axis in ["x", "y"] {
            let labels = tickLabels(svg, axis)
            XCTAssertGreaterThanOrEqual(labels.count, 3, axis)
            let values = labels.compactMap { powerOfTenValue($0) }
            XCTAssertEqual(values.count, labels.count, "every \(axis) label is a power of ten")
            XCTAssertEqual(values, values.sorted(), "\(axis) labels in order of value")
            let positions = labels.compactMap { $0.double(axis) }
            XCTAssertEqual(positions, axis == "x" ? positions.sorted(by: <) : positions.sorted(by: >), "larger values right and up")
            let minor = svg.all("line", class: "tick-mark").filter { $0.classes.contains(axis) && $0.classes.contains("minor") }
            XCTAssertGreaterThanOrEqual(minor.count, 8 * (labels.count - 1), "2…9×10ⁿ minor ticks on \(axis)")
        }
        // The axis runs from 2 (less its padding) to 1000: 10, 100, 1000, no plain "2" or "20".
        XCTAssertEqual(tickLabels(svg, "x").compactMap { powerOfTenValue($0) }, [10, 100, 1000])
    }

    func testLessThanTwoDecadesLabelsMultiplesInTheSameNotation() throws {
        // σ_W from 1 to 20 (the couplings-vs-σ_W figure): 10⁰ and 10¹ alone would be too few.
        let x: [Double] = [1, 1.5, 2, 3, 5, 7, 10, 15, 20]
        let svg = try SVGDocument(try Plot(title: "", xLabel: "σ_W", yLabel: "u", xScale: .log, yScale: .log,
                                           series: [PlotSeries(label: "u", x: x, y: x.map { 12.8 * pow($0, -3) })]).svg()).svg
        let values = tickLabels(svg, "x").compactMap { powerOfTenValue($0) }
        XCTAssertEqual(values.count, tickLabels(svg, "x").count)
        XCTAssertTrue(Set(values).isSuperset(of: [1, 2, 5, 10, 20]), "\(values)")
    }

    func testManyDecadesAreThinnedWithoutOverlap() throws {
        let x = (0...40).map { pow(10, Double($0) * 5 - 100) }
        let plot = Plot(title: "", xLabel: "x", yLabel: "y", xScale: .log, yScale: .log,
                        series: [PlotSeries(label: "s", x: x, y: x)])
        let svg = try SVGDocument(try plot.svg()).svg
        let labels = tickLabels(svg, "x")
        let centres = labels.compactMap { $0.double("x") }
        XCTAssertGreaterThanOrEqual(labels.count, 4)
        for (a, b) in zip(labels.indices, labels.indices.dropFirst()) {
            let halfWidths = (PlotText.width(PlotText.runs(labels[a].text), fontSize: Plot.fontSize)
                + PlotText.width(PlotText.runs(labels[b].text), fontSize: Plot.fontSize)) / 2
            XCTAssertGreaterThan(centres[b] - centres[a], halfWidths, "labels \(labels[a].text) and \(labels[b].text) overlap")
        }
        _ = labels.map { powerOfTenValue($0) }
    }

    func testSymmetricLogAxisLabelsZeroAndSignedPowers() throws {
        // A coupling that runs from −10⁶ through small values to +10⁸ (a passive flow).
        let t = (0..<200).map { Double($0) / 10 }
        let y = t.map { 1e-3 * sinh(($0 - 8) * 1.6) }
        let svg = try SVGDocument(try Plot(title: "", xLabel: "t", yLabel: "u", yScale: .symlog,
                                           series: [PlotSeries(label: "u", x: t, y: y)]).svg()).svg
        let labels = tickLabels(svg, "y")
        XCTAssertTrue(labels.contains { $0.text == "0" }, "0 is labelled: \(labels.map(\.text))")
        let signed = labels.filter { $0.text != "0" }.compactMap { powerOfTenValue($0) }
        XCTAssertEqual(signed.count, labels.count - 1)
        XCTAssertTrue(signed.contains { $0 < 0 } && signed.contains { $0 > 0 }, "\(signed)")
        XCTAssertTrue(signed.allSatisfy { abs(log10(abs($0)) - log10(abs($0)).rounded()) < 1e-12 }, "decades only")
    }

    func testLinearAxisLabelsAreRoundNumbersInOneNotation() throws {
        let svg = try SVGDocument(try Plot(title: "", xLabel: "order", yLabel: "ν",
                                           series: [PlotSeries(label: "ν", x: [4, 6, 8, 10, 12], y: [0.6412, 0.6489, 0.6495, 0.64957, 0.64956])]).svg()).svg
        XCTAssertEqual(tickLabels(svg, "x").map(\.text), ["4", "6", "8", "10", "12"])
        for label in tickLabels(svg, "y") {
            XCTAssertNotNil(Double(label.text), label.text)
            XCTAssertLessThanOrEqual(label.text.count, 6, "no 0.6490000001: \(label.text)")
        }
        let big = try SVGDocument(try Plot(title: "", xLabel: "x", yLabel: "y",
                                           series: [PlotSeries(label: "s", x: [0, 1], y: [0, 4e6])]).svg()).svg
        let labels = tickLabels(big, "y").filter { $0.text != "0" }
        XCTAssertFalse(labels.isEmpty)
        for label in labels { XCTAssertTrue(label.text.contains("×10") || label.text.hasPrefix("10"), label.text) }
    }

    // MARK: Lines

    /// The line pieces of the series labelled `label`, as pixel points.
    private func pieces(_ svg: SVGElement, _ label: String) throws -> [[(Double, Double)]] {
        let group = try XCTUnwrap(svg.all("g", class: "series").first { $0.attributes["data-label"] == label })
        return group.all("polyline").map { line in
            (line.attributes["points"] ?? "").split(separator: " ").map { pair in
                let xy = pair.split(separator: ",").map { Double($0)! }
                return (xy[0], xy[1])
            }
        }
    }

    func testSignChangesBreakTheLineOnTheSymmetricLogAxis() throws {
        // Oscillating through zero five times, with magnitudes down to 10⁻⁴.
        let t: [Double] = (0...400).map { Double($0) / 40 }
        let y: [Double] = t.map { (s: Double) -> Double in 1e3 * sin(s * Double.pi / 2) * exp(-s) }
        var changes = 0
        for i in 1..<y.count where (y[i - 1] > 0 && y[i] < 0) || (y[i - 1] < 0 && y[i] > 0) { changes += 1 }
        XCTAssertEqual(changes, 4)
        let plot = Plot(title: "", xLabel: "t", yLabel: "u", yScale: .symlog, series: [PlotSeries(label: "u", x: t, y: y)])
        let svg = try SVGDocument(try plot.svg()).svg
        let zero = try XCTUnwrap(tickLabels(svg, "y").first { $0.text == "0" }?.double("y")) - 4.5
        let parts = try pieces(svg, "u")
        XCTAssertEqual(parts.count, changes + 1)
        for piece in parts {
            for (a, b) in zip(piece, piece.dropFirst()) {
                XCTAssertFalse((a.1 < zero - 0.01 && b.1 > zero + 0.01) || (a.1 > zero + 0.01 && b.1 < zero - 0.01),
                               "a segment crosses zero between y = \(a.1) and \(b.1)")
            }
        }
        // On a linear axis a sign change is an ordinary crossing: one unbroken line.
        var linear = plot
        linear.yScale = .linear
        XCTAssertEqual(try pieces(try SVGDocument(try linear.svg()).svg, "u").count, 1)
    }

    func testNonFinitePointsBreakTheLine() throws {
        let plot = Plot(title: "", xLabel: "t", yLabel: "u",
                        series: [PlotSeries(label: "u", x: [0, 1, 2, 3, 4, 5], y: [1, 2, .nan, 3, 4, 5])])
        XCTAssertEqual(try pieces(try SVGDocument(try plot.svg()).svg, "u").map(\.count), [2, 3])
    }

    // MARK: Legend

    private func frame(_ svg: SVGElement) throws -> (x: Double, y: Double, w: Double, h: Double) {
        let clip = try XCTUnwrap(svg.all("clipPath").first?.all("rect").first)
        return (clip.double("x")!, clip.double("y")!, clip.double("width")!, clip.double("height")!)
    }

    /// Every drawn data point (line vertices, markers) in pixels.
    private func dataPoints(_ svg: SVGElement) -> [(Double, Double)] {
        var points: [(Double, Double)] = []
        for group in svg.all("g", class: "series") {
            for line in group.all("polyline") {
                for pair in (line.attributes["points"] ?? "").split(separator: " ") {
                    let xy = pair.split(separator: ",").map { Double($0)! }
                    points.append((xy[0], xy[1]))
                }
            }
            for circle in group.all("circle") { points.append((circle.double("cx")!, circle.double("cy")!)) }
        }
        return points
    }

    func testLegendIsCompactInsideTheFrameAndHidesNoData() throws {
        // The compare figure: measurements with error bars, a theory line, a fit, a background,
        // falling from the top left to the bottom right: the top-right corner is free.
        let n: [Double] = [2, 3, 4, 5, 10, 20, 50, 100, 500, 1000]
        let plot = Plot(title: "⟨|m_4|⟩ against N", xLabel: "width N", yLabel: "⟨|m_4|⟩", xScale: .log, yScale: .log, series: [
            PlotSeries(label: "measured (importance)", x: n, y: n.map { 13.4 / $0 }, yErrors: n.map { 0.05 * 13.4 / $0 }, style: .markers),
            PlotSeries(label: "measured (direct)", x: n, y: n.map { 11 / $0 }, yErrors: n.map { 0.1 * 11 / $0 }, style: .markers),
            PlotSeries(label: "background ⟨σ/|G_0|⟩", x: n, y: n.map { 0.4 / pow($0, 0.5) }, style: .dashed),
            PlotSeries(label: "exact finite-N", x: n, y: n.map { 13.4 / $0 }),
            PlotSeries(label: "∝ N^−1 (amplitude fitted)", x: n, y: n.map { 13.3 / $0 }, style: .dashed),
            // The longest label frg's compare figures carry.
            PlotSeries(label: "fit A·N^p, p = -1.0006 ± 0.0017", x: n, y: n.map { 13.35 / $0 }, style: .dashed),
        ])
        let text = try plot.svg()
        let svg = try SVGDocument(text).svg
        let box = try XCTUnwrap(svg.all("rect", class: "legend").first)
        XCTAssertFalse(box.classes.contains("below"))
        let (bx, by, bw, bh) = (box.double("x")!, box.double("y")!, box.double("width")!, box.double("height")!)
        XCTAssertLessThan(bw / plot.width, 0.4, "the legend takes \(Int(100 * bw / plot.width)) % of the width")
        let f = try frame(svg)
        XCTAssertTrue(bx >= f.x && by >= f.y && bx + bw <= f.x + f.w && by + bh <= f.y + f.h, "inside the frame")
        for (x, y) in dataPoints(svg) {
            XCTAssertFalse(x > bx && x < bx + bw && y > by && y < by + bh, "data point (\(x), \(y)) under the legend")
        }
        XCTAssertEqual(svg.all("text", class: "legend-label").map(\.text),
                       ["measured (importance)", "measured (direct)", "background ⟨σ/|G0|⟩", "exact finite-N", "∝ N−1 (amplitude fitted)",
                        "fit A·Np, p = -1.0006 ± 0.0017"])
    }

    func testLegendGoesBelowWhenEveryCornerHoldsData() throws {
        let x = (0...100).map(Double.init)
        let plot = Plot(title: "", xLabel: "x", yLabel: "y", series: [
            PlotSeries(label: "up", x: x, y: x), PlotSeries(label: "down", x: x, y: x.map { 100 - $0 }),
            PlotSeries(label: "top", x: x, y: x.map { _ in 100 }), PlotSeries(label: "bottom", x: x, y: x.map { _ in 0 }),
        ])
        let svg = try SVGDocument(try plot.svg()).svg
        let box = try XCTUnwrap(svg.all("rect", class: "legend").first)
        XCTAssertTrue(box.classes.contains("below"))
        let f = try frame(svg)
        XCTAssertGreaterThan(box.double("y")!, f.y + f.h + 30, "below the tick labels")
        XCTAssertGreaterThan(try XCTUnwrap(svg.double("height")), plot.height, "the figure grows to hold it")
        XCTAssertEqual(svg.all("text", class: "legend-label").count, 4)
    }

    // MARK: Series looks

    func testShortLinesCarryMarkersAndEverySeriesLooksDifferent() throws {
        // The convergence figure: ν and ω for two expansions at orders 4…64.
        let orders = stride(from: 4.0, through: 64, by: 2).map { $0 }
        let plot = Plot(title: "", xLabel: "order", yLabel: "ν, ω", series: [
            PlotSeries(label: "ν, about φ = 0", x: orders, y: orders.map { 0.6496 + 0.1 / $0 }),
            PlotSeries(label: "ω, about φ = 0", x: orders, y: orders.map { 0.6557 + 0.2 / $0 }, style: .dashed),
            PlotSeries(label: "ν, about the minimum", x: orders, y: orders.map { 0.6496 - 0.1 / $0 }),
            PlotSeries(label: "ω, about the minimum", x: orders, y: orders.map { 0.6557 - 0.2 / $0 }, style: .dashed),
        ])
        let svg = try SVGDocument(try plot.svg()).svg
        var looks: Set<String> = []
        for group in svg.all("g", class: "series") {
            let markers = group.all(class: "marker")
            XCTAssertEqual(markers.count, orders.count, "a marker at every order")
            let line = try XCTUnwrap(group.all("polyline").first)
            looks.insert([line.attributes["stroke"] ?? "", line.attributes["stroke-dasharray"] ?? "solid", markers[0].name].joined(separator: "|"))
        }
        XCTAssertEqual(looks.count, 4)
        // Two lines of the same style differ in dash too, not only in colour.
        let dashes = svg.all("g", class: "series").compactMap { $0.all("polyline").first?.attributes["stroke-dasharray"] ?? "solid" }
        XCTAssertEqual(Set(dashes).count, 4, "\(dashes)")

        // A trajectory of hundreds of points draws no markers.
        let t = (0..<500).map(Double.init)
        let dense = try SVGDocument(try Plot(title: "", xLabel: "t", yLabel: "u", series: [PlotSeries(label: "u", x: t, y: t)]).svg()).svg
        XCTAssertEqual(dense.all(class: "marker").count, 0)
    }

    func testMeasurementsAreDrawnOverTheLines() throws {
        let x: [Double] = [1, 2, 3]
        let plot = Plot(title: "", xLabel: "x", yLabel: "y", series: [
            PlotSeries(label: "measured", x: x, y: x, yErrors: [0.1, 0.1, 0.1], style: .markers),
            PlotSeries(label: "theory", x: x, y: x),
        ])
        let groups = try SVGDocument(try plot.svg()).svg.all("g", class: "series")
        XCTAssertEqual(groups.map { $0.attributes["data-label"]! }, ["theory", "measured"])
        // Beside measurements, markers mean measured points: the theory line carries none.
        XCTAssertEqual(groups[0].all(class: "marker").count, 0)
        XCTAssertEqual(groups[1].all(class: "marker").count, 3)
    }

    func testNonPositiveValueOnLogAxisIsAnError() {
        let plot = Plot(title: "", xLabel: "x", yLabel: "y", yScale: .log, series: [PlotSeries(label: "s", x: [1, 2], y: [1, -1])])
        XCTAssertThrowsError(try plot.svg()) { error in
            XCTAssertEqual(error as? PlotError, .nonPositiveOnLogAxis(series: "s", axis: "y", value: -1))
        }
    }
}
