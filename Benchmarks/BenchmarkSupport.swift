import Dispatch
import Foundation

/// Why a benchmark row run in a child process failed: its last line on stderr, or its status.
struct ChildRowFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs `frg-bench ARGUMENTS` in a fresh process (so that a row pays for its own derivations,
/// quadrature rules and caches, as a command would) and decodes the JSON after `prefix` on the last
/// stdout line that starts with it. Throws `ChildRowFailure` with the child's last stderr line when
/// it fails or prints no such line.
func childRow<Row: Decodable>(_ arguments: [String], prefix: String) throws -> Row {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    child.arguments = arguments
    let output = Pipe(), errors = Pipe()
    child.standardOutput = output
    child.standardError = errors
    try child.run()
    // Read before waiting: a full pipe would block the child.
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    child.waitUntilExit()
    guard child.terminationStatus == 0, let line = text.split(separator: "\n").last(where: { $0.hasPrefix(prefix) }) else {
        throw ChildRowFailure(description: errorText.split(separator: "\n").last.map(String.init)
                              ?? "exit status \(child.terminationStatus)")
    }
    return try JSONDecoder().decode(Row.self, from: Data(line.dropFirst(prefix.count).utf8))
}

/// Wall seconds of `body` (monotonic clock).
func wallSeconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
}
