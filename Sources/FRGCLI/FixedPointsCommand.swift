import ArgumentParser
import FixedPoints
import Foundation
import FullPotential
import LapackRuntime
import TextOutput
import Truncation

/// `frg fixed-points`: all real fixed points of a truncation, their stability and exponents; the
/// Wilson–Fisher branch order by order or through the dimension; the whole-potential solution.
struct FixedPointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixed-points",
        abstract: "Find the fixed points of a truncation, their eigenvalues and critical exponents.",
        discussion: """
            Multi-start Newton (exact Jacobian) in a box of natural units around the origin, plus \
            the Wilson–Fisher branch followed from φ⁴ up to the requested order. Eigenvalues θ of \
            M_ij = ∂β_i/∂ū_j (t = ln k: relevant directions have θ < 0); ν = −1/θ_min, ω = the \
            smallest positive Re θ. Exit status 2 for bad flags.
            """)

    @OptionGroup var truncation: TruncationOptions

    @Option(parsing: .unconditional, help: "Random Newton starts in the search box (1 … \(FixedPointCensus.maximumStarts)).")
    var starts: Int = 400

    @Option(parsing: .unconditional, help: "Seed of the (reproducible) start points.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Half-width of the search box, in natural units of each coupling (K_d^{1−m} for u_2m).")
    var width: Double = 3

    @Option(parsing: .unconditional, help: "With --truncation full-potential or --expansion full: the first Chebyshev degree N, 16 … 266 (default 40 Wetterich, 60 Polchinski); it grows by 3/2 up to 400 until the reported eigenvalues converge.")
    var basis: Int?

    /// `--normalization`: where `z = 1` fixes η for `--expansion full`.
    enum Normalization: String, ExpressibleByArgument, CaseIterable {
        case zero
        case minimum
    }

    @Option(help: "With --expansion full: where z = 1 fixes η, at φ = 0 (zero, the default) or at the minimum of v (minimum); the conditions of the polynomial truncations about zero and about the minimum.")
    var normalization: Normalization?

    @OptionGroup var out: OutputOptions

    /// Old spellings, refused with their replacement (docs/outputs.md).
    @Flag(help: .hidden) var json = false
    @Option(help: .hidden) var csv: String?

    @Option(help: "ν and ω order by order along the Wilson–Fisher branch, e.g. 4:40 (FROM:TO).")
    var convergence: String?

    @Option(help: "With --convergence or --dimension-sweep: draw ν and ω against the parameter as an SVG file; with --truncation full-potential: the scaling potential. SVG only (PNG, PDF: the Python package).")
    var plot: String?

    @Option(help: "With --convergence: draw |ν − ν_full| and |ω − ω_full| against the order (log scale), the full-potential values computed by frg.")
    var deviationPlot: String?

    @Option(name: .customLong("dimension-sweep"),
            help: "Follow the Wilson–Fisher fixed point in d, e.g. 3.99:1:0.01 (FROM:TO:STEP), at the given order (instead of --dimension).")
    var dimensionSweep: String?

    @Option(name: .customLong("pms-scan"),
            help: "Principle of minimal sensitivity: follow the Wilson–Fisher point through regulator prefactors α (R_k = α Z_k k² r(y)), e.g. 0.5:4:0.25 (FROM:TO:STEP), at the given order; reports ν(α), η(α) and where each is stationary. Exponential regulator.")
    var pmsScan: String?

    /// Most prefactors a PMS scan follows.
    static let maximumPrefactorCount = 1000

    /// `--pms-scan FROM:TO:STEP` as prefactors, nil when malformed.
    var prefactors: [Double]? {
        guard let pmsScan else { return nil }
        let parts = pmsScan.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
        guard parts.count == 3, let from = parts[0], let to = parts[1], let step = parts[2],
              from.isFinite, to.isFinite, step.isFinite, from > 0, to > from, step > 0,
              to <= TruncationSpec.maximumRegulatorPrefactor else { return nil }
        let count = Int(((to - from) / step + 1e-9).rounded(.down))
        guard count + 1 <= Self.maximumPrefactorCount, count >= 2 else { return nil }
        return (0...count).map { from + Double($0) * step }
    }

    /// `--convergence FROM:TO`, checked.
    var orderRange: ClosedRange<Int>? {
        guard let convergence else { return nil }
        let parts = convergence.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let from = parts[0], let to = parts[1], from >= 2, from % 2 == 0, to % 2 == 0,
              to >= from, to <= TruncationSpec.maximumOrder else { return nil }
        return from...to
    }

    /// `--dimension-sweep FROM:TO:STEP` as a grid (its values are checked by `dimensions()`).
    var dimensionGrid: DimensionGrid? {
        guard let dimensionSweep else { return nil }
        let parts = dimensionSweep.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
        guard parts.count == 3, let from = parts[0], let to = parts[1], let step = parts[2] else { return nil }
        return DimensionGrid(from: from, to: to, step: step)
    }

    func validate() throws {
        if json { throw ValidationError("--json was replaced by --format json") }
        if let csv { throw ValidationError("--csv was replaced by --format csv --output \(csv)") }
        if out.format == .latex { throw ValidationError("--format latex is for frg beta; fixed-points writes text, json or csv") }
        try checkPlotPath(plot)
        try checkPlotPath(deviationPlot, flag: "--deviation-plot")
        guard (1...FixedPointCensus.maximumStarts).contains(starts) else {
            throw ValidationError("--starts must be from 1 to \(FixedPointCensus.maximumStarts), got \(starts)")
        }
        guard width.isFinite, width > 0, width <= 1e6 else { throw ValidationError("--width must be in (0, 1e6], got \(width)") }
        if let convergence, orderRange == nil {
            throw ValidationError("--convergence takes FROM:TO with even orders 2 ≤ FROM ≤ TO ≤ \(TruncationSpec.maximumOrder), got '\(convergence)'; orders stop at \(TruncationSpec.maximumOrder) because \(TruncationSpec.maximumOrderReason)")
        }
        if let dimensionSweep {
            guard let grid = dimensionGrid else {
                throw ValidationError("--dimension-sweep takes FROM:TO:STEP with positive dimensions and step, got '\(dimensionSweep)'")
            }
            do { _ = try grid.dimensions() } catch { throw ValidationError("--dimension-sweep: \(error)") }
            guard truncation.dimension == nil else {
                throw ValidationError("--dimension-sweep gives the dimensions; leave out --dimension")
            }
        }
        guard [convergence, dimensionSweep, pmsScan].compactMap({ $0 }).count <= 1 else {
            throw ValidationError("--convergence, --dimension-sweep and --pms-scan are separate studies; give one")
        }
        if let pmsScan {
            guard prefactors != nil else {
                throw ValidationError("--pms-scan takes FROM:TO:STEP with 0 < FROM < TO ≤ \(formatPlain(TruncationSpec.maximumRegulatorPrefactor)), STEP > 0, 3 to \(Self.maximumPrefactorCount) prefactors; got '\(pmsScan)'")
            }
            guard truncation.regulator == .exponential, truncation.prefactor == nil else {
                throw ValidationError("--pms-scan varies the prefactor of the exponential regulator: give --regulator exponential and leave out --prefactor")
            }
            guard truncation.expansion != .both, truncation.expansion != .full else { throw ValidationError("--pms-scan takes one --expansion point (zero or minimum)") }
        }
        if truncation.expansion == .both, convergence == nil {
            throw ValidationError("--expansion both goes with --convergence")
        }
        let wholeFunctions = truncation.truncation == .fullPotential || truncation.expansion == .full
        if truncation.expansion == .full {
            guard truncation.scheme == .polchinski, truncation.truncation == .projected(.derivative2) else {
                throw ValidationError("--expansion full (whole functions) is implemented for --scheme polchinski --truncation derivative2; the whole LPA potential is --truncation full-potential")
            }
            guard truncation.prefactor == nil else {
                throw ValidationError("--prefactor does not apply to --expansion full: the Polchinski cutoff enters through its constants γ and σ, fixed by its shape (--regulator)")
            }
        }
        if normalization != nil, truncation.expansion != .full {
            throw ValidationError("--normalization goes with --expansion full (the polynomial truncations normalize z at their expansion point)")
        }
        if wholeFunctions {
            guard truncation.orderGiven == nil else {
                throw ValidationError("--order sets the field order of a polynomial truncation; the whole functions have none (their resolution is --basis)")
            }
            guard convergence == nil, dimensionSweep == nil, deviationPlot == nil else {
                throw ValidationError("--convergence, --dimension-sweep and --deviation-plot apply to polynomial truncations")
            }
            let limits = ScalingSolutionSpec.minimumBasisSize...(ScalingSolutionSpec.maximumBasisSize * 2 / 3)
            if let basis, !limits.contains(basis) { throw ValidationError("--basis (the first basis size; it grows by 3/2 up to \(ScalingSolutionSpec.maximumBasisSize)) must be between \(limits.lowerBound) and \(limits.upperBound), got \(basis)") }
            if truncation.truncation == .fullPotential, let regulator = truncation.regulator, regulator != .litim {
                throw ValidationError("the full-potential scaling solution is implemented for the Litim regulator (Wetterich) and for Polchinski")
            }
        } else {
            if basis != nil { throw ValidationError("--basis goes with --truncation full-potential or --expansion full") }
            if convergence == nil, dimensionSweep == nil, pmsScan == nil, plot != nil || deviationPlot != nil {
                throw ValidationError("--plot and --deviation-plot go with --convergence, --dimension-sweep or --pms-scan")
            }
            if deviationPlot != nil, convergence == nil {
                throw ValidationError("--deviation-plot goes with --convergence")
            }
        }
    }

    func run() throws {
        try OutputFiles().check(files: [out.file, out.format == .csv ? OutputFiles.sidecar(of: out.output) : nil, plot, deviationPlot])
        // Every mode needs LAPACK. Loaded here, before any parallel work: a missing library is its
        // own error (Newton would count a failed solve as a singular Jacobian), and the thread
        // policy's load-time environment is set while frg is still single-threaded.
        try Lapack.load()
        let report = FixedPointsReport(format: out.format ?? .text, output: out.output, plot: plot, deviationPlot: deviationPlot,
                                       starts: starts, seed: seed, width: width)
        if truncation.expansion == .full {
            guard let d = truncation.dimension else {
                throw UsageError("--dimension is required (a real number 2 < d < 4 for the scaling solution)")
            }
            let solution = try polchinskiDerivative2Solution(PolchinskiDerivative2Spec(
                dimension: d, cutoff: truncation.regulator ?? .litim, basisSize: basis ?? 60,
                normalization: normalization == .minimum ? .minimum : .zero))
            return try report.emit(solution)
        }
        if truncation.truncation == .fullPotential {
            guard let d = truncation.dimension else {
                throw UsageError("--dimension is required (a real number 2 < d < 4 for the scaling solution)")
            }
            let solution = try scalingSolution(ScalingSolutionSpec(scheme: LPAScheme(truncation.scheme), dimension: d, basisSize: basis))
            return try report.emit(solution)
        }
        if let orders = orderRange {
            let expansions: [ExpansionPoint] = truncation.expansion == .both ? [.zero, .minimum] : [truncation.expansion.point!]
            var studies: [BranchStudy] = []
            for expansion in expansions {
                var spec = try truncation.spec(expansion: expansion)
                spec.order = orders.upperBound
                let progress = ProgressLine()
                defer { progress.finish() }
                studies.append(try BranchStudy.byOrder(spec, fromOrder: orders.lowerBound, starts: starts, seed: seed,
                                                       progress: progress.report))
            }
            // The whole-potential solution of the same LPA is the limit the polynomial truncations
            // should approach; it is computed here, not quoted.
            return try report.emit(studies, study: "convergence", title: "Wilson–Fisher fixed point order by order",
                                   reference: ScalingSolution.lpaReference(for: studies[0].spec))
        }
        if let alphas = prefactors {
            let progress = ProgressLine()
            let study = try withExtendedLifetime(progress) {
                defer { progress.finish() }
                return try BranchStudy.byPrefactor(truncation.spec(), prefactors: alphas, starts: starts, seed: seed,
                                                   progress: progress.report)
            }
            return try report.emit([study], study: "pms-scan", title: "Wilson–Fisher fixed point against the regulator prefactor α",
                                   stationary: true)
        }
        if let grid = dimensionGrid {
            let dimensions = try grid.dimensions()
            var options = truncation
            options.dimension = dimensions[0]
            let study = try BranchStudy.byDimension(options.spec(), dimensions: dimensions, starts: starts, seed: seed)
            return try report.emit([study], study: "dimension-sweep", title: "Wilson–Fisher fixed point against d")
        }
        let progress = ProgressLine()
        let census = try withExtendedLifetime(progress) {
            defer { progress.finish() }
            return try FixedPointCensus(truncation.spec(), starts: starts, seed: seed, width: width, progress: progress.report)
        }
        try report.emit(census)
    }
}
