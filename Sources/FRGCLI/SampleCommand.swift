import ArgumentParser
import Cluster
import FRGConfig
import Foundation
import TextOutput
import GaussNet
import Reports

/// `frg sample`: measure G^(n), m_n, u4 and u6 from an embedded one-hidden-layer ensemble.
///
/// The command only turns flags into `SamplerSettings` (`makeSettings()`); everything after that is
/// `SampleRun.execute(settings:output:)`, so a config file can fill the same settings. The
/// architectures listed in the help come from `ArchitectureKind`.
public struct SampleCommand: ParsableCommand, DistributedCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Sample a one-hidden-layer network ensemble (\(ArchitectureKind.allCases.map { $0.architectureType.displayName }.joined(separator: ", "))); measure G^(n), m_n, u4, u6 against exact finite-width formulas.",
        discussion: """
            f(x) = Σ_i W1_i g_i(x) + b1 with W1 ~ N(0, σ_W²/N), b1 ~ N(0, σ_b²) and the neuron g of the \
            architecture (PHYSICS.md §2): \(architectureList). Per bag: G^(n) for n = 2, 4, 6 over every \
            multiset of input points; across bags: mean, background (std over bags), Gaussian G_0, ΔG, \
            m_n, u4 = −ΔG^(4)/N_K and u6, with the exact finite-width predictions beside them. Same seed \
            ⇒ identical numbers for any --threads. Finished bags are kept in --state \
            (<state>/sample-<run key>/bag-NNNN.json, each with a SHA-256 of its numbers and settings); \
            rerunning the same command resumes, and a bag that fails its checksum is sampled again.
            """
    )

    /// `gaussnet: g(x) = …; cosnet: g(x) = …`, from the registry.
    static var architectureList: String {
        ArchitectureKind.allCases.map { "\($0.rawValue): \($0.architectureType.neuronFormula)" }.joined(separator: "; ")
    }

    @Argument(help: "A sampling configuration (YAML or JSON; keys in examples/README.md; '-' reads it from stdin). Cannot be combined with the sampling flags below; --set, --format, --output, --state, --no-resume and --threads override the file.")
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("With a config: override one of its keys, validated like the file (repeatable), e.g. --set width=20.", valueName: "key.path=value"))
    var overrides: [String] = []

    @OptionGroup var out: OutputOptions

    @Option(parsing: .unconditional, help: "Hidden width N (default 10).") var width: Int?
    @Option(name: .customLong("sigma-w"), parsing: .unconditional, help: "σ_W, from 1e-6 to 1e6 (default 1).") var sigmaW: Double?
    @Option(name: .customLong("sigma-b"), parsing: .unconditional, help: "σ_b (default 1).") var sigmaB: Double?
    @Option(parsing: .unconditional, help: "Networks per bag, ≥ \(SamplerSettings.minimumNetsPerBag) (default 30000).") var nets: Int?
    @Option(parsing: .unconditional, help: "Number of bags, ≥ 2 (default 30).") var bags: Int?
    @Option(parsing: .unconditional, help: "Random seed (default 1).") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Input points: comma-separated numbers (d = 1), or points separated by ';' with components by ',' (d > 1). Default: the architecture's (the paper's six for gaussnet and cosnet; HMS's for relu, erf, tanh).")
    var points: String?
    @Option(parsing: .unconditional, help: "Regular grid of inputs instead of --points: LOWER:UPPER:COUNT per axis, with --dimension axes.")
    var grid: String?
    @Option(parsing: .unconditional, help: "Input dimension d for --grid (with --points it is inferred, and checked when given).") var dimension: Int?
    @Option(help: "Architecture (default gaussnet).") var architecture: ArchitectureKind?
    @Option(parsing: .unconditional, help: "Integration cutoff Λ of N_K, I_6, I_3|3 over [−Λ, Λ]^d for relu, erf, tanh, whose kernels are not translation invariant (default 1).") var cutoff: Double?
    @Option(parsing: .unconditional, help: "Worker threads (0 = all cores, the default). Does not change the numbers.") var threads: Int?
    @Option(help: "Estimator (default direct): direct samples everything, conditional integrates W1, b1 out exactly, marginal also integrates the neuron's random amplitude out, with its heavy tail (needs \(ArchitectureKind.marginalEstimatorRequirements)); importance samples whole networks from a proposal that over-samples the Gauss-net's rare large e^{b0} amplitudes and gives each neuron its importance weight, so its u4, u6 errors are honest where the direct ones understate (Gauss-net only, σ_b up to about 3.5; any inputs, fastest on equally spaced 1-d ones).")
    var estimator: Estimator?
    /// Old spellings, refused with their replacement (docs/outputs.md).
    @Option(help: .hidden) var json: String?
    @Option(help: .hidden) var csv: String?
    @Option(help: "Directory for resumable per-bag state (default .frg-state).") var state: String?
    @Flag(help: "Ignore and overwrite saved bags of an earlier identical run.") var noResume = false

    public init() {}

    /// Flag syntax and combinations; the values themselves are judged by `SamplerSettings.validate()`.
    public func validate() throws {
        if let json { throw ValidationError("--json was replaced by --format json --output \(json)") }
        if let csv { throw ValidationError("--csv was replaced by --format csv --output FILE (one tidy table; \(csv) was a folder)") }
        if out.format == .latex { throw ValidationError("--format latex is for frg beta; sample writes text, json or csv") }
        if config == nil, !overrides.isEmpty {
            throw ValidationError("--set overrides keys of a config file; without one, give the sampling flags")
        }
        if let config {
            let given = samplingFlagsGiven
            guard given.isEmpty else {
                throw ValidationError("a config file and the sampling flags \(given.joined(separator: ", ")) cannot be combined; put the values in \(config)")
            }
        }
        if points != nil && grid != nil { throw ValidationError("give --points or --grid, not both") }
        if let threads, !(0...SamplerSettings.maximumThreads).contains(threads) {
            throw ValidationError("--threads must be from 0 (all cores) to \(SamplerSettings.maximumThreads), got \(threads)")
        }
        if let dimension, !(1...SamplerSettings.maximumInputDimension).contains(dimension) {
            throw ValidationError("--dimension must be from 1 to \(SamplerSettings.maximumInputDimension), got \(dimension)")
        }
        if dimension != nil, grid == nil, points == nil {
            throw ValidationError("--dimension needs --grid (the number of axes) or --points (checked against them); without them the inputs are the architecture's default 1-d points")
        }
        if let nets, nets < SamplerSettings.minimumNetsPerBag {
            throw ValidationError("--nets: \(SamplerError.invalidNetsPerBag(nets).description)")
        }
        if let grid, gridAxis == nil { throw ValidationError("--grid must be LOWER:UPPER:COUNT, got '\(grid)'") }
        if points != nil { _ = try parsedPoints() }
    }

    /// `--grid LOWER:UPPER:COUNT`.
    var gridAxis: (lower: Double, upper: Double, count: Int)? {
        guard let grid else { return nil }
        let parts = grid.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let lower = parts[0], let upper = parts[1], let count = parts[2],
              count == count.rounded(), count >= 1, count <= Double(Int32.max) else { return nil }
        return (lower, upper, Int(count))
    }

    /// `--points "a,b,c"` (d = 1) or `"a,b;c,d"` (points separated by `;`, components by `,`).
    func parsedPoints() throws -> [[Double]] {
        let text = points ?? ""
        let perPointComponents = text.contains(";")
        let groups = (perPointComponents ? text.split(separator: ";") : text.split(separator: ",")).map(String.init)
        var result: [[Double]] = []
        for group in groups {
            var point: [Double] = []
            for field in perPointComponents ? group.split(separator: ",").map(String.init) : [group] {
                guard let value = Double(field.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw ValidationError("--points: '\(field)' is not a finite number")
                }
                point.append(value)
            }
            result.append(point)
        }
        guard !result.isEmpty else { throw ValidationError("--points is empty") }
        return result
    }

    /// The settings these flags describe, validated (`SamplerError` for values out of range).
    public func makeSettings() throws -> SamplerSettings {
        let inputs: [[Double]]
        if let axis = gridAxis {
            inputs = try SamplerSettings.gridInputs(lower: axis.lower, upper: axis.upper, count: axis.count,
                                                    inputDimension: dimension ?? 1)
        } else if points != nil {
            inputs = try parsedPoints()
            if let dimension, inputs.first?.count != dimension {
                throw UsageError("--dimension \(dimension) does not match the points' \(inputs.first?.count ?? 0) components")
            }
        } else {
            inputs = (architecture ?? .gaussNet).architectureType.defaultInputs
        }
        let settings = SamplerSettings(
            architecture: architecture ?? .gaussNet, inputDimension: inputs.first?.count ?? 1, sigmaW: sigmaW ?? 1,
            sigmaB: sigmaB ?? 1, width: width ?? 10, inputs: inputs, netsPerBag: nets ?? 30_000, bags: bags ?? 30,
            seed: seed ?? 1, threads: threads ?? 0, estimator: estimator ?? .direct, cutoff: cutoff)
        try settings.validate()
        return settings
    }

    /// Sampling flags given on the command line (those a config file cannot be combined with).
    var samplingFlagsGiven: [String] {
        var given: [String] = []
        if width != nil { given.append("--width") }
        if sigmaW != nil { given.append("--sigma-w") }
        if sigmaB != nil { given.append("--sigma-b") }
        if cutoff != nil { given.append("--cutoff") }
        if nets != nil { given.append("--nets") }
        if bags != nil { given.append("--bags") }
        if seed != nil { given.append("--seed") }
        if points != nil { given.append("--points") }
        if grid != nil { given.append("--grid") }
        if dimension != nil { given.append("--dimension") }
        if architecture != nil { given.append("--architecture") }
        if estimator != nil { given.append("--estimator") }
        return given
    }

    /// The documents the flags ask for: `--format F --output P` (a format alone goes to stdout; an
    /// output alone is JSON, or CSV when it ends in .csv); nil when no output flag is given.
    var flagOutputs: (json: String?, csv: String?, text: String?)? {
        guard out.format != nil || out.output != nil else { return nil }
        let destination = out.output ?? "-"
        let format = out.format ?? (destination.lowercased().hasSuffix(".csv") ? .csv : .json)
        switch format {
        case .json: return (destination, nil, nil)
        case .csv: return (nil, destination, nil)
        case .text, .latex: return (nil, nil, destination)
        }
    }

    /// Settings and outputs from the config file (when given) or the flags: one source of truth for
    /// the physics; output flags and --threads override the file.
    func resolve() throws -> (SamplerSettings, SampleRun.Output) {
        let flags = flagOutputs
        guard let config else {
            return (try makeSettings(), .init(json: flags?.json, csv: flags?.csv, text: flags?.text,
                                              stateDirectory: state ?? ".frg-state", resume: !noResume))
        }
        let file = try SampleConfig.load(path: config, overrides: overrides)
        var settings = file.settings
        if let threads { settings.threads = threads }
        return (settings, .init(json: flags == nil ? file.json : flags?.json, csv: flags == nil ? file.csv : flags?.csv, text: flags?.text,
                                stateDirectory: state ?? file.stateDirectory ?? ".frg-state", resume: !noResume, inputs: [file.file]))
    }

    public func run() throws {
        try refuseStandardInputUnderMPI(config)
        let (settings, output) = try resolve()
        try SampleRun.execute(settings: settings, output: output)
    }
}

/// Running a validated sampling job: resumable bags (`EnsembleJob` over a `DirectoryBagStore`),
/// the progress line, the summary and the JSON/CSV outputs.
public enum SampleRun {
    public struct Output {
        /// Where the JSON document, the tidy CSV and the text summary go (`-` = stdout); the
        /// summary goes to stdout when `text` is nil and nothing else is on stdout, else to stderr.
        public var json: String?
        public var csv: String?
        public var text: String?
        /// Finished bags are kept in this `DirectoryBagStore` (`<stateDirectory>/sample-<runKey>/`);
        /// nil: in memory only.
        public var stateDirectory: String?
        public var resume: Bool
        /// The files the run reads (its config): no output replaces one.
        public var inputs: [String]
        public init(json: String? = nil, csv: String? = nil, text: String? = nil, stateDirectory: String? = ".frg-state",
                    resume: Bool = true, inputs: [String] = []) {
            self.json = json
            self.csv = csv
            self.text = text
            self.stateDirectory = stateDirectory
            self.resume = resume
            self.inputs = inputs
        }
    }

    public static func execute(settings: SamplerSettings, output: Output) throws {
        if try servedAsWorker(store: store(output)) { return }
        let files = OutputFiles(inputs: output.inputs)
        let toStdout = [output.json, output.csv, output.text].filter { $0 == "-" }.count
        guard toStdout <= 1 else { throw UsageError("only one document can go to stdout (-)") }
        try files.check(files: [output.json, output.csv, OutputFiles.sidecar(of: output.csv), output.text],
                        folders: [output.stateDirectory])
        if let state = output.stateDirectory { try files.createFolder(state) }
        let job = EnsembleJob(settings: settings, store: store(output), executor: try bagExecutor(), resume: output.resume)
        let line = ProgressLine()
        let outcome = try job.run { progress in
            let elapsed = line.elapsed
            let eta = elapsed / Double(progress.sampled) * Double(progress.total - progress.finished)
            line.draw(String(format: "bag %d/%d  elapsed %.1f s  left ≈ %.1f s", progress.finished, progress.total, elapsed, eta))
        }
        line.finish()
        noteRecomputedBags(outcome.rejectedBags)
        let wall = line.elapsed
        let measurement = outcome.measurement
        let text = try summary(measurement, threads: settings.threadCount, ranks: ClusterSession.current?.size ?? 1,
                               wallSeconds: wall, resumed: outcome.resumedBags)
        if let json = output.json {
            // The measurement's keys after schema and frgVersion: what MeasurementDocument reads.
            try files.deliver(try jsonDocument(schema: MeasurementDocument.schema, version: frgVersion, measurement), to: json)
        }
        if let csv = output.csv {
            let table = try csvTable(measurement)
            try files.deliver(try table.csv(), to: csv, meta: CSVMeta(
                columns: table.header, describes: MeasurementDocument.schema,
                header: ["frg sample, run key \(measurement.runKey): G^(n) per 1-based combination of input indices; u4 = -dG4/N_K, u6 = (u4bar^2 sum I33 - Gc6)/I6, errors jackknife over bags"],
                config: output.inputs.first))
        }
        if let destination = output.text {
            try files.deliver(text, to: destination)
        } else {
            Console(stdoutIsDocument: toStdout > 0).say(text, terminator: "")
        }
    }

    /// Where the run keeps its bags: `<stateDirectory>/sample-<runKey>/`, or memory.
    static func store(_ output: Output) -> any BagStore {
        output.stateDirectory.map { DirectoryBagStore(root: URL(fileURLWithPath: $0)) } ?? InMemoryBagStore()
    }

    /// `threads`: rank 0's (each rank resolves `threads: 0` itself); `ranks`: the MPI job's ranks.
    static func summary(_ m: GaussNet.Measurement, threads: Int, ranks: Int = 1, wallSeconds: Double, resumed: Int) throws -> String {
        let s = m.settings
        var out = "frg sample — \(s.architecture), d = \(s.inputDimension), N = \(s.width), σ_W = \(formatNumber(s.sigmaW)), σ_b = \(formatNumber(s.sigmaB))\n"
        let perRank = "\(threads) thread\(threads == 1 ? "" : "s")"
        let workers = ranks > 1 ? "\(ranks) MPI ranks × \(perRank)" : perRank
        out += "  \(s.bags) bags × \(s.netsPerBag) networks, seed \(s.seed), \(s.estimator) estimator, \(s.inputs.count) inputs, \(workers), run key \(m.runKey)\n"
        out += String(format: "  wall time %.2f s", wallSeconds) + (resumed > 0 ? " (\(resumed) bag\(resumed == 1 ? "" : "s") resumed from state)" : "") + "\n\n"
        var deviations = Table(header: ["n", "combinations", "⟨|m_n|⟩ measured", "⟨|m_n|⟩ exact", "background ⟨σ/|G_0|⟩"])
        for c in m.correlators {
            deviations.append(["\(c.order)", "\(c.combinations.count)",
                               formatWithError(c.meanAbsoluteRelativeDeviation, c.meanAbsoluteRelativeDeviationError),
                               formatNumber(c.exactMeanAbsoluteRelativeDeviation), formatNumber(c.meanRelativeBackground, significant: 3)])
        }
        out += try deviations.text() + "\n"
        var couplings = Table(header: ["coupling", "average over combinations", "exact", "pull"])
        // A pull needs a spread: with a zero standard error it is undefined, shown as —.
        func pull(_ mean: Double, _ error: Double, _ exact: Double) -> Double? { error > 0 ? (mean - exact) / error : nil }
        for (name, c) in [("u4", (m.u4.mean, m.u4.standardError, m.u4.exactMean)), ("u6", (m.u6.mean, m.u6.standardError, m.u6.exactMean))] {
            couplings.append([name, formatWithError(c.0, c.1), formatNumber(c.2),
                              pull(c.0, c.1, c.2).map(formatPull) ?? "—"])
        }
        out += try couplings.text()
        out += "u4 = −ΔG⁽⁴⁾/N_K,  u6 = (ū4² Σ I_3|3 − G_c⁽⁶⁾)/I_6;  exact = closed-form finite-N connected functions\n"
        do {
            let c = try CanonicalCouplings(m)
            out += "canonical field (docs/conventions.md §5): Z = \(formatNumber(c.wavefunctionNormalization)), m0² = \(formatNumber(c.massSquared)); "
                + "λ4 = ū4/Z² = \(formatWithError(c.lambda4, c.lambda4Error)), λ6 = ū6/Z³ = \(formatWithError(c.lambda6, c.lambda6Error))\n"
        } catch CanonicalCouplingsError.notRepresentable(let reason) {
            out += "canonical field (docs/conventions.md §5): \(reason)\n"
        } catch {}
        if let r = m.conventions, let m4 = r.hms.correlators.first(where: { $0.order == 4 }),
           let m6 = r.hms.correlators.first(where: { $0.order == 6 }) {
            // The published codes' definitions of the same numbers, so that a figure of theirs can be
            // read against this run; the JSON document has them all (`conventions`).
            out += "as HMS defines them (docs/conventions.md §8): λ = −ū4/24 = \(formatWithError(r.hms.lambdaMean, r.hms.lambdaStandardError)); "
                + "over ordered tuples ⟨|m_4|⟩ = \(formatNumber(m4.meanAbsoluteRelativeDeviation)), ⟨|m_6|⟩ = \(formatNumber(m6.meanAbsoluteRelativeDeviation)); "
                + "background (ddof 0) ⟨σ/|G_0|⟩ = \(formatNumber(m4.meanRelativeBackground, significant: 3)) (n = 4), \(formatNumber(m6.meanRelativeBackground, significant: 3)) (n = 6)\n"
            out += "as nnqft defines them: ū4 = \(formatNumber(r.nnqft.u4Mean)) ± \(formatNumber(r.nnqft.u4Spread, significant: 3)) (spread over combinations, not an error)\n"
        }
        // Say plainly when measurement and exact formula disagree beyond four standard errors.
        let neurons = Double(s.bags) * Double(s.netsPerBag) * Double(s.width)
        for (name, order, mean, error, exact) in [("u4", 4, m.u4.mean, m.u4.standardError, m.u4.exactMean),
                                                  ("u6", 6, m.u6.mean, m.u6.standardError, m.u6.exactMean)] {
            guard let pull = pull(mean, error, exact), abs(pull) > 4 else { continue }
            var line = "DISAGREES: measured \(name) is \(String(format: "%.1f", abs(pull))) standard errors from the exact value"
            if let caveat = s.makeArchitecture().estimatorCaveat(s.estimator, order: order, neurons: neurons) { line += " — " + caveat }
            out += line + "\n"
        }
        out += "\n"
        var convergence = Table(header: ["bags", "networks", "ū4", "ū6", "⟨|m_4|⟩", "⟨|m_6|⟩"],
                                comments: ["estimates from the first k bags (heavy tails show up as drift)"])
        for p in m.convergence {
            convergence.append(["\(p.bags)", "\(p.networks)", formatNumber(p.u4Mean), formatNumber(p.u6Mean),
                                formatNumber(p.meanAbsoluteM4, significant: 4), formatNumber(p.meanAbsoluteM6, significant: 4)])
        }
        out += try convergence.text(showComments: true)
        return out
    }

    /// The measurement as one tidy table (docs/outputs.md): one row per (order, combination),
    /// combinations 1-based; the u4 and u6 columns filled on their orders' rows.
    static func csvTable(_ m: GaussNet.Measurement) throws -> Table {
        let x = m.settings.inputs
        let coupling = ["normalization", "treeIntegral", "connected", "connectedError", "exactConnected", "coupling", "couplingError", "couplingExact"]
        var table = Table(header: ["order", "combination", "points", "mean", "background", "standardError", "gaussian", "deviation",
                                   "relativeDeviation", "exactRelativeDeviation"] + coupling)
        for c in m.correlators {
            for k in c.combinations.indices {
                let combination = c.combinations[k]
                var row = ["\(c.order)", combination.map { String($0 + 1) }.joined(separator: " "),
                           combination.map { x[$0].map { formatExact($0) }.joined(separator: " ") }.joined(separator: ";")]
                row += [c.mean[k], c.background[k], c.standardError[k], c.gaussian[k], c.deviation[k], c.relativeDeviation[k],
                        c.exactRelativeDeviation[k]].map(formatExact)
                switch c.order {
                case 4 where m.u4.combinations[k] == combination:
                    let u = m.u4
                    row += [formatExact(u.normalization[k]), ""] + [u.connected[k], u.connectedError[k], u.exactConnected[k], u.values[k],
                                                                      u.standardErrors[k], u.exact[k]].map(formatExact)
                case 6 where m.u6.combinations[k] == combination:
                    let u = m.u6
                    row += [u.normalization[k], u.treeIntegral[k], u.connected[k], u.connectedError[k], u.exactConnected[k], u.values[k],
                            u.standardErrors[k], u.exact[k]].map(formatExact)
                default:
                    row += coupling.map { _ in "" }
                }
                table.append(row)
            }
        }
        return table
    }
}
