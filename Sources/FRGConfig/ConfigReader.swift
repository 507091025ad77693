import CYaml
import Diagnostics
import Foundation
import TextOutput
import Yams

/// A place in a configuration file: path, 1-based line and column.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`; a value given on the command line (`--set key=value`, line 0) is named
    /// by its flag alone.
    public var description: String { line == 0 ? file : "\(file):\(line):\(column)" }

    /// Where a `--set` value came from: the flag and its text.
    static func override(_ text: String) -> SourceLocation { SourceLocation(file: "--set \(text)", line: 0, column: 0) }
}

/// Everything that can be wrong with a configuration file.
///
/// The description is one line, `file:line:column: message`, the form editors and terminals link to.
public struct ConfigError: UserFacingError, Equatable, Sendable {
    public var category: ErrorCategory { .invalidInput }

    public var location: SourceLocation
    /// Dotted key path of the offending entry (`solver.relativeTolerance`), empty for the document.
    public var keyPath: String
    public var message: String

    public init(_ location: SourceLocation, keyPath: String, _ message: String) {
        self.location = location
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        keyPath.isEmpty ? "\(location): \(message)" : "\(location): '\(keyPath)': \(message)"
    }
}

/// A YAML value with the position it came from, read under a schema.
///
/// Reading is strict: every accessor states what it expects and throws a `ConfigError` pointing at
/// the offending line and column. Quoted scalars and scalars tagged `!!str` are strings, never
/// numbers; `.nan` and `.inf` are rejected wherever a number is expected; lists longer than their
/// key allows are rejected before an element is read; mappings reject keys they do not know, with
/// the closest valid key as a suggestion, and keys that are not words (an alias, a list), before
/// the document is composed.
public struct ConfigValue {
    let node: Node
    public let file: String
    public let keyPath: String
    /// Position of the value itself (the key's position when the value is absent).
    public let location: SourceLocation
    /// Key paths set on the command line (`--set`) and their flag text: values at or below one
    /// are located there instead of in the file.
    let overrides: [String: String]

    init(node: Node, file: String, keyPath: String, fallback: SourceLocation, overrides: [String: String] = [:]) {
        self.node = node
        self.file = file
        self.keyPath = keyPath
        self.overrides = overrides
        if let source = Self.overrideSource(keyPath, in: overrides) ?? (node.mark == nil ? Self.overrideSource(below: keyPath, in: overrides) : nil) {
            location = .override(source)
        } else if let mark = node.mark {
            location = SourceLocation(file: file, line: mark.line, column: mark.column)
        } else {
            location = fallback
        }
    }

    /// The `--set` text that set `keyPath` or a mapping above it, if any.
    static func overrideSource(_ keyPath: String, in overrides: [String: String]) -> String? {
        if overrides.isEmpty { return nil }
        var path = Substring(keyPath)
        while true {
            if let source = overrides[String(path)] { return source }
            guard let dot = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            path = path[..<dot]
        }
    }

    /// The `--set` text whose key path runs through `keyPath` (a mapping it created, which has no
    /// place in the file).
    static func overrideSource(below keyPath: String, in overrides: [String: String]) -> String? {
        overrides.keys.sorted().first { $0.hasPrefix(keyPath + ".") }.map { overrides[$0]! }
    }

    /// The name configs read from stdin (`-`) go by in messages.
    public static let stdinName = "<stdin>"

    /// The largest configuration file `load` reads, refused before it is read. The shipped
    /// configurations have 1–2 kB; composing YAML takes about 70 times the text in memory (a 40 MB
    /// list took 2.8 GB and 30 s before failing).
    public static let maximumBytes = 1 << 20

    /// Parses a YAML document. An empty document is an error: a run needs settings.
    public static func parse(yaml: String, file: String) throws -> ConfigValue {
        let start = SourceLocation(file: file, line: 1, column: 1)
        if let key = firstNonScalarKey(in: yaml) {
            throw ConfigError(SourceLocation(file: file, line: key.line, column: key.column), keyPath: "", nonScalarKeyMessage)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.translate(error, file: file, yaml: yaml)
        } catch {
            throw ConfigError(start, keyPath: "", "cannot read YAML: \(error)")
        }
        guard let root else {
            throw ConfigError(start, keyPath: "", "the file is empty; expected a mapping of settings")
        }
        return ConfigValue(node: root, file: file, keyPath: "", fallback: start)
    }

    /// Reads and parses a file. A path that cannot be read is a `FileReadError` saying what it is
    /// ("it is a folder", "it does not exist"); what is wrong inside the file is a `ConfigError`.
    ///
    /// `path` `-` reads stdin (named `<stdin>` in messages; relative paths inside resolve against
    /// the working directory). `overrides` are `--set key.path=value` texts, merged in before
    /// anything is read (`merging(overrides:)`).
    public static func load(path: String, overrides: [String] = []) throws -> ConfigValue {
        let name = path == "-" ? stdinName : path
        let start = SourceLocation(file: name, line: 1, column: 1)
        let data: Data
        if path == "-" {
            // One byte past the limit tells a config that is too large from one that fits.
            let read = FileHandle.standardInput.readData(ofLength: maximumBytes + 1)
            guard read.count <= maximumBytes else {
                throw ConfigError(start, keyPath: "", "the configuration on stdin is larger than \(maximumBytes / 1024) KiB")
            }
            data = read
        } else {
            data = try InputFile.read(path, expected: "a YAML configuration file", maximumBytes: maximumBytes)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(start, keyPath: "", "the \(path == "-" ? "input" : "file") is not UTF-8 text")
        }
        return try parse(yaml: text, file: name).merging(overrides: overrides)
    }

    /// The document with `--set key.path=value` overrides merged in: each value read as a YAML
    /// scalar or flow collection (`20`, `[0.1, 0.5]`, `{width: 3}`) and put at its key path,
    /// creating missing mappings; a later override of the same path wins. The result is read like
    /// the file, and what is wrong with an overridden value is reported at its `--set`.
    public func merging(overrides: [String]) throws -> ConfigValue {
        guard !overrides.isEmpty else { return self }
        var root = node
        var sources = self.overrides
        for text in overrides {
            let location = SourceLocation.override(text)
            guard let equals = text.firstIndex(of: "=") else {
                throw ConfigError(location, keyPath: "", "expected key.path=value")
            }
            let path = String(text[..<equals])
            let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard keys.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) else {
                throw ConfigError(location, keyPath: path, "the key path must be keys joined by dots (sampler.width)")
            }
            let valueText = String(text[text.index(after: equals)...])
            let value: Node
            do {
                // An empty value is null, as `key:` in a file.
                value = try Yams.compose(yaml: valueText) ?? Node("")
            } catch {
                throw ConfigError(location, keyPath: path, "cannot read the value as YAML")
            }
            root = try Self.set(value, at: keys[...], in: root, location: location, done: [])
            sources[path] = text
        }
        return ConfigValue(node: root, file: file, keyPath: keyPath, fallback: location, overrides: sources)
    }

    private static func set(_ value: Node, at keys: ArraySlice<String>, in node: Node?, location: SourceLocation,
                            done: [String]) throws -> Node {
        guard let key = keys.first else { return value }
        var mapping: Node.Mapping
        switch node {
        case .mapping(let m)?: mapping = m
        case nil: mapping = Node.Mapping([])
        case .scalar(let scalar)? where scalar.style == .plain && ["", "~", "null"].contains(scalar.string):
            mapping = Node.Mapping([])
        default:
            throw ConfigError(location, keyPath: done.joined(separator: "."), "cannot set a key inside it: it is not a mapping")
        }
        mapping[key] = try set(value, at: keys.dropFirst(), in: mapping[key], location: location, done: done + [key])
        return .mapping(mapping)
    }

    static let nonScalarKeyMessage = "keys must be plain words, not aliases, lists or mappings"

    /// Where the first mapping key that is not a scalar (an alias, a list, a mapping) starts, read
    /// from libyaml's events; nil when there is none, or when the text is not valid YAML (composing
    /// says why).
    ///
    /// Composing checks each mapping for duplicate keys by hashing its key nodes, and an alias is
    /// its anchor's node, so hashing one walks the whole expansion: a kilobyte whose key is the last
    /// of thirty anchors of ten aliases each (`? *a29`) would take 10²⁹ steps. Keys of settings are
    /// words, so any other key is refused before the document is composed.
    static func firstNonScalarKey(in yaml: String) -> (line: Int, column: Int)? {
        enum Level { case sequence, key, value }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(yaml.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> (line: Int, column: Int)? in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var levels: [Level] = []
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let type = event.type
                if type == YAML_STREAM_END_EVENT { return nil }
                if type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT {
                    levels.removeLast()
                    continue
                }
                guard [YAML_SCALAR_EVENT, YAML_ALIAS_EVENT, YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT].contains(type) else {
                    continue
                }
                // A node: a key or a value of the mapping it is in.
                switch levels.last {
                case .key?:
                    if type != YAML_SCALAR_EVENT {
                        return (event.start_mark.line + 1, event.start_mark.column + 1)
                    }
                    levels[levels.count - 1] = .value
                case .value?: levels[levels.count - 1] = .key
                case .sequence?, nil: break
                }
                if type == YAML_SEQUENCE_START_EVENT { levels.append(.sequence) }
                if type == YAML_MAPPING_START_EVENT { levels.append(.key) }
            }
            return nil
        }
    }

    private static func translate(_ error: YamlError, file: String, yaml: String) -> ConfigError {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case let .duplicatedKeysInMapping(duplicates, context):
            // Yams points at the mapping; point at the key's second appearance, at the mapping's indentation.
            let key = duplicates.sorted().first ?? ""
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            let indent = String(repeating: " ", count: max(0, context.mark.column - 1))
            var seen = 0
            for number in max(0, context.mark.line - 1)..<lines.count {
                let line = lines[number]
                guard line.hasPrefix(indent + key) else { continue }
                let rest = line.dropFirst(indent.count + key.count).drop { $0 == " " }
                if rest.hasPrefix(":") {
                    seen += 1
                    if seen == 2 {
                        return ConfigError(SourceLocation(file: file, line: number + 1, column: indent.count + 1),
                                           keyPath: key, "key appears twice")
                    }
                }
            }
            return ConfigError(at(context.mark), keyPath: "", "keys appear twice in this mapping: \(duplicates.sorted().joined(separator: ", "))")
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            // libyaml's depth limit names its C setter; say what is wrong instead.
            if problem.hasPrefix("Maximum nesting level") {
                return ConfigError(at(mark), keyPath: "", "invalid YAML: lists and mappings are nested too deeply (more than 1000 levels)")
            }
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return ConfigError(at(mark), keyPath: "", "invalid YAML: \(detail)")
        case let .reader(problem, offset, _, _):
            return ConfigError(SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                               "invalid YAML input: \(problem)" + (offset.map { " at byte \($0)" } ?? ""))
        default:
            return ConfigError(SourceLocation(file: file, line: 1, column: 1), keyPath: "", "invalid YAML: \(error)")
        }
    }

    func error(_ message: String) -> ConfigError {
        ConfigError(location, keyPath: keyPath, message)
    }

    /// A short name of what the node is, for messages ("a mapping", "the string 'abc'").
    var kindDescription: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if isNull { return "nothing (null)" }
            let tag = scalar.tag.rawValue
            if scalar.style != .plain || [Tag.Name.str.rawValue, Tag.Name.nonSpecific.rawValue].contains(tag) {
                return "the string \"\(oneLine(scalar.string))\""
            }
            if tag != Tag.Name.implicit.rawValue {
                return "'\(oneLine(scalar.string))' tagged \(tag.replacingOccurrences(of: "tag:yaml.org,2002:", with: "!!"))"
            }
            return "'\(oneLine(scalar.string))'"
        }
    }

    /// A scalar as it fits in a one-line message: line breaks and tabs escaped, at most 60
    /// characters (a block of text given where a number or mapping belongs would fill the screen).
    private func oneLine(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\t", with: "\\t")
        return escaped.count <= 60 ? escaped : escaped.prefix(59) + "…"
    }

    /// An empty, `~` or `null` plain scalar, or one tagged `!!null`: a key given no value.
    var isNull: Bool {
        guard case .scalar(let scalar) = node else { return false }
        if scalar.tag.rawValue == Tag.Name.null.rawValue { return true }
        return scalar.style == .plain && scalar.tag.rawValue == Tag.Name.implicit.rawValue
            && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    // MARK: Scalars

    /// The text of a scalar YAML reads as one of `tags`: unquoted, and untagged or tagged with one of
    /// them. A quoted scalar, or one tagged `!!str` (or `!`), is a string wherever it stands.
    private func plainScalar(taggedAs tags: [Tag.Name]) -> String? {
        guard case .scalar(let scalar) = node, scalar.style == .plain,
              ([.implicit] + tags).map(\.rawValue).contains(scalar.tag.rawValue) else { return nil }
        return scalar.string
    }

    /// A finite real number: a plain scalar, untagged or tagged `!!float` or `!!int`.
    public func double() throws -> Double {
        if case .scalar(let scalar) = node, scalar.tag.rawValue == Tag.Name.int.rawValue { return Double(try int()) }
        guard let text = plainScalar(taggedAs: [.float]),
              let value = Double(text.replacingOccurrences(of: "_", with: "")) ?? Self.nonFinite[text] else {
            throw error("expected a number, got \(kindDescription)")
        }
        guard value.isFinite else { throw error("expected a finite number, got \(kindDescription)") }
        return value
    }

    /// YAML's spellings of the non-finite floats, which Swift's `Double(_:)` does not read.
    private static let nonFinite: [String: Double] = {
        var values: [String: Double] = [:]
        for spelling in [".nan", ".NaN", ".NAN"] { values[spelling] = .nan }
        for spelling in [".inf", ".Inf", ".INF"] {
            values[spelling] = .infinity
            values["+" + spelling] = .infinity
            values["-" + spelling] = -.infinity
        }
        return values
    }()

    /// A finite real number in `range`; out-of-range values are errors, never clamped.
    public func double(in range: ClosedRange<Double>, _ what: String? = nil) throws -> Double {
        let value = try double()
        guard range.contains(value) else {
            throw error("expected \(what ?? "a number") in [\(formatPlain(range.lowerBound)), \(formatPlain(range.upperBound))], got \(formatPlain(value))")
        }
        return value
    }

    /// A finite real number in `(bound, upper]`.
    public func double(greaterThan bound: Double, atMost upper: Double, _ what: String? = nil) throws -> Double {
        let value = try double()
        guard value > bound, value <= upper else {
            throw error("expected \(what ?? "a number") greater than \(formatPlain(bound)) and at most \(formatPlain(upper)), got \(formatPlain(value))")
        }
        return value
    }

    /// A finite real number strictly greater than `bound`.
    public func double(greaterThan bound: Double, _ what: String? = nil) throws -> Double {
        let value = try double()
        guard value > bound else {
            throw error("expected \(what ?? "a number") greater than \(formatPlain(bound)), got \(formatPlain(value))")
        }
        return value
    }

    /// An integer (no fractional part, no exponent): a plain scalar, untagged or tagged `!!int`.
    public func int() throws -> Int {
        guard let text = plainScalar(taggedAs: [.int]), let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            throw error("expected an integer, got \(kindDescription)")
        }
        return value
    }

    /// An integer in `range`.
    public func int(in range: ClosedRange<Int>, _ what: String? = nil) throws -> Int {
        let value = try int()
        guard range.contains(value) else {
            throw error("expected \(what ?? "an integer") in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return value
    }

    /// A seed: any integer from 0 to 2⁶⁴ − 1, the range of `--seed`.
    public func seed() throws -> UInt64 {
        let text = plainScalar(taggedAs: [.int])?.replacingOccurrences(of: "_", with: "")
        if let text, let value = UInt64(text) { return value }
        // An integer out of range says so; anything else gets the integer message.
        guard let text, text.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isWholeNumber), !text.isEmpty else { _ = try int(); return 0 }
        throw error("expected a seed from 0 to \(UInt64.max), got \(text)")
    }

    /// `true` or `false`.
    public func bool() throws -> Bool {
        switch plainScalar(taggedAs: [.bool]) {
        case "true", "True", "TRUE", "yes", "on": return true
        case "false", "False", "FALSE", "no", "off": return false
        default: throw error("expected true or false, got \(kindDescription)")
        }
    }

    /// Any scalar but null, quoted or not.
    public func string() throws -> String {
        guard case .scalar(let scalar) = node, !isNull else {
            throw error("expected a string, got \(kindDescription)")
        }
        return scalar.string
    }

    /// One of a fixed set of words.
    public func choice(_ allowed: [String]) throws -> String {
        let value = try string()
        guard allowed.contains(value) else {
            let hint = closestMatch(to: value, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            throw error("expected one of \(allowed.joined(separator: ", ")), got '\(value)'\(hint)")
        }
        return value
    }

    /// A value of a `RawRepresentable` enumeration, by its raw string.
    public func choice<E: CaseIterable & RawRepresentable>(_ type: E.Type) throws -> E where E.RawValue == String {
        let raw = try choice(E.allCases.map(\.rawValue))
        return E(rawValue: raw)!
    }

    // MARK: Collections

    /// The elements of a list of at most `maximumCount`, counted before any is read; `what` names
    /// them in the message ("scales").
    public func list(atMost maximumCount: Int = .max, _ what: String = "elements") throws -> [ConfigValue] {
        guard case .sequence(let sequence) = node else {
            throw error("expected a list, got \(kindDescription)")
        }
        guard sequence.count <= maximumCount else {
            throw error("expected at most \(maximumCount) \(what), got \(sequence.count)")
        }
        return sequence.enumerated().map { index, element in
            ConfigValue(node: element, file: file, keyPath: "\(keyPath)[\(index)]", fallback: location, overrides: overrides)
        }
    }

    /// A non-empty list of at most `maximumCount` finite numbers.
    public func doubles(atMost maximumCount: Int = .max, _ what: String = "numbers") throws -> [Double] {
        let items = try list(atMost: maximumCount, what)
        guard !items.isEmpty else { throw error("expected a non-empty list of numbers") }
        return try items.map { try $0.double() }
    }

    /// A mapping whose keys must all come from `allowedKeys`.
    public func mapping(allowedKeys: [String]) throws -> ConfigMapping {
        try ConfigMapping(self, allowedKeys: allowedKeys)
    }

    /// A mapping with free-form keys (for example coupling names), each key checked by the caller.
    public func entries() throws -> [(key: String, keyLocation: SourceLocation, value: ConfigValue)] {
        guard case .mapping(let mapping) = node else {
            throw error("expected a mapping, got \(kindDescription)")
        }
        var seen = Set<String>()
        var result: [(String, SourceLocation, ConfigValue)] = []
        for (keyNode, valueNode) in mapping {
            let keyLocation = keyNode.string.flatMap { key in
                Self.overrideSource(join(keyPath, key), in: overrides)
                    ?? (keyNode.mark == nil ? Self.overrideSource(below: join(keyPath, key), in: overrides) : nil)
            }.map(SourceLocation.override)
                ?? keyNode.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? location
            guard case .scalar(let keyScalar) = keyNode else {
                throw ConfigError(keyLocation, keyPath: keyPath, Self.nonScalarKeyMessage)
            }
            let key = keyScalar.string
            guard seen.insert(key).inserted else {
                throw ConfigError(keyLocation, keyPath: join(keyPath, key), "key appears twice")
            }
            result.append((key, keyLocation,
                           ConfigValue(node: valueNode, file: file, keyPath: join(keyPath, key), fallback: keyLocation,
                                       overrides: overrides)))
        }
        return result
    }
}

/// A mapping read under a fixed set of keys. Unknown and duplicate keys are rejected on creation.
public struct ConfigMapping {
    public let value: ConfigValue
    private var values: [String: ConfigValue] = [:]
    private var keyLocations: [String: SourceLocation] = [:]

    init(_ value: ConfigValue, allowedKeys: [String]) throws {
        self.value = value
        for (key, keyLocation, item) in try value.entries() {
            guard allowedKeys.contains(key) else {
                // A key typed on the command line gets the whole list: there is no file to look at.
                let all = "valid keys: \(allowedKeys.joined(separator: ", "))"
                let hint = closestMatch(to: key, in: allowedKeys).map { "; did you mean '\($0)'?" + (keyLocation.line == 0 ? " (\(all))" : "") }
                    ?? "; " + all
                throw ConfigError(keyLocation, keyPath: join(value.keyPath, key), "unknown key\(hint)")
            }
            values[key] = item
            keyLocations[key] = keyLocation
        }
    }

    /// Keys present in the file.
    public var presentKeys: Set<String> { Set(values.keys) }

    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// The value under `key`, or nil when the key is absent (or explicitly null).
    public func optional(_ key: String) -> ConfigValue? {
        guard let item = values[key], !item.isNull else { return nil }
        return item
    }

    /// The value under `key`; a missing key is an error pointing at the mapping.
    public func required(_ key: String, _ what: String) throws -> ConfigValue {
        guard let item = optional(key) else {
            throw ConfigError(value.location, keyPath: join(value.keyPath, key),
                              "missing required key (\(what))")
        }
        return item
    }

    /// An error about the presence of `key`, located at the key itself (else at the mapping).
    public func error(at key: String, _ message: String) -> ConfigError {
        let location = keyLocations[key] ?? value.location
        return ConfigError(location, keyPath: join(value.keyPath, key), message)
    }
}

private func join(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
}

/// The candidate nearest to `word` by edit distance, if it is plausibly a misspelling.
public func closestMatch(to word: String, in candidates: [String]) -> String? {
    let lowered = word.lowercased()
    var best: (String, Int)?
    for candidate in candidates {
        let distance = editDistance(lowered, candidate.lowercased())
        if best == nil || distance < best!.1 { best = (candidate, distance) }
    }
    guard let (candidate, distance) = best else { return nil }
    let limit = max(2, min(word.count, candidate.count) / 3)
    return distance <= limit ? candidate : nil
}

/// Levenshtein distance between two strings, by Unicode scalars.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
