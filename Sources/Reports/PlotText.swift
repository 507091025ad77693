import Foundation

/// A piece of label text on the baseline, raised (superscript) or lowered (subscript).
public struct TextRun: Equatable, Sendable {
    public enum Position: Sendable { case normal, superscript, `subscript` }
    public var text: String
    public var position: Position

    public init(_ text: String, _ position: Position = .normal) {
        self.text = text
        self.position = position
    }
}

/// Plot labels with real sub- and superscripts, from a small TeX-like markup.
///
/// - `x_W`, `x_{full}`, `x^-1`, `x^{d-2}`, `Λ^((d−2)/2)`: the run after `_`/`^` (an optional sign,
///   then letters and digits; or a `{…}` / `(…)` group, parentheses dropped) is lowered/raised;
///   a `-` in a superscript is drawn as the minus sign `−`.
/// - A symbol followed by an index, standing alone (`u4`, `λ6`, `m0`, `ū4`): the digits are a
///   subscript (`u₄`), so coupling names from `frg beta` label axes as they are typeset.
///
/// SVG draws the runs as `<tspan>`s shifted with `dy` (which every renderer honours; the
/// `baseline-shift` property is ignored by some), at 75 % of the font size.
public enum PlotText {
    /// Script size relative to the text around it.
    static let scriptScale = 0.75

    public static func runs(_ markup: String) -> [TextRun] {
        let chars = Array(markup)
        var result: [TextRun] = []
        var plain = ""
        func flush() {
            if !plain.isEmpty { result.append(TextRun(plain)); plain = "" }
        }
        func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if (c == "_" || c == "^"), i > 0, i + 1 < chars.count, let (content, next) = script(chars, from: i + 1) {
                flush()
                let text = c == "^" ? content.replacingOccurrences(of: "-", with: "−") : content
                result.append(TextRun(text, c == "^" ? .superscript : .subscript))
                i = next
                continue
            }
            // A letter (with any combining marks, as in ū) followed by digits that end the word.
            if c.isLetter, i == 0 || !isWordCharacter(chars[i - 1]) {
                var j = i + 1
                while j < chars.count, chars[j].isNumber, chars[j].isASCII { j += 1 }
                if j > i + 1, j == chars.count || !isWordCharacter(chars[j]) {
                    plain.append(c)
                    flush()
                    result.append(TextRun(String(chars[(i + 1)..<j]), .subscript))
                    i = j
                    continue
                }
            }
            plain.append(c)
            i += 1
        }
        flush()
        return result
    }

    /// The script run starting at `start` (after `_` or `^`) and the index after it; nil when
    /// nothing there reads as a script (a lone `_` stays literal).
    private static func script(_ chars: [Character], from start: Int) -> (String, Int)? {
        let first = chars[start]
        if first == "{" || first == "(" {
            let close: Character = first == "{" ? "}" : ")"
            var depth = 0
            var j = start
            while j < chars.count {
                if chars[j] == first { depth += 1 }
                if chars[j] == close { depth -= 1; if depth == 0 { break } }
                j += 1
            }
            guard j < chars.count, j > start + 1 else { return nil }
            return (String(chars[(start + 1)..<j]), j + 1)
        }
        var j = start
        if "-−+".contains(first) { j += 1 }
        let body = j
        while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "." && j + 1 < chars.count && chars[j + 1].isNumber { j += 1 }
        guard j > body else { return nil }
        return (String(chars[start..<j]), j)
    }

    /// The text without markup (what a reader of the SVG's text content sees).
    public static func plain(_ runs: [TextRun]) -> String { runs.map(\.text).joined() }

    /// Estimated width in pixels at `fontSize` (Helvetica's average advance, about 0.58 em;
    /// combining marks take no room).
    public static func width(_ runs: [TextRun], fontSize: Double) -> Double {
        runs.reduce(0) { sum, run in
            let count = run.text.unicodeScalars.filter { !($0.properties.generalCategory == .nonspacingMark) }.count
            return sum + Double(count) * 0.58 * fontSize * (run.position == .normal ? 1 : scriptScale)
        }
    }

    /// The runs as SVG character data: plain text and `<tspan>`s, escaped. The document keeps
    /// spaces (`xml:space="preserve"` on `Plot`'s root): renderers otherwise strip a space at the
    /// edge of a `<tspan>`, and `u₄ against` would read `u₄against`.
    public static func svg(_ runs: [TextRun], fontSize: Double) -> String {
        func offset(_ p: TextRun.Position) -> Double {
            switch p {
            case .normal: return 0
            case .superscript: return -0.38 * fontSize
            case .subscript: return 0.25 * fontSize
            }
        }
        var out = ""
        var current = 0.0
        for run in runs {
            let target = offset(run.position)
            let dy = target - current
            current = target
            let size = run.position == .normal ? "" : " font-size=\"\(svgNumber(fontSize * scriptScale))\""
            if dy == 0 && run.position == .normal {
                out += escapeXML(run.text)
            } else {
                out += "<tspan dy=\"\(svgNumber(dy))\"\(size)>\(escapeXML(run.text))</tspan>"
            }
        }
        return out
    }

    /// `10ⁿ`, or `m×10ⁿ` for a mantissa other than 1 (log-axis labels), with `n` raised.
    static func powerOfTen(mantissa: Int, exponent: Int, negative: Bool = false) -> [TextRun] {
        let sign = negative ? "−" : ""
        let head = mantissa == 1 ? "\(sign)10" : "\(sign)\(mantissa)×10"
        let power = exponent < 0 ? "−\(-exponent)" : "\(exponent)"
        return [TextRun(head), TextRun(power, .superscript)]
    }
}

func svgNumber(_ x: Double) -> String {
    let s = String(format: "%.2f", x)
    // Trailing zeros carry nothing and make the file larger.
    if s.contains(".") {
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t == "-0" ? "0" : t
    }
    return s
}

func escapeXML(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;")
}
