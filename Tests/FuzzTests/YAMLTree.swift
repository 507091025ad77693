import Yams

/// A YAML document as the fuzzer edits it: scalars keep the text they were written with (quotes
/// included), so a mutation can put any text at any place, `!!str 3` and `.nan` included.
///
/// Parsed with Yams (comments are dropped) and written back in one fixed style: mappings in block
/// style, lists and mappings inside lists in flow style.
indirect enum YAMLTree: Equatable {
    case scalar(String)
    case map([Pair])
    case list([YAMLTree])

    struct Pair: Equatable {
        var key: String
        var value: YAMLTree
    }

    /// One step of a path from the root: the `n`-th pair of a mapping or the `n`-th item of a list.
    enum Step: Equatable {
        case pair(Int)
        case item(Int)
    }

    init(yaml: String) throws {
        self = try Yams.compose(yaml: yaml).map(YAMLTree.init) ?? .map([])
    }

    init(_ node: Node) {
        switch node {
        case .scalar(let scalar): self = .scalar(Self.text(of: scalar))
        case .mapping(let mapping):
            self = .map(mapping.map { Pair(key: YAMLTree($0.key).inline, value: YAMLTree($0.value)) })
        case .sequence(let sequence): self = .list(sequence.map(YAMLTree.init))
        default: self = .scalar("~")  // aliases: the shipped configs have none
        }
    }

    private static func text(of scalar: Node.Scalar) -> String {
        guard scalar.style != .plain else { return scalar.string }
        return "\"" + scalar.string.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    // MARK: Writing

    var text: String {
        if case .map(let pairs) = self, !pairs.isEmpty { return Self.block(pairs, indent: "") }
        return inline + "\n"
    }

    private static func block(_ pairs: [Pair], indent: String) -> String {
        pairs.map { pair in
            if case .map(let inner) = pair.value, !inner.isEmpty {
                return "\(indent)\(pair.key):\n" + block(inner, indent: indent + "  ")
            }
            return "\(indent)\(pair.key): \(pair.value.inline)\n"
        }.joined()
    }

    var inline: String {
        switch self {
        case .scalar(let text): return text
        case .list(let items): return "[" + items.map(\.inline).joined(separator: ", ") + "]"
        case .map(let pairs): return "{" + pairs.map { "\($0.key): \($0.value.inline)" }.joined(separator: ", ") + "}"
        }
    }

    // MARK: Paths

    /// Every node's path, the root's (empty) first, parents before children.
    var paths: [[Step]] {
        var result: [[Step]] = [[]]
        switch self {
        case .scalar: break
        case .map(let pairs):
            for (i, pair) in pairs.enumerated() { result += pair.value.paths.map { [.pair(i)] + $0 } }
        case .list(let items):
            for (i, item) in items.enumerated() { result += item.paths.map { [.item(i)] + $0 } }
        }
        return result
    }

    subscript(path: ArraySlice<Step>) -> YAMLTree {
        get {
            guard let step = path.first else { return self }
            switch (self, step) {
            case (.map(let pairs), .pair(let i)): return pairs[i].value[path.dropFirst()]
            case (.list(let items), .item(let i)): return items[i][path.dropFirst()]
            default: preconditionFailure("no node at \(path)")
            }
        }
        set {
            guard let step = path.first else { self = newValue; return }
            switch (self, step) {
            case (.map(var pairs), .pair(let i)):
                pairs[i].value[path.dropFirst()] = newValue
                self = .map(pairs)
            case (.list(var items), .item(let i)):
                items[i][path.dropFirst()] = newValue
                self = .list(items)
            default: preconditionFailure("no node at \(path)")
            }
        }
    }

    /// The key a node belongs to: its own key, or the key of the list it is an item of.
    func key(at path: [Step]) -> String? {
        guard let last = path.lastIndex(where: { if case .pair = $0 { return true }; return false }),
              case .pair(let i) = path[last], case .map(let pairs) = self[path[..<last]] else { return nil }
        return pairs[i].key
    }

    /// Applies `change` to every scalar under a key named `key` (the value itself or its list items).
    mutating func updateScalars(under key: String, _ change: (String) -> String) {
        switch self {
        case .scalar: break
        case .list(let items):
            self = .list(items.map { var item = $0; item.updateScalars(under: key, change); return item })
        case .map(let pairs):
            self = .map(pairs.map { pair in
                var pair = pair
                if pair.key == key { pair.value = pair.value.mapScalars(change) }
                pair.value.updateScalars(under: key, change)
                return pair
            })
        }
    }

    /// Applies `change` to every list that is the value of a key named `key`.
    mutating func updateLists(under key: String, _ change: ([YAMLTree]) -> [YAMLTree]) {
        switch self {
        case .scalar: break
        case .list(let items):
            self = .list(items.map { var item = $0; item.updateLists(under: key, change); return item })
        case .map(let pairs):
            self = .map(pairs.map { pair in
                var pair = pair
                if pair.key == key, case .list(let items) = pair.value { pair.value = .list(change(items)) }
                pair.value.updateLists(under: key, change)
                return pair
            })
        }
    }

    private func mapScalars(_ change: (String) -> String) -> YAMLTree {
        switch self {
        case .scalar(let text): return .scalar(change(text))
        case .list(let items): return .list(items.map { $0.mapScalars(change) })
        case .map: return self
        }
    }

    /// The scalars under keys named `key` (the value itself or its list items, not deeper).
    func scalars(under key: String) -> [String] {
        switch self {
        case .scalar: return []
        case .list(let items): return items.flatMap { $0.scalars(under: key) }
        case .map(let pairs):
            return pairs.flatMap { pair -> [String] in
                var found: [String] = []
                if pair.key == key {
                    switch pair.value {
                    case .scalar(let text): found.append(text)
                    case .list(let items): found += items.compactMap { if case .scalar(let t) = $0 { return t }; return nil }
                    case .map: break
                    }
                }
                return found + pair.value.scalars(under: key)
            }
        }
    }
}
