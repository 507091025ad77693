import ArgumentParser
import Comparison
import FRGConfig
import Foundation
import GaussNet
import Reports

/// `frg compare CONFIG`: a sweep over widths, σ_W or the cutoff Λ, measured by the embedded sampler
/// and set against the theories (exact finite-N, width scaling, the active flow under both laws).
struct CompareCommand: ParsableCommand, DistributedCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Sweep N, σ_W or the cutoff Λ, measure u4, u6, ⟨|m_n|⟩ and compare with theory (χ², pulls, SVG plots, CSV).",
        discussion: """
            Theories: exact finite-width predictions (no free parameter); for a width sweep the \
            scaling u4 ∝ 1/N, u6 ∝ 1/N², ⟨|m_n|⟩ ∝ 1/N (amplitude fitted) and a free power-law fit; \
            for a σ_W sweep the active flow of seed 001 integrated with CVODE from the first σ_W, \
            under the paper's law (σ_W du4/dσ_W = (4−d)u4) and the raw rescaling (u4 ∝ σ_W^{d−4}), \
            for the raw couplings u and the normalized λ = u/Z^n; for a cutoff sweep (relu, erf) a free \
            power-law fit in Λ. Measurements are cached bag by bag, \
            keyed by the content of their settings (<cache>/sample-<run key>/bag-NNNN.json, the layout \
            of frg sample --state, checksums included): re-running resamples nothing unless a setting \
            changed or a bag fails its checksum, and a killed run resumes from its finished bags. Keys of the file: examples/README.md.
            """)

    @Argument(help: "The comparison configuration (YAML or JSON); '-' reads it from stdin.")
    var config: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config key, validated like the file (repeatable), e.g. --set sampler.bags=10.", valueName: "key.path=value"))
    var overrides: [String] = []

    @OptionGroup var out: OutputOptions

    @Option(name: .customLong("output-dir"), help: "Write figures, CSV and report.md here (overrides output.directory; without it and output.directory, the config's folder unless --output is given).")
    var outputDirectory: String?

    @Option(help: "Measurement cache directory (overrides output.cache; default .frg-cache).")
    var cache: String?

    @Flag(help: "Neither read nor write the measurement cache.")
    var noCache = false

    @Option(parsing: .unconditional, help: "Worker threads for the sampler (0 = all cores; overrides sampler.threads). Does not change the numbers.")
    var threads: Int?

    func validate() throws {
        if out.format == .latex { throw ValidationError("--format latex is for frg beta; compare writes text, json or csv") }
        if let threads, !(0...SamplerSettings.maximumThreads).contains(threads) {
            throw ValidationError("--threads must be from 0 (all cores) to \(SamplerSettings.maximumThreads), got \(threads)")
        }
        if noCache, let cache {
            throw ValidationError("--cache \(cache) and --no-cache contradict each other: give one (--no-cache keeps every bag in memory)")
        }
    }

    func run() throws {
        let settings = try CompareConfig.load(path: config, overrides: overrides)
        var base = settings.base
        if let threads { base.threads = threads }
        let variable: SweepVariable = switch settings.variable {
        case .width: .width
        case .sigmaW: .sigmaW
        case .cutoff: .cutoff
        }
        let sweep = try Sweep(base: base, variable: variable,
                              values: settings.values, companion: settings.companion)
        // A document asked for on the command line replaces the folder of files, unless a folder
        // is named (a notebook gets its data without files appearing beside the config).
        let documentAsked = out.format != nil || out.output != nil
        let directory = outputDirectory ?? (settings.outputDirectoryGiven || !documentAsked ? settings.outputDirectory : nil)
        let format = out.format ?? (out.output?.lowercased().hasSuffix(".csv") == true ? .csv : out.output != nil ? .json : .text)
        let destination = documentAsked ? (out.output ?? "-") : nil
        let console = Console(stdoutIsDocument: destination == "-" && format != .text)
        let cacheDirectory = noCache ? nil : cache ?? settings.cacheDirectory ?? ".frg-cache"
        func makeStore() -> any BagStore {
            cacheDirectory.map { DirectoryBagStore(root: URL(fileURLWithPath: $0)) } ?? InMemoryBagStore()
        }
        if try servedAsWorker(store: makeStore()) { return }
        let files = OutputFiles(inputs: [config])
        try files.check(files: [destination, format == .csv ? OutputFiles.sidecar(of: destination) : nil],
                        folders: [directory, cacheDirectory])
        if let cacheDirectory { try files.createFolder(cacheDirectory) }
        let start = Date()
        let result = try sweep.run(store: makeStore(), executor: try bagExecutor()) { done, total, outcome in
            note("[\(done)/\(total)] \(outcome.reused ? "cached" : "sampled")  (\(String(format: "%.1f", Date().timeIntervalSince(start))) s)")
            noteRecomputedBags(outcome.rejectedBags, prefix: "[\(done)/\(total)] ")
        }
        let passive = settings.passive.map { PassiveMapping(u6: $0.u6, startScale: $0.startScale, endScale: $0.endScale) }
        let studies: [ObservableStudy]
        do {
            studies = try TheoryBuilder.studies(result, observables: settings.observables?.compactMap(Observable.init(rawValue:)),
                                                passive: passive)
        } catch let error as SweepError {
            // A chosen passiveFlow.u6 the flow cannot start from is reported at its place in the file.
            guard case .passiveStart = error, let location = settings.passive?.u6Location else { throw error }
            throw ConfigError(location, keyPath: "passiveFlow.u6", error.description)
        }
        let report = CompareReport(result: result, studies: studies, configPath: settings.file)
        let text = try report.text()
        if let destination {
            switch format {
            case .text, .latex: try files.deliver(text, to: destination)
            case .json: try files.deliver(try jsonDocument(schema: schemaName("compare"), version: frgVersion, report.jsonObject()), to: destination)
            case .csv:
                let table = try report.longTable()
                try files.deliver(try table.csv(), to: destination, meta: CSVMeta(
                    columns: table.header, describes: schemaName("compare"), header: report.header(withCache: false).split(separator: "\n").map(String.init),
                    config: settings.file))
            }
        }
        if !(format == .text && destination != nil) { console.say(text, terminator: "") }
        if let directory {
            try report.write(to: directory, files: files)
            note("wrote \(studies.count) figures (SVG + CSV) and report.md to \(directory)")
        }
    }
}
