import Foundation
import TextOutput

/// A rectangular table of strings rendered as aligned text, CSV or Markdown.
///
/// Numbers are formatted by the caller (see `formatNumber`), so the same table is byte-identical
/// wherever it is printed. Rendering refuses a cell that shows a non-finite number (`nan`, `inf`)
/// with a `NonFiniteResultError` naming its column and row: no table, CSV or report carries one.
public struct Table: Sendable {
    public var header: [String]
    public var rows: [[String]]
    /// Lines written as `# ...` above a text table (never into CSV: its metadata goes to the
    /// `.meta.json` sidecar, docs/outputs.md).
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

    /// Throws `NonFiniteResultError` for the first cell that shows a non-finite number.
    func requireFinite() throws {
        for (r, row) in rows.enumerated() {
            for (c, cell) in row.enumerated() {
                if let spelling = nonFiniteSpelling(inCell: cell) {
                    throw NonFiniteResultError(location: "column '\(header[c])' (row \(r + 1))", spelling: spelling)
                }
            }
        }
    }

    /// Columns padded to a common width; numeric-looking cells right-aligned.
    public func text(showComments: Bool = false) throws -> String {
        try requireFinite()
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

    /// RFC 4180 CSV: one header row, then the rows; no comment lines, so `pandas.read_csv` reads it
    /// with no options.
    public func csv() throws -> String {
        try requireFinite()
        var out = header.map(csvEscape).joined(separator: ",") + "\n"
        for row in rows { out += row.map(csvEscape).joined(separator: ",") + "\n" }
        return out
    }

    /// A GitHub-flavoured Markdown table.
    public func markdown() throws -> String {
        try requireFinite()
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
