import ArgumentParser
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
public struct SampleCommand: ParsableCommand {
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

    @Argument(help: "A sampling configuration (YAML; keys in examples/README.md). Cannot be combined with the sampling flags below; --json, --csv, --state, --no-resume and --threads override the file.")
    var config: String?

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
    @Option(help: "Write everything as JSON to this file.") var json: String?
    @Option(help: "Write per-combination CSV files into this directory.") var csv: String?
    @Option(help: "Directory for resumable per-bag state (default .frg-state).") var state: String?
    @Flag(help: "Ignore and overwrite saved bags of an earlier identical run.") var noResume = false

    public init() {}

    /// Flag syntax and combinations; the values themselves are judged by `SamplerSettings.validate()`.
    public func validate() throws {
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

    /// Settings and outputs from the config file (when given) or the flags: one source of truth for
    /// the physics; output flags and --threads override the file.
    func resolve() throws -> (SamplerSettings, SampleRun.Output) {
        guard let config else {
            return (try makeSettings(), .init(json: json, csv: csv, stateDirectory: state ?? ".frg-state", resume: !noResume))
        }
        let file = try SampleConfig.load(path: config)
        var settings = file.settings
        if let threads { settings.threads = threads }
        return (settings, .init(json: json ?? file.json, csv: csv ?? file.csv,
                                stateDirectory: state ?? file.stateDirectory ?? ".frg-state", resume: !noResume, inputs: [config]))
    }

    public func run() throws {
        let (settings, output) = try resolve()
        try SampleRun.execute(settings: settings, output: output)
    }
}

/// Running a validated sampling job: resumable bags (`EnsembleJob` over a `DirectoryBagStore`),
/// the progress line, the summary and the JSON/CSV outputs.
public enum SampleRun {
    public struct Output {
        public var json: String?
        public var csv: String?
        /// Finished bags are kept in this `DirectoryBagStore` (`<stateDirectory>/sample-<runKey>/`);
        /// nil: in memory only.
        public var stateDirectory: String?
        public var resume: Bool
        /// The files the run reads (its config): no output replaces one.
        public var inputs: [String]
        public init(json: String? = nil, csv: String? = nil, stateDirectory: String? = ".frg-state", resume: Bool = true,
                    inputs: [String] = []) {
            self.json = json
            self.csv = csv
            self.stateDirectory = stateDirectory
            self.resume = resume
            self.inputs = inputs
        }
    }

    public static func execute(settings: SamplerSettings, output: Output) throws {
        let files = OutputFiles(inputs: output.inputs)
        try files.check(files: [output.json], folders: [output.csv, output.stateDirectory])
        if let state = output.stateDirectory { try files.createFolder(state) }
        let store: any BagStore = output.stateDirectory.map { DirectoryBagStore(root: URL(fileURLWithPath: $0)) }
            ?? InMemoryBagStore()
        let job = EnsembleJob(settings: settings, store: store, executor: bagExecutor(), resume: output.resume)
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
        print(try summary(measurement, threads: settings.threadCount, wallSeconds: wall, resumed: outcome.resumedBags))
        if let json = output.json {
            try files.write(try jsonData(MeasurementDocument(frgVersion: frgVersion, measurement: measurement)), to: json)
        }
        if let csv = output.csv { try writeCSV(measurement, directory: csv, files: files) }
    }

    static func summary(_ m: GaussNet.Measurement, threads: Int, wallSeconds: Double, resumed: Int) throws -> String {
        let s = m.settings
        var out = "frg sample — \(s.architecture), d = \(s.inputDimension), N = \(s.width), σ_W = \(formatNumber(s.sigmaW)), σ_b = \(formatNumber(s.sigmaB))\n"
        out += "  \(s.bags) bags × \(s.netsPerBag) networks, seed \(s.seed), \(s.estimator) estimator, \(s.inputs.count) inputs, \(threads) threads, run key \(m.runKey)\n"
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

    static func writeCSV(_ m: GaussNet.Measurement, directory: String, files: OutputFiles) throws {
        try files.createFolder(directory)
        let dir = URL(fileURLWithPath: directory)
        let x = m.settings.inputs
        func label(_ combo: [Int]) -> String { combo.map { String($0 + 1) }.joined(separator: " ") }
        func coordinates(_ combo: [Int]) -> String {
            combo.map { x[$0].map { String($0) }.joined(separator: " ") }.joined(separator: ";")
        }
        /// One file: comment lines, a header, and per combination its label, its points and `columns`
        /// (shortest round-trip decimals).
        func table(_ name: String, _ comment: String, _ header: [String], _ combinations: [[Int]],
                   _ columns: [[Double]]) throws {
            var table = Table(header: ["combination", "points"] + header,
                              comments: ["frg \(frgVersion) sample, run key \(m.runKey)", comment])
            for k in combinations.indices {
                table.append([label(combinations[k]), coordinates(combinations[k])] + columns.map { formatExact($0[k]) })
            }
            try files.write(try table.csv(), to: dir.appendingPathComponent(name).path)
        }
        for c in m.correlators {
            try table("correlator_n\(c.order).csv", "G^(\(c.order)) per combination of input indices (1-based)",
                      ["mean", "background", "standard_error", "gaussian", "delta", "m", "m_exact"], c.combinations,
                      [c.mean, c.background, c.standardError, c.gaussian, c.deviation, c.relativeDeviation,
                       c.exactRelativeDeviation])
        }
        let u4 = m.u4
        try table("u4.csv", "u4 = -dG4/N_K", ["N_K", "Gc4", "Gc4_error", "Gc4_exact", "u4", "u4_error", "u4_exact"], u4.combinations,
                  [u4.normalization, u4.connected, u4.connectedError, u4.exactConnected, u4.values,
                   u4.standardErrors, u4.exact])
        let u6 = m.u6
        try table("u6.csv", "u6 = (u4bar^2 sum I33 - Gc6)/I6, errors jackknife over bags",
                  ["I6", "sum_I33", "Gc6", "Gc6_error", "Gc6_exact", "u6", "u6_error", "u6_exact"], u6.combinations,
                  [u6.normalization, u6.treeIntegral, u6.connected, u6.connectedError, u6.exactConnected,
                   u6.values, u6.standardErrors, u6.exact])
    }
}
