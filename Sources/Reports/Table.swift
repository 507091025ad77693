import Foundation

/// A rectangular table of strings rendered as aligned text, CSV or Markdown.
///
/// Numbers are formatted by the caller (see `formatNumber`), so the same table is byte-identical
/// wherever it is printed.
public struct Table: Sendable {
    public var header: [String]
    public var rows: [[String]]
    /// Lines written as `# ...` before a CSV, and above a text table.
    public var comments: [String]

    public init(header: [String], rows: [[String]] = [], comments: [String] = []) {
        self.header = header
        self.rows = rows
        self.comments = comments
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "row has \(row.count) cells, header has \(header.count)")
        rows.append(row)
    }

    /// Columns padded to a common width; numeric-looking cells right-aligned.
    public func text(showComments: Bool = false) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return looksNumeric(cell) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = showComments ? comments.map { "# \($0)\n" }.joined() : ""
        out += line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }

    /// RFC 4180 CSV with `# ` comment lines first.
    public func csv() -> String {
        var out = comments.map { "# \($0)\n" }.joined()
        out += header.map(csvEscape).joined(separator: ",") + "\n"
        for row in rows { out += row.map(csvEscape).joined(separator: ",") + "\n" }
        return out
    }

    /// A GitHub-flavoured Markdown table.
    public func markdown() -> String {
        var out = "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + header.map { _ in "---|" }.joined() + "\n"
        for row in rows { out += "| " + row.joined(separator: " | ") + " |\n" }
        return out
    }
}

private func looksNumeric(_ cell: String) -> Bool {
    guard let first = cell.unicodeScalars.first else { return false }
    return CharacterSet(charactersIn: "0123456789+-−.").contains(first) && Double(cell.replacingOccurrences(of: "−", with: "-").split(separator: " ").first.map(String.init) ?? "") != nil
}

private func csvEscape(_ cell: String) -> String {
    if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) {
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return cell
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// Shortest decimal that reads back to the same `Double` (CSV, JSON): exact round trip.
public func formatExact(_ x: Double) -> String {
    "\(x)"
}

/// `significant` significant digits, `%g` style, for tables read by people.
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

/// Writes `text` to `path` through a temporary file and a rename, so a reader never sees half a file.
public func writeAtomically(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url, options: .atomic)
}
