import Flows
import Foundation
import GaussNet
import FullPotential
import ODE
import Runs
import TextOutput
import Truncation

/// One run of `frg flow`, read from a YAML file (every key is documented in flows/README.md).
///
/// Reading validates every key and builds the run the file describes (`run`); the command line
/// integrates it without knowing which kind of flow it is.
public struct FlowConfig: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case passive, active }

    public enum OutputFormat: String, Sendable, CaseIterable { case csv, json }

    public var file: String
    /// The `flow:` key.
    public var kind: Kind
    /// The flow the file describes: `PassiveFlowRun`, `FullPotentialFlowRun` (passive, with
    /// `truncation.kind: full-potential`) or `ActiveFlowRun`.
    public var run: any FlowRun
    public var outputFile: String?
    public var outputFormat: OutputFormat
    /// The files the run reads: this config and the measurements it names (resolved). An output
    /// must never replace one of them.
    public var inputFiles: [String]

    /// The polynomial passive flow, when that is what the file describes.
    public var passive: PassiveFlowRun? { run as? PassiveFlowRun }
    public var fullPotential: FullPotentialFlowRun? { run as? FullPotentialFlowRun }
    public var active: ActiveFlowRun? { run as? ActiveFlowRun }

    public static let topLevelKeys = ["flow", "truncation", "initial", "range", "stop", "active", "solver", "output"]

    /// Reads and validates a configuration file.
    /// `path` `-` reads stdin; `overrides` are `--set key.path=value` texts, validated like the
    /// file (`ConfigValue.merging(overrides:)`).
    public static func load(path: String, overrides: [String] = []) throws -> FlowConfig {
        try FlowConfig(ConfigValue.load(path: path, overrides: overrides))
    }

    /// Validates a parsed document; every problem is a `ConfigError` with file, line and column.
    public init(_ root: ConfigValue) throws {
        file = root.file
        let source = ConfigSource(file: root.file)
        let top = try root.mapping(allowedKeys: Self.topLevelKeys)
        kind = try top.required("flow", "passive or active").choice(Kind.self)
        if let output = top.optional("output") {
            let m = try output.mapping(allowedKeys: ["file", "format"])
            outputFile = try m.optional("file")?.string()
            outputFormat = try m.optional("format")?.choice(OutputFormat.self) ?? .csv
        } else {
            outputFile = nil
            outputFormat = .csv
        }
        switch kind {
        case .passive:
            for key in ["active"] where top.contains(key) {
                throw top.error(at: key, "only for 'flow: active'")
            }
            let kindValue = try top.required("truncation", "scheme, kind, expansion, order, dimension, regulator, prefactor")
                .mapping(allowedKeys: Self.truncationKeys + Self.gridKeys).optional("kind")
            if try kindValue?.choice(Self.truncationKinds) == Self.fullPotentialKind {
                run = try Self.readFullPotential(top)
            } else {
                run = try Self.readPassive(top, solver: Self.readSolver(top.optional("solver")), source: source)
            }
        case .active:
            for key in ["truncation", "initial", "range", "stop"] where top.contains(key) {
                throw top.error(at: key, "only for 'flow: passive' (the active flow is set under 'active')")
            }
            run = try Self.readActive(top.required("active", "the active-flow settings"), source: source,
                                      solver: Self.readSolver(top.optional("solver")))
        }
        inputFiles = [file] + source.measurementFiles
    }

    // MARK: Sections

    static let truncationKeys = ["scheme", "kind", "expansion", "order", "dimension", "regulator", "prefactor"]
    /// Keys of the field grid, for `kind: full-potential` only.
    static let gridKeys = ["fieldMax", "gridPoints"]
    static let fullPotentialKind = "full-potential"
    static let truncationKinds = TruncationKind.allCases.map(\.rawValue) + [fullPotentialKind]
    static let polchinskiRegulatorMessage = "the normalized Polchinski LPA has the regulator absorbed into v and φ; this key does not apply"
    static let polchinskiThresholdMessage = "the Polchinski flow has no threshold denominator to stop at; this key applies to Wetterich flows"
    /// Most output points of a flow: `samples`, or the length of `scales`.
    public static let maximumSamples = 1_000_000

    static func readSpec(_ value: ConfigValue) throws -> TruncationSpec {
        let m = try value.mapping(allowedKeys: truncationKeys + gridKeys)
        for key in gridKeys where m.contains(key) {
            throw m.error(at: key, "only for 'kind: full-potential' (a field grid)")
        }
        var spec = TruncationSpec(
            scheme: try m.optional("scheme")?.choice(FlowEquation.self) ?? .wetterich,
            truncation: try m.optional("kind")?.choice(TruncationKind.self) ?? .lpa,
            expansion: try m.optional("expansion")?.choice(ExpansionPoint.self) ?? .zero,
            dimension: try m.required("dimension", "data-space dimension d > 0").double(greaterThan: 0, atMost: TruncationSpec.maximumDimension, "the dimension d"),
            order: 6,
            regulator: try m.optional("regulator")?.choice(RegulatorKind.self) ?? .litim)
        if let order = m.optional("order") {
            spec.order = try order.int(in: 2...TruncationSpec.maximumOrder, "an even order 2n")
            guard spec.order % 2 == 0 else { throw order.error("expected an even order 2n, got \(spec.order)") }
        }
        if spec.scheme == .polchinski, spec.truncation == .lpa, m.contains("regulator") { throw m.error(at: "regulator", polchinskiRegulatorMessage) }
        if let prefactor = m.optional("prefactor") {
            spec.regulatorPrefactor = try prefactor.double(greaterThan: 0, atMost: TruncationSpec.maximumRegulatorPrefactor, "the regulator prefactor α")
        }
        do {
            try spec.validate()
        } catch let error as TruncationError {
            throw ConfigError(value.location, keyPath: value.keyPath, error.description)
        }
        return spec
    }

    static func readPassive(_ top: ConfigMapping, solver: FlowSolverSettings, source: ConfigSource) throws -> any FlowRun {
        let specValue = try top.required("truncation", "scheme, kind, expansion, order, dimension, regulator, prefactor")
        let spec = try readSpec(specValue)
        let initialValue = try top.required("initial", "the initial couplings")
        let initial = try initialValue.mapping(allowedKeys: ["units", "uvScale", "couplings", "measured", "irScale", "u6"])
        if initial.contains("measured") {
            return try readMeasured(top, initial: initial, spec: spec, specValue: specValue, solver: solver, source: source)
        }
        for key in ["irScale", "u6"] where initial.contains(key) {
            throw initial.error(at: key, "only with 'measured' (couplings read from a measurement)")
        }
        let names = try couplingNames(for: spec, at: specValue)
        let units = try initial.optional("units")?.choice(CouplingUnits.self) ?? .dimensionless
        let uvScale = try initial.optional("uvScale")?.double(greaterThan: 0, "the UV scale Λ") ?? 1
        let couplings = try readCouplings(initial.required("couplings", "a mapping of coupling names to values (or 'measured': a measurement file)"), allowed: names)

        let range = try top.required("range", "the RG-time range").mapping(allowedKeys: ["tEnd", "samples", "scales"])
        let tEndValue = try range.required("tEnd", "final RG time t = ln(k/Λ), negative toward the infrared")
        let tEnd = try tEndValue.double()
        guard tEnd != 0 else { throw tEndValue.error("expected a non-zero final RG time (the flow starts at t = 0)") }
        let sampling = try readSampling(range, from: 1, to: exp(tEnd), unit: "k/Λ")
        let sampled: FlowSampling
        if case .scales(let ks) = sampling { sampled = .scales(ks.map { $0 * uvScale }) } else { sampled = sampling }

        var thresholdStop = 1e-3, runaway = 1e8
        if let stop = top.optional("stop") {
            let m = try stop.mapping(allowedKeys: ["threshold", "runaway"])
            if spec.scheme == .polchinski, m.contains("threshold") { throw m.error(at: "threshold", polchinskiThresholdMessage) }
            thresholdStop = try m.optional("threshold")?.double(in: 1e-12...0.5, "the threshold stop level") ?? thresholdStop
            runaway = try m.optional("runaway")?.double(greaterThan: 0, "the runaway bound") ?? runaway
        }
        return PassiveFlowRun(spec: spec, units: units, uvScale: uvScale, couplings: couplings, tEnd: tEnd,
                              sampling: sampled, thresholdStop: thresholdStop, runawayBound: runaway, solver: solver)
    }

    /// `initial.measured`: the couplings of a measurement as the infrared condition, integrated
    /// toward the ultraviolet (`MeasuredFlow`).
    static func readMeasured(_ top: ConfigMapping, initial: ConfigMapping, spec: TruncationSpec, specValue: ConfigValue,
                             solver: FlowSolverSettings, source: ConfigSource) throws -> any FlowRun {
        for key in ["units", "uvScale", "couplings"] where initial.contains(key) {
            throw initial.error(at: key, "not with 'measured': the couplings come from the measurement (canonically normalized, at k_IR = irScale · m0)")
        }
        let value = try initial.required("measured", "")
        // A list of measurements: one flow each (a sweep over widths, say).
        if let items = try? value.list() {
            guard !items.isEmpty else { throw value.error("expected a measurement file or a non-empty list of them") }
            let flows = try items.map {
                try readMeasuredFlow(top, initial: initial, file: $0, spec: spec, specValue: specValue, solver: solver, source: source)
            }
            if items.count > 1 {
                for (item, flow) in zip(items, flows) where flow.measurement.settings.inputDimension != flows[0].measurement.settings.inputDimension {
                    throw item.error("all measurements of a sweep need the same input dimension")
                }
            }
            return MeasuredFlowSweep(flows: flows)
        }
        return try readMeasuredFlow(top, initial: initial, file: value, spec: spec, specValue: specValue, solver: solver, source: source)
    }

    static func readMeasuredFlow(_ top: ConfigMapping, initial: ConfigMapping, file: ConfigValue, spec: TruncationSpec,
                                 specValue: ConfigValue, solver: FlowSolverSettings, source: ConfigSource) throws -> MeasuredFlow {
        let measurement = try loadMeasurement(file, source: source)
        let irScaleValue = initial.optional("irScale")
        let irScale = try irScaleValue?.double(in: 1e-12...0.5, "the infrared scale k_IR/m0 (≪ 1)") ?? 0.01
        let range = try top.required("range", "the RG-time range").mapping(allowedKeys: ["tEnd", "samples", "scales"])
        let tEndValue = try range.required("tEnd", "final RG time t = ln(k/m0), above ln(irScale) toward the ultraviolet")
        let tEnd = try tEndValue.double()
        guard tEnd != log(irScale) else { throw tEndValue.error("expected a final RG time other than the start ln(irScale) = \(log(irScale))") }
        var flow = MeasuredFlow(measurement: measurement, source: try file.string(), spec: spec, tEnd: tEnd)
        flow.irScale = irScale
        flow.sampling = try readSampling(range, from: irScale, to: exp(tEnd), unit: "k/m0")
        flow.solver = solver
        if let u6 = initial.optional("u6") {
            if (try? u6.string()) == "measured" {
                flow.sixthOrder = .measured
            } else if (try? u6.string()) == "positive" {
                flow.sixthOrder = .positive
            } else if let value = try? u6.double() {
                flow.sixthOrder = .chosen(value)
            } else {
                throw u6.error("expected 'measured', 'positive' (|ū6|, the seed's stabilization) or a number (a chosen u6 in the raw convention of the measurement)")
            }
        }
        if let stop = top.optional("stop") {
            let m = try stop.mapping(allowedKeys: ["threshold", "runawayFactor"])
            flow.thresholdStop = try m.optional("threshold")?.double(in: 1e-12...0.5, "the threshold stop level") ?? flow.thresholdStop
            flow.runawayFactor = try m.optional("runawayFactor")?.double(in: 10...1e200, "a growth factor") ?? flow.runawayFactor
        }
        do {
            _ = try flow.passiveRun()
        } catch let error as MeasuredFlowError {
            switch error {
            case .truncation, .dimension: throw ConfigError(specValue.location, keyPath: specValue.keyPath, error.description)
            default: throw ConfigError(initial.value.location, keyPath: initial.value.keyPath, error.description)
            }
        } catch let error as CanonicalCouplingsError {
            throw file.error(error.description)
        }
        return flow
    }

    /// The measurement a config value names (a `frg sample --json` file or a saved run folder,
    /// relative to the config file); what is wrong with it is reported at the value.
    static func loadMeasurement(_ file: ConfigValue, source: ConfigSource) throws -> GaussNet.Measurement {
        let path = resolve(try file.string(), relativeTo: source.file)
        source.measurementFiles.append(path)
        do {
            return try MeasurementDocument.load(path: path)
        } catch let error as MeasurementFileError {
            throw file.error(error.description)
        }
    }

    /// The config file being read, and the measurement files it names (resolved) as they are read.
    final class ConfigSource {
        let file: String
        var measurementFiles: [String] = []
        init(file: String) { self.file = file }
    }

    /// A path from a config file: absolute, or relative to the file's folder.
    static func resolve(_ path: String, relativeTo configFile: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: configFile).deletingLastPathComponent().appendingPathComponent(path).path
    }

    static func readFullPotential(_ top: ConfigMapping) throws -> FullPotentialFlowRun {
        let truncation = try top.required("truncation", "").mapping(allowedKeys: truncationKeys + gridKeys)
        for key in ["expansion", "order"] where truncation.contains(key) {
            throw truncation.error(at: key, "the full potential is not expanded: give the field grid (fieldMax, gridPoints) instead")
        }
        if truncation.contains("prefactor") {
            throw truncation.error(at: "prefactor", "the full-potential flow is implemented for the Litim regulator, whose prefactor is 1")
        }
        let scheme = try truncation.optional("scheme")?.choice(LPAScheme.self) ?? .wetterich
        if let regulator = truncation.optional("regulator") {
            if scheme == .polchinski { throw truncation.error(at: "regulator", polchinskiRegulatorMessage) }
            if try regulator.string() != "litim" {
                throw regulator.error("the full-potential flow is implemented for the Litim regulator (Wetterich) and for Polchinski")
            }
        }
        let dimension = try truncation.required("dimension", "data-space dimension d > 0").double(greaterThan: 0, atMost: TruncationSpec.maximumDimension, "the dimension d")
        let fieldMax = try truncation.required("fieldMax", "the end of the field grid, in units of Λ^((d−2)/2)")
            .double(greaterThan: 0, "the grid's largest field")
        let gridPoints = try truncation.optional("gridPoints")?.int(in: FullPotentialFlowSpec.minimumGridPoints...FullPotentialFlowSpec.maximumGridPoints, "a number of grid points") ?? 401

        let initial = try top.required("initial", "the initial potential").mapping(allowedKeys: ["units", "uvScale", "couplings", "table"])
        let units = try initial.optional("units")?.choice(CouplingUnits.self) ?? .dimensionless
        let uvScale = try initial.optional("uvScale")?.double(greaterThan: 0, "the UV scale Λ") ?? 1
        let potential: InitialPotential
        var couplings: [(name: String, value: Double)] = []
        switch (initial.optional("couplings"), initial.optional("table")) {
        case (let c?, nil):
            // The whole potential's Taylor coefficients about φ = 0: u2, u4, … up to φ¹⁰⁰.
            let descriptors = (1...50).map { CouplingDescriptor.potential(order: 2 * $0, scheme: .wetterich) }
            couplings = try readCouplings(c, allowed: descriptors.names)
            guard !couplings.isEmpty else { throw c.error("expected at least one coupling u2, u4, …") }
            let given = Dictionary(uniqueKeysWithValues: couplings.map { ($0.name, $0.value) })
            let highest = descriptors.lastIndex { given[$0.name] != nil }!
            potential = .couplings(descriptors[0...highest].map { coupling in
                let value = given[coupling.name] ?? 0
                // ū_{2m} = Λ^{−D} u_{2m}: values in units of Λ.
                return units == .dimensionful ? value * pow(uvScale, -coupling.canonicalDimension(at: dimension)) : value
            })
        case (nil, let t?):
            guard units == .dimensionless else { throw initial.error(at: "units", "a table is read in units of Λ; leave units: dimensionless") }
            potential = try readTable(t, fieldMax: fieldMax)
        case (.some, .some):
            throw initial.error(at: "table", "give either 'couplings' or 'table', not both")
        case (nil, nil):
            throw initial.error(at: "couplings", "missing: give 'couplings' (u2, u4, …) or 'table' (field, potential)")
        }

        let range = try top.required("range", "the RG-time range").mapping(allowedKeys: ["tEnd", "samples", "scales"])
        let tEndValue = try range.required("tEnd", "final RG time t = ln(k/Λ) < 0")
        let tEnd = try tEndValue.double()
        guard tEnd < 0 else { throw tEndValue.error("expected a negative final RG time (the full-potential flow runs toward the infrared)") }
        if range.contains("scales") { throw range.error(at: "scales", "the full-potential flow samples evenly in t; use 'samples'") }
        let samples = try range.optional("samples")?.int(in: 2...10_000, "a number of samples") ?? 41

        var spec = FullPotentialFlowSpec(scheme: scheme, dimension: dimension, fieldMax: fieldMax, gridPoints: gridPoints,
                                         tEnd: tEnd, outputCount: samples)
        if let stop = top.optional("stop") {
            let m = try stop.mapping(allowedKeys: ["threshold"])
            if scheme == .polchinski, m.contains("threshold") { throw m.error(at: "threshold", polchinskiThresholdMessage) }
            spec.convexityFloor = try m.optional("threshold")?.double(in: 1e-15...0.5, "the level of min(1 + u'') that stops the flow")
                ?? spec.convexityFloor
        }
        if let solverValue = top.optional("solver") {
            // Keys not given keep the full-potential flow's own defaults, not the polynomial flows'.
            let m = try solverValue.mapping(allowedKeys: solverKeys)
            if m.contains("maxSteps") {
                throw m.error(at: "maxSteps", "the full-potential flow has a fixed step budget; maxSteps applies to the polynomial and active flows")
            }
            var defaults = FlowSolverSettings()
            defaults.method = .bdf
            defaults.relativeTolerance = spec.relativeTolerance
            defaults.absoluteTolerance = spec.absoluteTolerance
            let solver = try readSolver(solverValue, defaults: defaults)
            guard solver.method == .bdf else {
                throw m.error(at: "method", "the full-potential flow is integrated with BDF (a stiff PDE); method \(solver.method.rawValue) does not apply")
            }
            spec.relativeTolerance = solver.relativeTolerance
            spec.absoluteTolerance = solver.absoluteTolerance
        }
        return FullPotentialFlowRun(spec: spec, initial: potential, couplings: couplings, uvScale: uvScale)
    }

    /// `initial.table` of the full-potential flow: fields from 0, increasing, to at least
    /// `fieldMax`, and one value of U each; every element is checked where it stands.
    static func readTable(_ value: ConfigValue, fieldMax: Double) throws -> InitialPotential {
        let table = try value.mapping(allowedKeys: ["field", "potential"])
        let fieldValue = try table.required("field", "field values from 0, increasing")
        let field = try fieldValue.doubles(atMost: FullPotentialFlowSpec.maximumGridPoints, "table points (as many as a grid may have)")
        guard field.count >= 4 else { throw fieldValue.error("expected at least 4 table points, got \(field.count)") }
        let items = try fieldValue.list()
        guard field[0] == 0 else { throw items[0].error("expected the table to start at field 0, got \(formatPlain(field[0]))") }
        for i in 1..<field.count where field[i] <= field[i - 1] {
            throw items[i].error("expected increasing fields, got \(formatPlain(field[i])) after \(formatPlain(field[i - 1]))")
        }
        guard fieldMax <= field[field.count - 1] * (1 + 1e-12) else {
            throw items[field.count - 1].error("expected the table to reach the grid's end fieldMax = \(formatPlain(fieldMax)), got \(formatPlain(field[field.count - 1]))")
        }
        let potentialValue = try table.required("potential", "U at those fields")
        let count = try potentialValue.list().count
        guard count == field.count else { throw potentialValue.error("expected one value per field (\(field.count)), got \(count)") }
        return .table(field: field, potential: try potentialValue.doubles())
    }

    static func readActive(_ value: ConfigValue, source: ConfigSource, solver: FlowSolverSettings) throws -> ActiveFlowRun {
        let m = try value.mapping(allowedKeys: ["law", "dimension", "sigmaW", "samples", "scales", "couplings", "measurement"])
        let law = try m.optional("law")?.choice(ActiveFlowLaw.self) ?? .paper
        let dimension = try m.required("dimension", "data-space dimension d > 0").double(greaterThan: 0, atMost: TruncationSpec.maximumDimension, "the dimension d")
        let range = try m.required("sigmaW", "[start, end] of σ_W")
        let items = try range.list()
        guard items.count == 2 else { throw range.error("expected [start, end] of σ_W, two values, got \(items.count)") }
        let ends = try items.map { try $0.double(greaterThan: 0, "σ_W") }
        guard ends[0] != ends[1] else { throw items[1].error("expected an end of σ_W different from the start (\(formatPlain(ends[0])))") }
        let sampling = try readSampling(m, from: ends[0], to: ends[1], unit: "σ_W")
        // The active flow carries u4 and u6 (σ_W du_2n/dσ_W = a u_2n for each).
        let orders = ["u4": 4, "u6": 6]
        var couplings: [(order: Int, value: Double)]
        switch (m.optional("couplings"), m.optional("measurement")) {
        case (let c?, nil):
            let given = try readCouplings(c, allowed: ["u4", "u6"])
            guard !given.isEmpty else { throw c.error("expected at least one of u4, u6") }
            couplings = given.map { (orders[$0.name]!, $0.value) }
        case (nil, let file?):
            let measured = try loadMeasurement(file, source: source)
            guard abs(measured.settings.sigmaW - ends[0]) <= 1e-12 * ends[0] else {
                throw file.error("the measurement was taken at σ_W = \(measured.settings.sigmaW), the flow starts at σ_W = \(ends[0])")
            }
            guard Double(measured.settings.inputDimension) == dimension else {
                throw file.error("the measurement was taken in d = \(measured.settings.inputDimension), the flow is set in d = \(formatPlain(dimension))")
            }
            couplings = [(4, measured.u4.mean), (6, measured.u6.mean)]
        case (.some, .some):
            throw m.error(at: "measurement", "give either 'couplings' or 'measurement', not both")
        case (nil, nil):
            throw m.error(at: "couplings", "missing: give 'couplings' (u4, u6 at the first σ_W) or 'measurement' (a frg sample JSON file)")
        }
        return ActiveFlowRun(law: law, dimension: dimension, sigmaStart: ends[0], sigmaEnd: ends[1], couplings: couplings,
                             sampling: sampling, solver: solver)
    }

    /// `samples`, or `scales` (in `unit`) between the flow's `start` and `end` in the order the flow
    /// reaches them.
    static func readSampling(_ m: ConfigMapping, from start: Double, to end: Double, unit: String) throws -> FlowSampling {
        switch (m.optional("samples"), m.optional("scales")) {
        case (nil, nil):
            return .evenlySpaced(count: 101)
        case (let s?, nil):
            return .evenlySpaced(count: try s.int(in: 2...maximumSamples, "a number of samples"))
        case (nil, let list?):
            let values = try list.doubles(atMost: maximumSamples, "scales")
            let (low, high) = (min(start, end), max(start, end))
            for (i, item) in try list.list().enumerated() {
                let v = values[i]
                guard v >= low * (1 - 1e-12), v <= high * (1 + 1e-12) else {
                    throw item.error("expected a scale (\(unit)) in [\(formatPlain(low)), \(formatPlain(high))], got \(formatPlain(v))")
                }
                if i > 0, end < start ? v >= values[i - 1] : v <= values[i - 1] {
                    throw item.error("expected the scales in the order the flow reaches them, from \(formatPlain(start)) to \(formatPlain(end)), got \(formatPlain(v)) after \(formatPlain(values[i - 1]))")
                }
            }
            return .scales(values)
        case (.some, .some):
            throw m.error(at: "scales", "give either 'samples' or 'scales', not both")
        }
    }

    static func readCouplings(_ value: ConfigValue, allowed: [String]) throws -> [(name: String, value: Double)] {
        try value.entries().map { key, keyLocation, item in
            guard allowed.contains(key) else {
                let hint = closestMatch(to: key, in: allowed).map { "; did you mean '\($0)'?" } ?? ""
                throw ConfigError(keyLocation, keyPath: item.keyPath,
                                  "this truncation has no coupling '\(key)' (it has \(allowed.joined(separator: ", ")))\(hint)")
            }
            return (key, try item.double())
        }
    }

    static func couplingNames(for spec: TruncationSpec, at value: ConfigValue) throws -> [String] {
        do {
            return try BetaFunctions.couplings(for: spec).names
        } catch let error as TruncationError {
            throw ConfigError(value.location, keyPath: value.keyPath, error.description)
        }
    }

    static let solverKeys = ["method", "relativeTolerance", "absoluteTolerance", "maxSteps"]

    /// `solver`; keys not given keep `defaults`.
    static func readSolver(_ value: ConfigValue?, defaults: FlowSolverSettings = FlowSolverSettings()) throws -> FlowSolverSettings {
        var settings = defaults
        guard let value else { return settings }
        let m = try value.mapping(allowedKeys: solverKeys)
        if let method = m.optional("method") {
            settings.method = try method.choice(ODEMethod.self)
        }
        settings.relativeTolerance = try m.optional("relativeTolerance")?.double(in: 1e-15...1e-2, "a relative tolerance") ?? settings.relativeTolerance
        settings.absoluteTolerance = try m.optional("absoluteTolerance")?.double(in: 1e-300...1, "an absolute tolerance") ?? settings.absoluteTolerance
        settings.maxSteps = try m.optional("maxSteps")?.int(in: 1...100_000_000, "a step budget") ?? settings.maxSteps
        return settings
    }
}
