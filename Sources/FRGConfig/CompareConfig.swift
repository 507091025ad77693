import Foundation
import TextOutput
import GaussNet

/// One `frg compare CONFIG` study, read from a YAML file (keys documented in examples/README.md).
///
///     sampler:    every key of an `frg sample` config except `output`; the swept one is absent
///     sweep:      widths: [N, …]   or   sigmaW: [σ_W, …]   or   cutoffs: [Λ, …] (relu, erf)
///                 (at least 3 distinct values)
///     companion:  a second estimator measured beside the first (optional)
///     observables: which of m4, m6, u4, u6, lambda4, lambda6 to compare (optional)
///     passiveFlow: {u6, startScale, endScale} — the passive LPA flow mapped onto σ_W (optional)
///     output:     directory (relative to this file; default its folder), cache (default .frg-cache)
public struct CompareConfig: Sendable {
    public enum Variable: String, Sendable { case width, sigmaW, cutoff }

    public var file: String
    /// Settings of every point except the swept field.
    public var base: SamplerSettings
    public var variable: Variable
    public var values: [Double]
    public var companion: Estimator?
    /// Where figures, CSV and the report go (absolute, or relative to the working directory).
    public var outputDirectory: String
    /// Whether `output.directory` was given (else `outputDirectory` is the config's folder).
    public var outputDirectoryGiven = false
    /// Measurement cache directory, or nil for the default.
    public var cacheDirectory: String?

    /// Observables to compare (raw values of `Comparison.Observable`), nil for the sweep's default.
    public var observables: [String]?

    public static let observableNames = ["m4", "m6", "u4", "u6", "lambda4", "lambda6"]
    /// The passive-flow mapping onto σ_W (σ_W sweeps only), or nil when not requested.
    public struct Passive: Sendable, Equatable {
        /// Chosen `u6` at the start; nil: the measured one.
        public var u6: Double?
        /// Where `u6` is written in the file, for errors about the chosen value.
        public var u6Location: SourceLocation?
        /// Start and end scale in units of `m0 = √(2σ_W0²/d)`.
        public var startScale: Double
        public var endScale: Double
    }
    public var passive: Passive?

    public static let topLevelKeys = ["sampler", "sweep", "companion", "observables", "passiveFlow", "output"]
    /// Most values a sweep lists; each is a whole ensemble (the shipped studies list 10 and 20).
    public static let maximumSweepValues = 1000

    /// `path` `-` reads stdin; `overrides` are `--set key.path=value` texts, validated like the
    /// file (`ConfigValue.merging(overrides:)`).
    public static func load(path: String, overrides: [String] = []) throws -> CompareConfig {
        try CompareConfig(ConfigValue.load(path: path, overrides: overrides))
    }

    public init(_ root: ConfigValue) throws {
        file = root.file
        let top = try root.mapping(allowedKeys: Self.topLevelKeys)
        let configDirectory = URL(fileURLWithPath: root.file).deletingLastPathComponent()

        let sweepValue = try top.required("sweep", "widths: [N, …], sigmaW: [σ_W, …] or cutoffs: [Λ, …]")
        let sweep = try sweepValue.mapping(allowedKeys: ["widths", "sigmaW", "cutoffs"])
        let given = ["widths", "sigmaW", "cutoffs"].filter { sweep.contains($0) }
        guard given.count == 1 else {
            if given.isEmpty {
                throw sweep.error(at: "widths", "missing: give 'widths' (a list of N), 'sigmaW' (a list of σ_W) or 'cutoffs' (a list of Λ)")
            }
            throw sweep.error(at: given[1], "sweep one variable: give one of 'widths', 'sigmaW' and 'cutoffs', not \(given.joined(separator: " and "))")
        }
        let listValue = try sweep.required(given[0], "the swept values")
        switch given[0] {
        case "widths":
            variable = .width
            for item in try listValue.list(atMost: Self.maximumSweepValues, "widths") { _ = try item.int(in: 1...Int(Int32.max), "a width N ≥ 1") }
        case "sigmaW":
            variable = .sigmaW
            for item in try listValue.list(atMost: Self.maximumSweepValues, "values of σ_W") { _ = try item.double(greaterThan: 0, "σ_W") }
        default:
            variable = .cutoff
            for item in try listValue.list(atMost: Self.maximumSweepValues, "cutoffs Λ") { _ = try item.double(greaterThan: 0, "the integration cutoff Λ") }
        }
        values = try listValue.doubles()
        guard values.count >= 3 else {
            throw listValue.error("expected at least 3 values (a power-law fit has 2 parameters), got \(values.count)")
        }
        let items = try listValue.list()
        var seen = Set<Double>()
        for (i, v) in values.enumerated() where !seen.insert(v).inserted {
            throw items[i].error("\(formatPlain(v)) appears twice in the sweep")
        }

        let samplerValue = try top.required("sampler", "the sampler settings (keys of an frg sample config)")
        let sampler = try samplerValue.mapping(allowedKeys: SampleConfig.samplerKeys)
        let swept = variable == .width ? "width" : variable == .sigmaW ? "sigmaW" : "cutoff"
        if sampler.contains(swept) {
            throw sampler.error(at: swept, "\(swept) is swept: its values come from sweep.\(given[0])")
        }
        if variable != .width, !sampler.contains("width") {
            _ = try sampler.required("width", "the hidden width N at every \(variable == .sigmaW ? "σ_W" : "cutoff Λ") of the sweep")
        }
        base = try SampleConfig.readSettings(sampler, requireWidth: variable != .width, validate: false)
        if variable == .cutoff, !(base.makeArchitecture() is any ActivationNetArchitecture) {
            throw sweep.error(at: "cutoffs", "\(base.architecture) has no integration cutoff (its kernel is translation invariant): sweep the cutoff of relu or erf")
        }
        companion = try top.optional("companion")?.choice(Estimator.self)

        // Validate every point, for both estimators; the error goes to the swept value or the key.
        for estimator in [base.estimator] + (companion.map { [$0] } ?? []) {
            for (i, v) in values.enumerated() {
                var s = base
                s.estimator = estimator
                switch variable {
                case .width: s.width = Int(v)
                case .sigmaW: s.sigmaW = v
                case .cutoff: s.cutoff = v
                }
                do {
                    try s.validate()
                } catch let error as SamplerError {
                    var key = SampleConfig.key(for: error, in: sampler)
                    if case .sigmaWOverflow = error, variable == .sigmaW { key = swept }
                    let which = estimator == base.estimator ? "" : " (companion estimator \(estimator))"
                    if key == swept {
                        throw items[i].error(error.description + which)
                    }
                    if estimator != base.estimator, case .estimatorUnsupported = error {
                        throw top.error(at: "companion", error.description)
                    }
                    throw sampler.error(at: key, error.description + which)
                }
            }
        }
        if let companion, companion == base.estimator {
            throw top.error(at: "companion", "the companion estimator must differ from sampler.estimator (\(companion))")
        }

        if let list = top.optional("observables") {
            let items = try list.list()
            guard !items.isEmpty else { throw list.error("expected a non-empty list of \(Self.observableNames.joined(separator: ", "))") }
            var names: [String] = []
            for item in items {
                let name = try item.choice(Self.observableNames)
                guard !names.contains(name) else { throw item.error("'\(name)' is listed twice") }
                names.append(name)
            }
            observables = names
        }
        if let p = top.optional("passiveFlow") {
            guard variable == .sigmaW else {
                throw top.error(at: "passiveFlow", "the passive-flow mapping onto σ_W needs a σ_W sweep (sweep.sigmaW)")
            }
            let m = try p.mapping(allowedKeys: ["u6", "startScale", "endScale"])
            let start = try m.optional("startScale")?.double(in: 1e-6...1, "a start scale k/m0 in the infrared") ?? 0.01
            let endValue = m.optional("endScale")
            let end = try endValue?.double(in: 1e-6...1e6, "an end scale k/m0") ?? 100
            if end <= start {
                throw (endValue ?? p).error("expected endScale > startScale (\(formatPlain(start))), got \(formatPlain(end))")
            }
            passive = Passive(u6: try m.optional("u6")?.double(), u6Location: m.optional("u6")?.location,
                              startScale: start, endScale: end)
        }
        outputDirectory = configDirectory.path
        if let output = top.optional("output") {
            let m = try output.mapping(allowedKeys: ["directory", "cache"])
            if let d = try m.optional("directory")?.string() {
                outputDirectoryGiven = true
                outputDirectory = d.hasPrefix("/") ? d : configDirectory.appendingPathComponent(d).path
            }
            cacheDirectory = try m.optional("cache")?.string()
        }
    }
}
