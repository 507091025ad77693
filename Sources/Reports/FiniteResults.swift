import Diagnostics
import Foundation

/// The last line of defence of the rule that no NaN or infinity reaches a table, a CSV or a JSON
/// document: every table (`Table.text()`, `csv()`, `markdown()`) and every JSON document frg
/// writes (`jsonText`, `jsonData`) is checked, and a non-finite number stops the output with this
/// error instead of being printed. The sources stop their runs earlier with the physical reason
/// (a flow that leaves the representable range, a sampler setting outside its range); reaching
/// this error means a run failed numerically in a way nothing upstream caught.
public struct NonFiniteResultError: UserFacingError, Equatable {
    /// The column (with the row) or the JSON key path of the value.
    public var location: String
    /// How the value would have been spelled: `nan`, `inf`, `-inf`.
    public var spelling: String

    public init(location: String, spelling: String) {
        self.location = location
        self.spelling = spelling
    }

    public var category: ErrorCategory { .runFailed }

    public var description: String {
        "the run produced a non-finite value (\(spelling)) for \(location); frg never writes NaN or infinity as a result, so the output stops here"
    }
}

/// `nan`, `inf` or `-inf` when a table cell shows a non-finite number (alone or inside
/// `value ± error`, `(a ± b)e5`, a list of eigenvalues), nil otherwise.
func nonFiniteSpelling(inCell cell: String) -> String? {
    let separators = CharacterSet(charactersIn: " ()±,;[]{}")
    for token in cell.components(separatedBy: separators) {
        switch token.lowercased() {
        case "nan", "+nan", "-nan", "−nan": return "nan"
        case "inf", "+inf", "infinity", "+infinity": return "inf"
        case "-inf", "−inf", "-infinity", "−infinity": return "-inf"
        default: continue
        }
    }
    return nil
}

/// How a non-finite `Double` is spelled in the error.
private func spelling(_ x: Double) -> String { x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }

/// Pretty-printed JSON with sorted keys of a `JSONSerialization` object (dictionaries, arrays,
/// numbers, strings, `NSNull`), after checking that every number in it is finite.
public func jsonText(_ object: [String: Any]) throws -> String {
    try requireFinite(object, at: "")
    return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]),
                  as: UTF8.self)
}

/// `value` as pretty-printed JSON with sorted keys; a non-finite number in it is a
/// `NonFiniteResultError` naming its key path (never Foundation's own encoding error).
public func jsonData<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
        return try encoder.encode(value)
    } catch EncodingError.invalidValue(let invalid, let context) {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        throw NonFiniteResultError(location: "'\(path.hasPrefix(".") ? String(path.dropFirst()) : path)'",
                                   spelling: (invalid as? Double).map(spelling) ?? "a value JSON cannot hold")
    }
}

private func requireFinite(_ object: Any, at path: String) throws {
    switch object {
    case let x as Double where !x.isFinite:
        throw NonFiniteResultError(location: "'\(path)'", spelling: spelling(x))
    case let dictionary as [String: Any]:
        for key in dictionary.keys.sorted() { try requireFinite(dictionary[key]!, at: path.isEmpty ? key : "\(path).\(key)") }
    case let array as [Any]:
        for (index, value) in array.enumerated() { try requireFinite(value, at: "\(path)[\(index)]") }
    default:
        return
    }
}
