import Foundation
import Yams

/// SplitMix64: the fuzzer's only source of randomness, so that case `index` of a seed is the same
/// mutant on every machine and in every run (no `Dictionary` or `Set` order is ever consulted).
struct FuzzRandom {
    private var state: UInt64

    init(seed: UInt64, index: Int) {
        state = seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03)
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n` (n > 0).
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / 0x1p53 < p }
}

/// What the mutations draw from.
enum Pools {
    /// Numbers at and beyond the edges of Int and Double, zero of both signs, and small values.
    static let numbers = [
        "0", "-0", "-1", "1", "2", "3", "0.5", "1.5", "1e-300", "1e-100", "1e-12", "-1e-12", "1e300", "-1e300",
        "1e999", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "9007199254740993", "-9007199254740993",
    ]
    /// YAML scalars that are not plain numbers: NaN and infinities, quoted and tagged numbers, other types.
    static let yamlNonNumbers = [
        ".nan", "NaN", ".NaN", ".inf", "-.inf", "+.inf", "\"3\"", "'3'", "!!str 3", "!!float 3", "!!int 3.5",
        "0x10", "0o17", "1_000", "+3", "3.", ".5", "~", "null", "true", "no", "abc", "\"\"",
    ]
    /// Command-line values that are not plain numbers.
    static let cliNonNumbers = [
        "nan", "NaN", "inf", "-inf", "infinity", "+inf", "0x10", "1_000", "+3", " 3", "3 ", "", "abc", "3.", ".5", "−1",
    ]
    /// The enumerated values of config keys and flags (valid ones; mutations add misspellings).
    static let choices: [(key: String, values: [String])] = [
        ("flow", ["passive", "active"]), ("scheme", ["wetterich", "polchinski"]),
        ("kind", ["lpa", "lpa-prime", "derivative2", "full-potential"]), ("truncation", ["lpa", "lpa-prime", "derivative2", "full-potential"]),
        ("expansion", ["zero", "minimum", "both"]), ("regulator", ["litim", "exponential"]), ("law", ["paper", "raw"]),
        ("units", ["dimensionless", "dimensionful"]), ("method", ["bdf", "adams"]), ("format", ["csv", "json", "text", "latex"]),
        ("estimator", ["direct", "conditional", "marginal", "importance"]), ("companion", ["direct", "conditional", "marginal", "importance"]),
        ("architecture", ["gaussnet", "cosnet"]), ("u6", ["measured", "positive"]),
        ("observables", ["u4", "u6", "m4", "m6", "lambda4", "lambda6"]),
    ]
    /// Config keys whose value is a path.
    static let pathKeys = ["file", "json", "csv", "state", "directory", "cache", "measured", "measurement"]
    /// Text inserted at a random byte: YAML syntax out of place, control and invisible characters, invalid UTF-8.
    static let junk: [[UInt8]] = ["\t", "\u{FEFF}", "\0", ": ", "- ", "&a ", "*a", "!!binary ", "%YAML 1.1\n", "---\n", "...\n",
                                  "? ", "|\n", "{", "[", "\"", "'", "#", "\\", "@", "\r", "\u{2028}"].map { Array($0.utf8) }
        + [[0xFF], [0xC3]]
    /// Nine levels of aliases to a ten-item list (10⁹ items if anything expands them).
    static let aliasBomb: String = {
        var lines = ["a0: &a0 [" + Array(repeating: "x", count: 10).joined(separator: ", ") + "]"]
        for level in 1...8 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static func choices(for key: String) -> [String]? { choices.first { $0.key == key }?.values }

    /// The text misspelled: a character dropped, doubled or changed, or its case changed.
    static func misspelled(_ text: String, _ rng: inout FuzzRandom) -> String {
        var characters = Array(text)
        guard !characters.isEmpty else { return "x" }
        let i = rng.int(characters.count)
        switch rng.int(4) {
        case 0: characters.remove(at: i)
        case 1: characters.insert(characters[i], at: i)
        case 2: characters[i] = "x"
        default: return text.uppercased()
        }
        return String(characters)
    }
}

/// The rule that keeps every mutant cheap: a run's cost is set by a few keys and flags (sizes,
/// counts, orders, ranges), and a large valid value there is a long run, not a hang. The bases are
/// shrunk to small values (`Corpus`); after mutation, a value of such a key whose magnitude lies
/// between its cap and 2⁵³ (possibly valid, possibly expensive) is set to the cap. Invalid values
/// (negative, zero, fractional, non-numbers) and values of 2⁵³ and beyond (which frg must refuse or
/// survive) are left as they are. The expensive defaults are never reached: a sampler without
/// `netsPerBag` (or `frg sample` without `--nets` and a config) gets 10, an Erf-net sampler without
/// inputs gets three (`erfInputs`), and a text mutation that would remove either is not made.
/// Inputs are capped at 4: an Erf-net's exact moments cost ~5 s for 4 inputs in a debug build,
/// ~30 s for 6. Input points are capped at 2 components (and `inputDimension` at 2): the ReLU- and
/// Erf-net's coupling integrals over `[−Λ, Λ]^d` cost ~4 s per sweep point at d = 2 in a debug
/// build and ~2 min at d = 3 (~3 s in release), a long valid run, not a hang.
enum Workload {
    static let configCaps: [(key: String, cap: Double)] = [
        ("samples", 11), ("gridPoints", 101), ("netsPerBag", 20), ("bags", 3), ("width", 20), ("widths", 20),
        ("order", 8), ("maxSteps", 20000), ("tEnd", 10), ("inputDimension", 2),
    ]
    static let configLengths: [(key: String, cap: Int)] = [
        ("measured", 3), ("inputs", 4), ("sigmaW", 4), ("widths", 4), ("cutoffs", 4), ("scales", 12),
    ]
    static let flagCaps: [(flag: String, cap: Double)] = [("--order", 8), ("--starts", 20), ("--nets", 20), ("--bags", 3), ("--basis", 40)]

    static func capped(_ text: String, _ cap: Double) -> String {
        guard let value = Double(text.replacingOccurrences(of: "_", with: "")), value.isFinite,
              abs(value) > cap, abs(value) < 0x1p53 else { return text }
        let bound = value < 0 ? -cap : cap
        return bound == bound.rounded() ? String(Int(bound)) : "\(bound)"
    }

    static func apply(to tree: inout YAMLTree, command: String) {
        for (key, cap) in configCaps { tree.updateScalars(under: key) { capped($0, cap) } }
        for (key, cap) in configLengths { tree.updateLists(under: key) { Array($0.prefix(cap)) } }
        tree.updateLists(under: "inputs") { points in
            points.map { point in
                guard case .list(let components) = point else { return point }
                return .list(Array(components.prefix(2)))
            }
        }
        func withNets(_ node: YAMLTree) -> YAMLTree {
            guard case .map(var pairs) = node else { return node }
            if !pairs.contains(where: { $0.key == "netsPerBag" }) { pairs.append(.init(key: "netsPerBag", value: .scalar("10"))) }
            if erfWithDefaultInputs(pairs) { pairs.append(.init(key: "inputs", value: .list(erfInputs.map(YAMLTree.scalar)))) }
            return .map(pairs)
        }
        if command == "sample" { tree = withNets(tree) }
        if command == "compare", case .map(var pairs) = tree, let i = pairs.firstIndex(where: { $0.key == "sampler" }) {
            pairs[i].value = withNets(pairs[i].value)
            tree = .map(pairs)
        }
    }

    /// The second expensive default: the Erf-net's six default inputs, whose 462 exact six-point
    /// moments are quadratures (about 30 s in a debug build); a sampler of architecture erf without
    /// `inputs` or `grid` gets the first three.
    static let erfInputs = ["-1", "-0.6", "-0.2"]

    static func erfWithDefaultInputs(_ pairs: [YAMLTree.Pair]) -> Bool {
        pairs.contains { $0.key == "architecture" && $0.value == .scalar("erf") }
            && !pairs.contains { $0.key == "inputs" || $0.key == "grid" }
    }

    /// Whether a sample or compare config, as frg would read it, leaves `netsPerBag` at its default
    /// (or an Erf-net at its default inputs).
    static func reachesExpensiveDefault(_ bytes: [UInt8], command: String) -> Bool {
        // Yams' nodes, not a YAMLTree: converting would expand aliases (the alias bomb).
        guard command == "sample" || command == "compare", let text = String(bytes: bytes, encoding: .utf8),
              let root = (try? Yams.compose(yaml: text)) ?? nil,
              let sampler = command == "sample" ? root.mapping : root.mapping?["sampler"]?.mapping else { return false }
        return sampler["netsPerBag"] == nil
            || (sampler["architecture"]?.string == "erf" && sampler["inputs"] == nil && sampler["grid"] == nil)
    }

    /// The same rule for command lines; `fixed-points --truncation derivative2` (a valid run of
    /// about 25 s in a debug build: its persistence check derives the truncation up to φ²⁰) becomes
    /// `lpa-prime`.
    static func apply(to arguments: inout [String]) {
        let command = arguments.first ?? ""
        var caps = flagCaps
        if command == "sample" { caps.append(("--width", 20)) }
        for i in arguments.indices {
            let (flag, inline) = split(arguments[i])
            func update(_ change: (String) -> String) {
                if let inline { arguments[i] = flag + "=" + change(inline) } else if i + 1 < arguments.count { arguments[i + 1] = change(arguments[i + 1]) }
            }
            if let cap = caps.first(where: { $0.flag == flag })?.cap { update { capped($0, cap) } }
            switch flag {
            case "--convergence": update { $0.split(separator: ":", omittingEmptySubsequences: false).map { capped(String($0), 8) }.joined(separator: ":") }
            case "--dimension-sweep": update(cappedSweep)
            case "--points": update { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(4).joined(separator: ",") }
            case "--truncation" where command == "fixed-points": update { $0 == "derivative2" ? "lpa-prime" : $0 }
            default: break
            }
        }
        if command == "sample", !arguments.contains(where: { split($0).0 == "--nets" }), !hasPositional(arguments) {
            arguments += ["--nets", "10"]
        }
        let erf = arguments.indices.contains { i in
            let (flag, inline) = split(arguments[i])
            return flag == "--architecture" && (inline ?? (i + 1 < arguments.count ? arguments[i + 1] : "")) == "erf"
        }
        if command == "sample", erf, !arguments.contains(where: { ["--points", "--grid"].contains(split($0).0) }), !hasPositional(arguments) {
            arguments += ["--points", erfInputs.joined(separator: ",")]
        }
    }

    /// Whether a command line has an argument that is not a flag or a flag's value (a config).
    private static func hasPositional(_ arguments: [String]) -> Bool {
        let command = arguments.first ?? ""
        var i = 1
        while i < arguments.count {
            let token = arguments[i]
            if !token.hasPrefix("-") { return true }
            let valued = CommandMutator.flags.contains { spec in
                guard spec.command == command, spec.flag == token else { return false }
                if case .flag = spec.kind { return false }
                return true
            }
            i += valued ? 2 : 1
        }
        return false
    }

    /// `FROM:TO:STEP` with at most 12 points when its count is below 2⁵³.
    private static func cappedSweep(_ text: String) -> String {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
        guard parts.count == 3, let from = parts[0], let to = parts[1], let step = parts[2], step != 0 else { return text }
        let count = abs(to - from) / abs(step)
        guard count.isFinite, count > 12, count < 0x1p53 else { return text }
        return "\(from):\(to):\(abs(to - from) / 4)"
    }

    /// `--flag=value` as (flag, value); `--flag` as (flag, nil).
    static func split(_ token: String) -> (String, String?) {
        guard token.hasPrefix("--"), let equals = token.firstIndex(of: "=") else { return (token, nil) }
        return (String(token[..<equals]), String(token[token.index(after: equals)...]))
    }
}

/// Mutations of a config's structure and values.
struct TreeMutator {
    /// Every key of every base config, sorted: renamed, added and moved keys come from here.
    var keys: [String]
    /// Paths a path-valued key may be set to (inputs, special files, folders, missing folders).
    var paths: [String]

    func mutate(_ tree: inout YAMLTree, _ rng: inout FuzzRandom) -> String {
        let all = tree.paths
        let pairs = all.filter { if case .pair = $0.last { return true }; return false }
        let scalars = all.filter { if case .scalar = tree[$0[...]] { return true }; return false }
        let lists = all.filter { if case .list = tree[$0[...]] { return true }; return false }
        let maps = all.filter { if case .map = tree[$0[...]] { return true }; return false }
        func name(_ path: [YAMLTree.Step]) -> String { describe(tree, path) }

        switch rng.int(16) {
        case 0...5 where !scalars.isEmpty:
            let path = rng.pick(scalars)
            guard case .scalar(let old) = tree[path[...]] else { break }
            let new = scalar(key: tree.key(at: path), current: old, &rng)
            tree[path[...]] = .scalar(new)
            return "set \(name(path)) = \(new)"
        case 6 where !pairs.isEmpty:
            let path = rng.pick(pairs)
            let described = name(path)
            let (map, i) = split(path)
            editPairs(&tree, of: map) { $0.remove(at: i) }
            return "deleted \(described)"
        case 7 where !pairs.isEmpty:
            let path = rng.pick(pairs)
            let value = rng.chance(0.5) ? tree[path[...]] : .scalar(scalar(key: tree.key(at: path), current: "1", &rng))
            let (map, i) = split(path)
            editPairs(&tree, of: map) { $0.insert(.init(key: $0[i].key, value: value), at: i + 1) }
            return "duplicated \(name(path))"
        case 8 where !pairs.isEmpty:
            let path = rng.pick(pairs)
            let described = name(path)
            let key = rng.chance(0.6) ? rng.pick(keys) : Pools.misspelled(tree.key(at: path) ?? "", &rng)
            let (map, i) = split(path)
            editPairs(&tree, of: map) { $0[i].key = key }
            return "renamed \(described) to \(key)"
        case 9 where pairs.count >= 2:
            let a = rng.pick(pairs), b = rng.pick(pairs)
            guard !a.starts(with: b), !b.starts(with: a) else { break }
            let value = tree[a[...]]
            tree[a[...]] = tree[b[...]]
            tree[b[...]] = value
            return "swapped the values of \(name(a)) and \(name(b))"
        case 10 where !pairs.isEmpty:
            let path = rng.pick(pairs)
            let described = name(path)
            var moved: YAMLTree.Pair?
            let (map, i) = split(path)
            editPairs(&tree, of: map) { moved = $0.remove(at: i) }
            let targets = tree.paths.filter { if case .map = tree[$0[...]] { return true }; return false }
            guard let moved, let target = targets.isEmpty ? nil : rng.pick(targets) else { break }
            let position = rng.next()
            editPairs(&tree, of: target) { $0.insert(moved, at: Int(position % UInt64($0.count + 1))) }
            return "moved \(described) into \(name(target))"
        case 11:
            let path = rng.pick(all)
            tree[path[...]] = retyped(tree[path[...]], key: tree.key(at: path) ?? "x", &rng)
            return "changed the type of \(name(path)) to \(tree[path[...]].inline.prefix(40))"
        case 12 where !lists.isEmpty || !maps.isEmpty:
            let path = rng.pick(lists + maps)
            if case .list = tree[path[...]] { tree[path[...]] = .list([]) } else { tree[path[...]] = .map([]) }
            return "emptied \(name(path))"
        case 13 where !lists.isEmpty:
            let path = rng.pick(lists)
            guard case .list(var items) = tree[path[...]] else { break }
            switch rng.int(5) {
            case 0: tree[path[...]] = .list([.list(items)])
            case 1 where !items.isEmpty: let i = rng.int(items.count); items[i] = .list([items[i]]); tree[path[...]] = .list(items)
            case 2 where !items.isEmpty: items.remove(at: rng.int(items.count)); tree[path[...]] = .list(items)
            case 3 where !items.isEmpty: let i = rng.int(items.count); items.insert(items[i], at: i); tree[path[...]] = .list(items)
            default: items.append(.scalar(rng.pick(Pools.numbers + Pools.yamlNonNumbers))); tree[path[...]] = .list(items)
            }
            return "changed the items of \(name(path)) to \(tree[path[...]].inline.prefix(60))"
        case 14 where !maps.isEmpty:
            let target = rng.pick(maps)
            let key = rng.pick(keys)
            let value = YAMLTree.scalar(scalar(key: key, current: "1", &rng))
            let position = rng.next()
            editPairs(&tree, of: target) { $0.insert(.init(key: key, value: value), at: Int(position % UInt64($0.count + 1))) }
            return "added \(key): \(value.inline) to \(name(target))"
        case 15:
            tree = rng.chance(0.5) ? .list([tree]) : .scalar(rng.pick(["~", "1", "abc", "[]", "\"\""]))
            return "replaced the document by \(tree.inline.prefix(30))"
        default:
            break
        }
        // The chosen operation did not apply to this document: set a scalar instead.
        guard let path = scalars.isEmpty ? nil : rng.pick(scalars) else { return "unchanged" }
        let new = rng.pick(Pools.numbers)
        tree[path[...]] = .scalar(new)
        return "set \(name(path)) = \(new)"
    }

    /// A replacement for the scalar `current` of `key`.
    func scalar(key: String?, current: String, _ rng: inout FuzzRandom) -> String {
        if let key, let choices = Pools.choices(for: key), rng.chance(0.5) {
            return rng.chance(0.7) ? rng.pick(choices) : Pools.misspelled(rng.pick(choices), &rng)
        }
        if let key, Pools.pathKeys.contains(key), rng.chance(0.6) { return rng.pick(paths) }
        if let value = Double(current), rng.chance(0.2) {
            return "\(value * rng.pick([-1, 10, 0.1, 1e6, 1e-6, 1e15, -1e15, 1 + 1e-12]))"
        }
        return rng.chance(0.65) ? rng.pick(Pools.numbers) : rng.chance(0.8) ? rng.pick(Pools.yamlNonNumbers) : Pools.misspelled(current, &rng)
    }

    private func retyped(_ node: YAMLTree, key: String, _ rng: inout FuzzRandom) -> YAMLTree {
        switch node {
        case .scalar: return rng.pick([.list([node]), .map([.init(key: key, value: node)]), .list([]), .map([])])
        case .list(let items): return rng.pick([items.first ?? .scalar("1"), .scalar("1"), .map([.init(key: key, value: node)])])
        case .map(let pairs): return rng.pick([.scalar("1"), .list(pairs.map(\.value)), .list([node])])
        }
    }

    /// Edits the pairs of the mapping at `map`.
    private func editPairs(_ tree: inout YAMLTree, of map: [YAMLTree.Step], _ edit: (inout [YAMLTree.Pair]) -> Void) {
        guard case .map(var pairs) = tree[map[...]] else { return }
        edit(&pairs)
        tree[map[...]] = .map(pairs)
    }

    /// The mapping a pair's path ends in, and the pair's index there.
    private func split(_ path: [YAMLTree.Step]) -> ([YAMLTree.Step], Int) {
        guard case .pair(let i) = path.last else { preconditionFailure("not a pair: \(path)") }
        return (Array(path.dropLast()), i)
    }

    private func describe(_ tree: YAMLTree, _ path: [YAMLTree.Step]) -> String {
        var parts: [String] = []
        var node = tree
        for step in path {
            switch (node, step) {
            case (.map(let pairs), .pair(let i)): parts.append(pairs[i].key); node = pairs[i].value
            case (.list(let items), .item(let i)): parts.append("[\(i)]"); node = items[i]
            default: break
            }
        }
        return parts.isEmpty ? "the document" : parts.joined(separator: ".")
    }
}

/// Mutations of a file's bytes: structure truncated, lines deleted, doubled, swapped or re-indented,
/// junk inserted; in JSON files also numbers replaced and keys renamed.
enum TextMutator {
    static func mutate(_ bytes: inout [UInt8], json: Bool, _ rng: inout FuzzRandom) -> String {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        func joined() -> [UInt8] { Array(lines.joined(separator: [UInt8(ascii: "\n")])) }
        switch rng.int(json ? 9 : 7) {
        case 0:
            let cut = rng.int(bytes.count + 1)
            bytes = Array(bytes.prefix(cut))
            return "truncated at byte \(cut) of \(lines.count) lines"
        case 1:
            let i = rng.int(lines.count)
            lines.remove(at: i)
            bytes = joined()
            return "deleted line \(i + 1)"
        case 2:
            let i = rng.int(lines.count)
            lines.insert(lines[i], at: i)
            bytes = joined()
            return "doubled line \(i + 1)"
        case 3:
            let i = rng.int(lines.count), j = rng.int(lines.count)
            lines.swapAt(i, j)
            bytes = joined()
            return "swapped lines \(i + 1) and \(j + 1)"
        case 4:
            let i = rng.int(lines.count)
            if rng.chance(0.5), lines[i].first == UInt8(ascii: " ") { lines[i].removeFirst() } else {
                lines[i].insert(contentsOf: rng.pick([[0x20], [0x20, 0x20], [0x09]]), at: 0)
            }
            bytes = joined()
            return "re-indented line \(i + 1)"
        case 5:
            let junk = rng.pick(Pools.junk)
            let at = rng.int(bytes.count + 1)
            bytes.insert(contentsOf: junk, at: at)
            return "inserted \(String(decoding: junk, as: UTF8.self).debugDescription) at byte \(at)"
        case 6:
            bytes = Array(Pools.aliasBomb.utf8) + bytes
            return "prepended an alias bomb"
        case 7:
            let text = String(decoding: bytes, as: UTF8.self)
            let numbers = matches(of: #"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?"#, in: text)
            guard !numbers.isEmpty else { return "unchanged" }
            let range = rng.pick(numbers)
            let new = rng.pick(["0", "-0", "1e-300", "1e300", "-1e300", "1e999", "NaN", "Infinity", "-Infinity", "null", "\"3\"",
                                "9223372036854775807", "9223372036854775808", "9007199254740993", "-1", "[]", "{}", "true", "1.5"])
            let old = text[range]
            bytes = Array((text.replacingCharacters(in: range, with: new)).utf8)
            return "replaced the number \(old) by \(new)"
        default:
            let text = String(decoding: bytes, as: UTF8.self)
            let keys = matches(of: #""[A-Za-z0-9]+" *:"#, in: text)
            guard !keys.isEmpty else { return "unchanged" }
            let range = rng.pick(keys)
            let key = String(text[range]).split(separator: "\"")[0]
            let new = rng.chance(0.5) ? Pools.misspelled(String(key), &rng) : rng.pick(["bags", "measurement", "settings", "u4", ""])
            bytes = Array(text.replacingCharacters(in: range, with: "\"\(new)\" :").utf8)
            return "renamed the key \(key) to \(new)"
        }
    }

    private static func matches(of pattern: String, in text: String) -> [Range<String.Index>] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text) }
    }
}

/// Mutations of a command line: flags dropped, doubled, added (from any subcommand) or given bad
/// values, tokens swapped, the subcommand changed, the config argument pointed elsewhere.
struct CommandMutator {
    enum Kind { case flag, number, path, choice([String]), compound }

    /// Every flag of every subcommand and what its value is.
    static let flags: [(command: String, flag: String, kind: Kind)] = {
        let truncation: [(String, Kind)] = [
            ("--scheme", .choice(["wetterich", "polchinski"])), ("--truncation", .choice(["lpa", "lpa-prime", "derivative2", "full-potential"])),
            ("--expansion", .choice(["zero", "minimum", "both"])), ("--dimension", .number), ("--order", .number),
            ("--regulator", .choice(["litim", "exponential"])),
        ]
        // The output contract's flags, on every command (docs/outputs.md).
        let output: [(String, Kind)] = [("--format", .choice(["text", "latex", "json", "csv"])), ("--output", .path), ("-o", .path)]
        let perCommand: [(String, [(String, Kind)])] = [
            ("beta", truncation + output + [("--at", .compound)]),
            ("fixed-points", truncation + [
                ("--starts", .number), ("--seed", .number), ("--width", .number), ("--basis", .number), ("--json", .flag),
                ("--convergence", .compound), ("--plot", .path), ("--deviation-plot", .path), ("--csv", .path), ("--dimension-sweep", .compound),
            ] + output),
            ("flow", output + [("--plot", .path), ("--rows", .number), ("--set", .compound)]),
            ("sample", [
                ("--width", .number), ("--sigma-w", .number), ("--sigma-b", .number), ("--nets", .number), ("--bags", .number),
                ("--seed", .number), ("--points", .compound), ("--grid", .compound), ("--dimension", .number),
                ("--architecture", .choice(["gaussnet", "cosnet"])), ("--threads", .number),
                ("--estimator", .choice(["direct", "conditional", "marginal", "importance"])), ("--json", .path), ("--csv", .path),
                ("--state", .path), ("--no-resume", .flag),
            ] + output),
            ("compare", [("--output-dir", .path), ("--cache", .path), ("--no-cache", .flag), ("--threads", .number)] + output),
        ]
        return perCommand.flatMap { command, flags in flags.map { (command, $0.0, $0.1) } }
    }()
    static let commands = ["beta", "fixed-points", "flow", "sample", "compare"]

    /// Paths an output or config argument may be set to.
    var paths: [String]
    /// The config argument, if the line has one (it is the first argument not starting with "-").
    var config: String?

    func mutate(_ arguments: inout [String], _ rng: inout FuzzRandom) -> String {
        let command = arguments.first ?? ""
        let known = Self.flags.filter { $0.command == command }
        let valued = arguments.indices.dropFirst().filter { i in
            known.contains { $0.flag == arguments[i] && !isFlag($0.kind) } && i + 1 < arguments.count
        }
        switch rng.int(10) {
        case 0 where arguments.count > 1:
            let i = 1 + rng.int(arguments.count - 1)
            let dropped = arguments.remove(at: i)
            return "dropped \(dropped)"
        case 1 where !valued.isEmpty:
            let i = rng.pick(valued)
            let flag = arguments[i]
            arguments.removeSubrange(i...(i + 1))
            return "dropped \(flag) and its value"
        case 2 where !valued.isEmpty:
            let i = rng.pick(valued)
            let value = rng.chance(0.5) ? arguments[i + 1] : self.value(for: kind(of: arguments[i], command), current: arguments[i + 1], &rng)
            arguments += [arguments[i], value]
            return "repeated \(arguments[i]) with \(value)"
        case 3...4 where !valued.isEmpty:
            let i = rng.pick(valued)
            let value = self.value(for: kind(of: arguments[i], command), current: arguments[i + 1], &rng)
            arguments[i + 1] = value
            return "set \(arguments[i]) to \(value.debugDescription)"
        case 5:
            let spec = rng.chance(0.8) && !known.isEmpty ? rng.pick(known) : rng.pick(Self.flags)
            let at = 1 + rng.int(arguments.count)
            let added = isFlag(spec.kind) ? [spec.flag] : [spec.flag, value(for: spec.kind, current: "1", &rng)]
            arguments.insert(contentsOf: added, at: min(at, arguments.count))
            return "added \(added.joined(separator: " "))"
        case 6 where arguments.count > 2:
            let i = 1 + rng.int(arguments.count - 1), j = 1 + rng.int(arguments.count - 1)
            arguments.swapAt(i, j)
            return "swapped arguments \(i) and \(j)"
        case 7:
            let new = rng.pick(Self.commands + ["", "Beta", "help", "--version", "-h", "fixed-point"])
            arguments[0] = new
            return "changed the subcommand to \(new.debugDescription)"
        case 8 where config != nil:
            guard let i = arguments.firstIndex(of: config!) else { break }
            let new = rng.pick(paths + ["missing.yaml", "victim.txt", "-", ""])
            arguments[i] = new
            return "config argument \(new.debugDescription)"
        default:
            let junk = rng.pick(["--", "-", "--=", "=", "-x", "--no-such-flag", "—dimension", "--dimension=3", "--order=4", "-o", "'", "\u{FEFF}"])
            let at = 1 + rng.int(arguments.count)
            arguments.insert(junk, at: min(at, arguments.count))
            return "inserted \(junk.debugDescription)"
        }
        let i = arguments.count > 1 ? 1 + rng.int(arguments.count - 1) : 0
        arguments.insert("--help", at: i)
        return "inserted --help"
    }

    private func isFlag(_ kind: Kind) -> Bool { if case .flag = kind { return true }; return false }

    private func kind(of flag: String, _ command: String) -> Kind {
        Self.flags.first { $0.command == command && $0.flag == flag }?.kind ?? .number
    }

    private func value(for kind: Kind, current: String, _ rng: inout FuzzRandom) -> String {
        switch kind {
        case .flag, .number:
            return rng.chance(0.75) ? rng.pick(Pools.numbers) : rng.pick(Pools.cliNonNumbers)
        case .path:
            return rng.pick(paths)
        case .choice(let values):
            return rng.chance(0.6) ? rng.pick(values) : rng.chance(0.5) ? Pools.misspelled(rng.pick(values), &rng) : rng.pick(["", "x", "1"])
        case .compound:
            // A number inside replaced, an item dropped or doubled, or a separator changed.
            var parts = current.split(omittingEmptySubsequences: false) { $0 == "," || $0 == ":" || $0 == ";" }.map(String.init)
            let separator = current.first { $0 == "," || $0 == ":" || $0 == ";" }.map(String.init) ?? ","
            switch rng.int(4) {
            case 0:
                let i = rng.int(parts.count)
                let number = rng.chance(0.75) ? rng.pick(Pools.numbers) : rng.pick(Pools.cliNonNumbers)
                if let equals = parts[i].firstIndex(of: "=") { parts[i] = parts[i][...equals] + number } else { parts[i] = number }
                return parts.joined(separator: separator)
            case 1 where parts.count > 1:
                parts.remove(at: rng.int(parts.count))
                return parts.joined(separator: separator)
            case 2:
                let i = rng.int(parts.count)
                parts.insert(parts[i], at: i)
                return parts.joined(separator: separator)
            default:
                return parts.joined(separator: rng.pick([",", ":", ";", " ", ""]))
            }
        }
    }
}
