import Foundation

/// One mutant: the files of its sandbox (paths relative to the sandbox, which mirrors the
/// repository's layout) and the command line run there.
struct FuzzCase {
    var index: Int
    var base: String
    var arguments: [String]
    var files: [(path: String, data: Data)]
    var mutations: [String]
}

/// The seeds of the mutations: the shipped configs (`flows/*.yaml`; `examples/**/*.yaml`: flows,
/// `sample.yaml`, the compare configs) with the command that runs each, and the command lines of
/// README.md and the examples' READMEs. Workload keys are shrunk so that every base runs in about a
/// second in a debug build (`Workload` keeps mutants that cheap).
struct Corpus {
    struct Base {
        var name: String
        var arguments: [String]
        /// Sandbox path of the YAML file the command reads, and its document (shrunk).
        var config: String?
        var tree: YAMLTree?
        /// Files the config reads (measured couplings), by sandbox path.
        var references: [(path: String, data: Data)]
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Special files every sandbox holds, which no output may replace or write through.
    static let link = "link.csv", linkTarget = "victim.txt", folder = "adir", fifo = "fifo"

    var bases: [Base] = []
    var keys: [String] = []

    /// Command lines without a config (README.md and the examples' READMEs, workloads shrunk).
    static let commandLines: [[String]] = [
        ["beta", "--dimension", "1", "--order", "6", "--at", "u2=-0.1,u4=0.5,u6=1"],
        ["beta", "--dimension", "3", "--order", "6", "--format", "json", "--at", "u2=-0.1,u4=0.5,u6=1"],
        ["beta", "--dimension", "3", "--truncation", "lpa-prime", "--expansion", "minimum", "--order", "4", "--format", "latex"],
        ["beta", "--dimension", "3", "--truncation", "derivative2", "--expansion", "minimum", "--order", "4"],
        ["beta", "--dimension", "3", "--scheme", "polchinski", "--order", "6"],
        ["beta", "--dimension", "3", "--scheme", "polchinski", "--truncation", "derivative2", "--regulator", "exponential", "--order", "6"],
        ["fixed-points", "--dimension", "3.96", "--scheme", "polchinski", "--truncation", "derivative2", "--regulator", "exponential",
         "--order", "8", "--starts", "20"],
        ["beta", "--dimension", "2", "--regulator", "exponential", "--order", "4"],
        ["beta", "--dimension", "3", "--truncation", "derivative2", "--expansion", "zero", "--order", "6"],
        ["beta", "--dimension", "3", "--truncation", "lpa-prime", "--expansion", "minimum", "--regulator", "exponential",
         "--prefactor", "2", "--order", "4"],
        ["fixed-points", "--dimension", "3", "--truncation", "derivative2", "--expansion", "minimum", "--regulator", "exponential",
         "--order", "4", "--pms-scan", "1:2:0.5", "--starts", "20"],
        ["fixed-points", "--dimension", "3", "--order", "6", "--starts", "20"],
        ["fixed-points", "--dimension", "1", "--order", "6", "--starts", "20", "--format", "json"],
        ["fixed-points", "--dimension", "3", "--order", "6", "--starts", "20", "--format", "csv", "--output", "-"],
        ["beta", "--dimension", "3", "--order", "6", "--format", "csv", "--output", "beta.csv"],
        ["fixed-points", "--truncation", "full-potential", "--dimension", "3", "--plot", "potential.svg"],
        ["fixed-points", "--truncation", "full-potential", "--scheme", "polchinski", "--dimension", "3", "--basis", "20"],
        ["fixed-points", "--scheme", "polchinski", "--truncation", "derivative2", "--expansion", "full", "--regulator", "exponential",
         "--dimension", "3", "--basis", "24"],
        ["fixed-points", "--scheme", "polchinski", "--truncation", "derivative2", "--expansion", "full", "--regulator", "exponential",
         "--normalization", "minimum", "--dimension", "3.9", "--basis", "24", "--format", "json"],
        ["fixed-points", "--dimension", "3", "--expansion", "both", "--convergence", "4:8", "--format", "csv", "--output", "convergence.csv",
         "--plot", "convergence.svg", "--deviation-plot", "deviation.svg"],
        ["fixed-points", "--dimension-sweep", "3.99:3:0.25", "--order", "4", "--starts", "10", "--format", "csv", "--output", "sweep.csv",
         "--plot", "sweep.svg"],
        ["sample", "--width", "10", "--sigma-w", "1", "--sigma-b", "1", "--nets", "10", "--bags", "2", "--seed", "1",
         "--estimator", "importance", "--points", "-0.006,-0.002,0.002,0.006", "--format", "json", "--output", "run.json"],
        ["sample", "--width", "10", "--nets", "10", "--bags", "2", "--points", "-0.006,0.006", "--format", "csv", "-o", "-"],
        ["sample", "--width", "5", "--nets", "10", "--bags", "2", "--grid", "-1:1:3", "--dimension", "2", "--architecture", "cosnet", "--state", "state"],
        ["sample", "--width", "10", "--nets", "10", "--bags", "2", "--estimator", "marginal", "--points", "-0.006,-0.002,0.002,0.006",
         "--no-resume", "--threads", "1"],
        ["sample", "--width", "10", "--nets", "10", "--bags", "2", "--estimator", "conditional", "--points", "-0.01,0,0.01"],
    ]

    /// Extra flags some config commands are also run with (output flags of the READMEs).
    static let variants: [(config: String, flags: [String])] = [
        ("flows/wf-d3-broken.yaml", ["--output", "out/wf.json", "--format", "json", "--plot", "out/wf.svg", "--rows", "5"]),
        ("examples/nn-passive-flow/stabilized.yaml", ["--output", "stabilized.csv", "--plot", "stabilized.svg"]),
        ("examples/sample.yaml", ["--format", "csv", "--output", "s.csv", "--state", "st", "--threads", "1"]),
        ("flows/wf-d3-broken.yaml", ["--set", "range.tEnd=-2", "--format", "csv", "-o", "-"]),
        ("examples/u4-vs-width/config.yaml", ["--output-dir", "cmp", "--cache", "cache", "--threads", "1"]),
        ("examples/u4-vs-width/config.yaml", ["--format", "csv", "--output", "-", "--no-cache", "--threads", "1"]),
        ("examples/couplings-vs-sigmaW/config.yaml", ["--no-cache"]),
    ]

    init() throws {
        let manager = FileManager.default
        func yamlFiles(_ folder: String) -> [String] {
            ((try? manager.contentsOfDirectory(atPath: Self.repository.appendingPathComponent(folder).path)) ?? [])
                .filter { $0.hasSuffix(".yaml") }.sorted().map { folder + "/" + $0 }
        }
        let exampleFolders = ((try? manager.contentsOfDirectory(atPath: Self.repository.appendingPathComponent("examples").path)) ?? []).sorted()
        var configs = yamlFiles("flows").map { ("flow", $0) } + yamlFiles("examples").map { ("sample", $0) }
        for folder in exampleFolders {
            let files = yamlFiles("examples/" + folder)
            configs += files.map { (folder == "nn-passive-flow" ? "flow" : "compare", $0) }
        }
        for (command, path) in configs {
            let text = try String(contentsOf: Self.repository.appendingPathComponent(path), encoding: .utf8)
            var tree = try YAMLTree(yaml: text)
            Self.shrink(&tree)
            let references = try Self.references(of: tree, config: path)
            let flagSets = [[]] + Self.variants.filter { $0.config == path }.map(\.flags)
            for flags in flagSets {
                bases.append(Base(name: ([command, path] + flags).joined(separator: " "), arguments: [command, path] + flags,
                                  config: path, tree: tree, references: references))
            }
        }
        bases += Self.commandLines.map { Base(name: $0.joined(separator: " "), arguments: $0, config: nil, tree: nil, references: []) }
        var allKeys: [String] = []
        for base in bases {
            for path in base.tree?.paths ?? [] where !path.isEmpty {
                if case .pair = path.last, let key = base.tree?.key(at: path), !allKeys.contains(key) { allKeys.append(key) }
            }
        }
        keys = allKeys.sorted()
    }

    /// The bases' workload keys set to small values: 11 output samples, 101 grid points, bags of
    /// 10 networks, 2 bags, the first 3 inputs, 3 sweep points, 2 measurements.
    static func shrink(_ tree: inout YAMLTree) {
        tree.updateScalars(under: "samples") { Workload.capped($0, 11) }
        tree.updateScalars(under: "gridPoints") { Workload.capped($0, 101) }
        tree.updateScalars(under: "netsPerBag") { _ in "10" }
        tree.updateScalars(under: "bags") { _ in "2" }
        // The config's own first three inputs, not fixed ones: an architecture has its domain (ReLU
        // at σ_b = 0 needs inputs of one sign, or K vanishes between them and m_n is refused). Three:
        // the Erf-net's exact six-point moments are quadratures, 28 for 3 inputs against 84 for 4
        // (a debug compare of examples/hms-erf: 1.7 s against 5.1 s of CPU).
        tree.updateLists(under: "inputs") { Array($0.prefix(3)) }
        tree.updateLists(under: "widths") { Array($0.prefix(3)) }
        tree.updateLists(under: "sigmaW") { $0.count > 2 ? Array($0.prefix(3)) : $0 }
        tree.updateLists(under: "cutoffs") { Array($0.prefix(3)) }
        tree.updateLists(under: "measured") { Array($0.prefix(2)) }
    }

    /// The files a config reads (`measured`, `measurement`), relative to its folder, as sandbox paths.
    static func references(of tree: YAMLTree, config: String) throws -> [(path: String, data: Data)] {
        let folder = Self.repository.appendingPathComponent(config).deletingLastPathComponent()
        let root = Self.repository.standardizedFileURL.path + "/"
        return try (tree.scalars(under: "measured") + tree.scalars(under: "measurement")).compactMap { reference in
            let url = folder.appendingPathComponent(reference).standardizedFileURL
            guard url.path.hasPrefix(root), FileManager.default.fileExists(atPath: url.path) else { return nil }
            return (String(url.path.dropFirst(root.count)), try Data(contentsOf: url))
        }
    }

    /// Case `index` of `seed`: a base and one to three mutations (one in 60 % of cases) of its config,
    /// of a file the config reads, or of its command line; then the workload rule.
    func makeCase(seed: UInt64, index: Int) -> FuzzCase {
        var rng = FuzzRandom(seed: seed, index: index)
        let base = rng.pick(bases)
        var arguments = base.arguments
        var tree = base.tree
        var references = base.references
        var configText: [UInt8]? = nil
        var mutations: [String] = []
        let paths = pathCandidates(base)
        let command = CommandMutator(paths: paths, config: base.config)
        let treeMutator = TreeMutator(keys: keys, paths: paths)
        var textMutations = 0
        let count = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3][rng.int(10)]
        for _ in 0..<count {
            let target = rng.int(100)
            if var document = tree, target < 55 {
                mutations.append(treeMutator.mutate(&document, &rng))
                tree = document
            } else if tree != nil, target < 72 {
                textMutations += 1
            } else if !references.isEmpty, target < 82 {
                let r = rng.int(references.count)
                var bytes = [UInt8](references[r].data)
                mutations.append(references[r].path + ": " + TextMutator.mutate(&bytes, json: true, &rng))
                references[r].data = Data(bytes)
            } else {
                mutations.append(command.mutate(&arguments, &rng))
            }
        }
        if var document = tree {
            Workload.apply(to: &document, command: base.arguments[0])
            var bytes = Array(document.text.utf8)
            for _ in 0..<textMutations {
                var mutated = bytes
                let description = TextMutator.mutate(&mutated, json: false, &rng)
                if Workload.reachesExpensiveDefault(mutated, command: base.arguments[0]) {
                    mutations.append("config text: not " + description + " (it would reach an expensive default: 30 000 networks per bag, or the Erf-net's six inputs)")
                } else {
                    bytes = mutated
                    mutations.append("config text: " + description)
                }
            }
            configText = bytes
        }
        Workload.apply(to: &arguments)
        var files = references
        if let config = base.config, let configText { files.append((config, Data(configText))) }
        return FuzzCase(index: index, base: base.name, arguments: arguments, files: files, mutations: mutations)
    }

    /// Inputs, special files, folders and missing folders, relative to the working directory and
    /// to the config's folder (output keys of configs use either).
    private func pathCandidates(_ base: Base) -> [String] {
        var paths = [Self.link, Self.fifo, Self.folder, "nodir/sub/out.csv", ".", ""] + base.references.map(\.path)
        if let config = base.config {
            paths.append(config)
            let depth = config.split(separator: "/").count - 1
            let up = Array(repeating: "..", count: depth).joined(separator: "/")
            paths += [(config as NSString).lastPathComponent, up + "/" + Self.link, up + "/" + Self.fifo, up + "/" + Self.folder]
            paths += base.references.map { up + "/" + $0.path }
        }
        return paths
    }
}
