import Foundation
import TextOutput
import GaussNet

/// One run of `frg sample CONFIG`, read from a YAML file (keys documented in examples/README.md).
///
/// Every field of `SamplerSettings` has a key; defaults are those of the command-line flags.
/// The settings are validated with `SamplerSettings.validate()`, and its errors are reported at the
/// key they concern (file:line:column).
public struct SampleConfig: Sendable {
    public var file: String
    public var settings: SamplerSettings
    /// `output.json`: the full measurement as JSON. Relative paths in `output` are relative to the
    /// folder of the config file (as with `frg compare`), and stored here resolved.
    public var json: String?
    /// `output.csv`: the measurement as one tidy CSV file (docs/outputs.md), with its
    /// `.meta.json` sidecar.
    public var csv: String?
    /// `output.state`: the resumable per-bag state directory.
    public var stateDirectory: String?

    /// Keys of the sampler's settings (shared with the `sampler` section of `frg compare`).
    public static let samplerKeys = ["architecture", "inputDimension", "sigmaW", "sigmaB", "width", "inputs", "grid",
                                     "netsPerBag", "bags", "seed", "threads", "estimator", "cutoff"]
    public static let topLevelKeys = samplerKeys + ["output"]

    /// `path` `-` reads stdin; `overrides` are `--set key.path=value` texts, validated like the
    /// file (`ConfigValue.merging(overrides:)`).
    public static func load(path: String, overrides: [String] = []) throws -> SampleConfig {
        try SampleConfig(ConfigValue.load(path: path, overrides: overrides))
    }

    public init(_ root: ConfigValue) throws {
        file = root.file
        let top = try root.mapping(allowedKeys: Self.topLevelKeys)
        settings = try Self.readSettings(top, requireWidth: true)
        if let output = top.optional("output") {
            let m = try output.mapping(allowedKeys: ["json", "csv", "state"])
            let folder = URL(fileURLWithPath: root.file).deletingLastPathComponent()
            func resolve(_ path: String?) -> String? {
                path.map { $0.hasPrefix("/") ? $0 : folder.appendingPathComponent($0).path }
            }
            json = resolve(try m.optional("json")?.string())
            csv = resolve(try m.optional("csv")?.string())
            stateDirectory = resolve(try m.optional("state")?.string())
        }
    }

    /// Reads the sampler keys of `m`. With `requireWidth: false` a missing `width` is left at 1 for
    /// the caller to replace (the sweep of `frg compare` sets it).
    public static func readSettings(_ m: ConfigMapping, requireWidth: Bool = true,
                                    validate: Bool = true) throws -> SamplerSettings {
        var s = SamplerSettings(width: 1)
        if let a = m.optional("architecture") { s.architecture = try a.choice(ArchitectureKind.self) }
        if let e = m.optional("estimator") { s.estimator = try e.choice(Estimator.self) }
        if let v = m.optional("sigmaW") { s.sigmaW = try v.double(greaterThan: 0, "σ_W") }
        if let v = m.optional("sigmaB") { s.sigmaB = try v.double(in: 0...Double.greatestFiniteMagnitude, "σ_b") }
        if let v = m.optional("cutoff") { s.cutoff = try v.double(greaterThan: 0, "the integration cutoff Λ") }
        if let v = m.optional("width") {
            s.width = try v.int(in: 1...Int(Int32.max), "a width N")
        } else if requireWidth {
            _ = try m.required("width", "the hidden width N")
        }
        // Its limits and their reasons are validate()'s (SamplerSettings.minimumNetsPerBag, 2³² networks).
        if let v = m.optional("netsPerBag") { s.netsPerBag = try v.int() }
        if let v = m.optional("bags") { s.bags = try v.int(in: 2...Int(UInt32.max), "a number of bags (at least 2)") }
        if let v = m.optional("seed") {
            s.seed = try v.seed()
        }
        if let v = m.optional("threads") { s.threads = try v.int(in: 0...SamplerSettings.maximumThreads, "a thread count (0 = all cores)") }
        let declaredDimension = try m.optional("inputDimension")?.int(in: 1...SamplerSettings.maximumInputDimension, "an input dimension d")
        switch (m.optional("inputs"), m.optional("grid")) {
        case (.some, .some):
            throw m.error(at: "grid", "give either 'inputs' or 'grid', not both")
        case (let list?, nil):
            s.inputs = try readPoints(list)
        case (nil, let grid?):
            let g = try grid.mapping(allowedKeys: ["lower", "upper", "count", "dimension"])
            let lower = try g.required("lower", "the first grid value").double()
            let upperValue = try g.required("upper", "the last grid value")
            let upper = try upperValue.double()
            guard upper >= lower else { throw upperValue.error("expected upper ≥ lower (\(formatPlain(lower))), got \(formatPlain(upper))") }
            let count = try g.required("count", "points per axis").int(in: 1...SamplerSettings.maximumInputCount, "a number of points per axis")
            let dimension = try g.optional("dimension")?.int(in: 1...SamplerSettings.maximumInputDimension, "an input dimension d") ?? declaredDimension ?? 1
            do {
                s.inputs = try SamplerSettings.gridInputs(lower: lower, upper: upper, count: count, inputDimension: dimension)
            } catch let error as SamplerError {
                throw grid.error(error.description)
            }
        case (nil, nil):
            s.inputs = s.architecture.architectureType.defaultInputs
        }
        s.inputDimension = s.inputs.first?.count ?? 1
        if let declaredDimension, declaredDimension != s.inputDimension {
            throw m.error(at: "inputDimension",
                          "inputDimension \(declaredDimension) does not match the inputs, which have \(s.inputDimension) component(s)")
        }
        if validate { try check(s, in: m) }
        return s
    }

    /// `SamplerSettings.validate()`, with its error placed at the key it concerns.
    public static func check(_ s: SamplerSettings, in m: ConfigMapping) throws {
        do {
            try s.validate()
        } catch let error as SamplerError {
            throw m.error(at: key(for: error, in: m), error.description)
        }
    }

    /// The config key a sampler error is about (the first one present in the file).
    static func key(for error: SamplerError, in m: ConfigMapping) -> String {
        let candidates: [String]
        switch error {
        case .invalidSigmaW, .sigmaWOutOfRange: candidates = ["sigmaW"]
        case .sigmaWOverflow: candidates = ["sigmaW", "inputs", "grid"]
        case .invalidSigmaB, .overflow: candidates = ["sigmaB", "sigmaW"]
        case .invalidWidth, .widthTooLarge: candidates = ["width"]
        case .invalidInputDimension, .noInputs, .tooManyInputs, .inputDimensionMismatch, .nonFiniteInput, .invalidGrid:
            candidates = ["inputs", "grid"]
        case .invalidNetsPerBag: candidates = ["netsPerBag"]
        case .invalidBagCount, .tooManyNetworks, .bagMismatch, .nonFiniteResult, .nonFiniteAnalysis: candidates = ["bags", "netsPerBag"]
        case .invalidThreadCount: candidates = ["threads"]
        case .estimatorUnsupported: candidates = ["estimator"]
        case .invalidCutoff: candidates = ["cutoff"]
        case .couplingsUnsupported: candidates = ["inputs", "grid", "architecture"]
        }
        return candidates.first(where: m.contains) ?? candidates[0]
    }

    /// A list of numbers (d = 1 points) or a list of lists (one list of components per point),
    /// counted against `SamplerSettings.maximumInputCount` and `maximumInputDimension` first.
    static func readPoints(_ value: ConfigValue) throws -> [[Double]] {
        let items = try value.list()
        guard !items.isEmpty else { throw value.error("expected a non-empty list of input points") }
        guard items.count <= SamplerSettings.maximumInputCount else {
            throw value.error(SamplerError.tooManyInputs(count: items.count, limit: SamplerSettings.maximumInputCount).description)
        }
        if case .some = try? items[0].list() {
            let points = try items.map { try $0.doubles(atMost: SamplerSettings.maximumInputDimension, "components (an input dimension d)") }
            for (i, p) in points.enumerated() where p.count != points[0].count {
                throw items[i].error("point \(i + 1) has \(p.count) components, the first point has \(points[0].count)")
            }
            return points
        }
        return try items.map { [try $0.double()] }
    }
}
