import ArgumentParser
import Foundation
import FRGConfig
import Reports

/// The output contract of every subcommand (docs/outputs.md): `--format`, `--output/-o` with `-`
/// meaning stdout. One group, so the five commands spell and judge these flags the same way.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: text, json or csv (frg beta also latex). docs/outputs.md lists every key and column.")
    var format: OutputFormat?

    @Option(name: .shortAndLong, help: "Write the --format document to this file; '-' = stdout, which then carries that document only (summaries and notes go to stderr).")
    var output: String?

    /// Whether the document goes to stdout and nothing else may.
    var toStdout: Bool { output == "-" }

    /// The file the document goes to, nil for stdout.
    var file: String? { output == "-" ? nil : output }
}

/// `--format`: what a command writes. `latex` only for `frg beta`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case latex
    case json
    case csv
}

/// Where the lines read by people go: stdout, or stderr when stdout carries a document (`-o -`).
struct Console {
    var stdoutIsDocument: Bool

    func say(_ text: String, terminator: String = "\n") {
        if stdoutIsDocument {
            note(text.hasSuffix("\n") && terminator.isEmpty ? String(text.dropLast()) : text)
        } else {
            print(text, terminator: terminator)
        }
    }
}

/// The arguments of the running `frg` command (recorded in CSV sidecars); set by `FRG.run`.
nonisolated(unsafe) var currentArguments: [String] = []

extension OutputFiles {
    /// Writes a document: to stdout when `path` is nil or `-`, else to the file (announced on
    /// stderr). A CSV written to a file gets its `<path>.meta.json` sidecar (`meta`).
    func deliver(_ text: String, to path: String?, meta: CSVMeta? = nil) throws {
        guard let path, path != "-" else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            return
        }
        try write(text.hasSuffix("\n") ? text : text + "\n", to: path)
        note("wrote \(path)")
        if let meta { try writeSidecar(meta, for: path) }
    }

    /// `<path>.meta.json` beside a CSV file (schema frg/meta/v1).
    func writeSidecar(_ meta: CSVMeta, for path: String) throws {
        try write(try meta.json(dataFile: URL(fileURLWithPath: path).lastPathComponent) + "\n", to: path + ".meta.json")
    }

    /// The sidecar path of a CSV destination, for `check` (nil when the CSV goes to stdout).
    static func sidecar(of path: String?) -> String? {
        guard let path, path != "-" else { return nil }
        return path + ".meta.json"
    }
}

/// The metadata of a CSV file, written beside it (docs/outputs.md, `meta`).
struct CSVMeta {
    var columns: [String]
    /// The schema of the JSON document with the same data.
    var describes: String
    var header: [String] = []
    var config: String?
    var truncation: [String: Any]?
    var notes: [String] = []

    func json(dataFile: String) throws -> String {
        var body: [String: Any] = ["command": ["frg"] + currentArguments, "data": dataFile, "columns": columns,
                                   "describes": describes, "header": header]
        if let config { body["config"] = config }
        if let truncation { body["truncation"] = truncation }
        if !notes.isEmpty { body["notes"] = notes }
        return try jsonDocument(schema: "frg/meta/v1", version: frgVersion, body)
    }
}

/// `--plot`: frg draws SVG only; anything else is refused before computing.
func checkPlotPath(_ path: String?, flag: String = "--plot") throws {
    guard let path else { return }
    guard path.lowercased().hasSuffix(".svg") else {
        throw ValidationError("\(flag) \(path): frg draws SVG only (give a .svg file); for PNG or PDF use the Python package: frg.plots (python/README.md)")
    }
}

/// The schema name of a JSON document (`frg/<name>/v1`).
func schemaName(_ name: String) -> String { "frg/\(name)/v1" }

/// How a config read from stdin is named (`FRGConfig.ConfigValue.stdinName`).
let stdinName = ConfigValue.stdinName
