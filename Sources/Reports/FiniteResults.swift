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
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
        return try encoder.encode(value)
    } catch EncodingError.invalidValue(let invalid, let context) {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        throw NonFiniteResultError(location: "'\(path.hasPrefix(".") ? String(path.dropFirst()) : path)'",
                                   spelling: (invalid as? Double).map(spelling) ?? "a value JSON cannot hold")
    }
}

/// A JSON document of the output contract (docs/outputs.md): `"schema": "frg/<name>/v1"` and
/// `"frgVersion"` as its first two keys, then `body`'s keys in alphabetical order; every number
/// checked finite. `body` must not hold `schema` or `frgVersion` itself.
public func jsonDocument(schema: String, version: String, _ body: [String: Any]) throws -> String {
    try requireFinite(body, at: "")
    let data = try JSONSerialization.data(withJSONObject: body, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return prependingSchema(schema, version: version, to: String(decoding: data, as: UTF8.self))
}

/// An `Encodable` value as a JSON document of the output contract (see the other overload).
public func jsonDocument<T: Encodable>(schema: String, version: String, _ value: T) throws -> String {
    prependingSchema(schema, version: version, to: String(decoding: try jsonData(value), as: UTF8.self))
}

/// Inserts the two header keys after the opening brace of a pretty-printed object. JSON objects
/// are unordered for a parser, but Python's `json` keeps the order, and a reader sees at once
/// which document it holds.
private func prependingSchema(_ schema: String, version: String, to object: String) -> String {
    precondition(object.hasPrefix("{"), "a JSON document is an object")
    let rest = object.dropFirst().drop { $0 == " " }
    let isEmpty = rest.trimmingCharacters(in: .whitespacesAndNewlines) == "}"
    let head = "{\n  \"schema\" : \"\(schema)\",\n  \"frgVersion\" : \"\(version)\""
    return isEmpty ? head + "\n}" : head + "," + rest
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
