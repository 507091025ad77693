import ArgumentParser
import ComplexModule
import Dispatch
import FixedPoints
import Foundation
import FullPotential
import LapackRuntime
import Truncation

/// `swift run -c release frg-bench studies`: wall time and accuracy of whole studies, through the
/// library calls the command line makes (not the CLI), as markdown tables.
///
/// - Census (`frg fixed-points --dimension 3 --order 2n [--expansion zero]`: `FixedPointCensus`
///   with the CLI's defaults, 400 starts, seed 1, width 3): Wetterich LPA, Litim, d = 3, about the
///   minimum and about zero; ν, ω of its Wilson–Fisher point and |ν − ν_ref|. The rows of an
///   expansion stop at the first order without a Wilson–Fisher point (about zero: φ⁴⁰), saying why.
/// - Convergence (`--convergence 4:2n --expansion minimum`: `BranchStudy.byOrder`): the time of each
///   order (from the study's progress reports) and how many digits of ν settle order by order.
/// - Full potential (`--truncation full-potential`: `scalingSolution`, default resolution and error
///   estimate) in Wetterich–Litim and Polchinski, which must agree in the LPA: the gap between the
///   two schemes against the sum of the changes each reports.
///
/// ν_ref = 0.649561773880 is the full-potential LPA value (Litim, d = 3) of the issue; the table
/// header also gives frg's own full-potential value at 1.5× its default resolution.
///
/// Each census and convergence row runs in a fresh child process (this program, `--row`), so
/// that it pays for its own derivations, as a command would; its time is measured inside the
/// child around the library call (LAPACK already loaded, process start not included).
/// `--in-process` runs them here instead, sharing the derivation cache between rows.
struct StudiesBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studies",
        abstract: "Time and accuracy of fixed-point studies (census, convergence, full potential) as markdown tables.")

    static let nuReference = 0.649561773880

    @Option(help: "Orders 2n of the census rows (comma-separated).")
    var orders = "8,16,24,32,40,48,60"

    @Option(help: "Expansion points of the census rows (comma-separated): minimum, zero.")
    var expansions = "minimum,zero"

    @Option(help: "Highest order of the convergence study about the minimum (from φ⁴); 0 skips it.")
    var convergenceTo = 48

    @Option(help: "Dimensions of the full-potential rows (comma-separated, 2 < d < 4).")
    var dimensions = "2.2,2.5,3,3.5"

    @Option(help: "Parts to run (comma-separated): census, convergence, full-potential.")
    var parts = "census,convergence,full-potential"

    @Option(help: "Full-potential solves per row (the median is printed).")
    var repetitions = 5

    @Flag(help: "Small orders only: census orders ≤ 24, convergence to 24, full potential at d = 3 (about ten seconds).")
    var quick = false

    @Flag(help: "Run census and convergence rows in this process (derivations cached across rows).")
    var inProcess = false

    @Option(help: ArgumentHelp("One row in this process, printed as JSON (used by the parent run).", visibility: .hidden))
    var row: String?

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
        let known: Set = ["census", "convergence", "full-potential"]
        for part in list(parts) where !known.contains(part) { throw ValidationError("unknown part '\(part)'") }
        for order in try censusOrders() where !(4...TruncationSpec.maximumOrder).contains(order) || order % 2 != 0 {
            throw ValidationError("census order \(order): an even order 4 … \(TruncationSpec.maximumOrder)")
        }
        if convergenceTo != 0, !(6...TruncationSpec.maximumOrder).contains(convergenceTo) || convergenceTo % 2 != 0 {
            throw ValidationError("--convergence-to: 0 or an even order 6 … \(TruncationSpec.maximumOrder)")
        }
        _ = try censusExpansions()
        for d in try fullPotentialDimensions() where !(d > 2 && d < 4) {
            throw ValidationError("full-potential dimension \(d): 2 < d < 4")
        }
    }

    func run() throws {
        if let row {
            let line = try JSONEncoder().encode(try RowRequest(row).run())
            print("studies-row: " + String(decoding: line, as: UTF8.self))
            return
        }
        try Lapack.load()
        print("frg-bench studies — Wetterich LPA, Litim regulator unless stated; times are wall seconds of the library call"
              + (inProcess ? " (rows share one process: derivations cached across rows)." : " (each study in a fresh process)."))
        print("LAPACK: \(Lapack.provider ?? "unknown library"), BLAS threads per call: \(Lapack.blasThreadCount.map(String.init) ?? "n/a")")
        let selected = Set(list(parts))
        if selected.contains("census") || selected.contains("convergence") {
            let reference = try scalingSolution(ScalingSolutionSpec(scheme: .wetterich, dimension: 3))
            print(String(format: "ν_ref = %.12f (issue); frg full potential: ν = %.12f ± %@, difference %.1e",
                         Self.nuReference, reference.nu, change(reference.nuError), abs(reference.nu - Self.nuReference)))
        }
        if selected.contains("census") { try censusTable() }
        if selected.contains("convergence"), effectiveConvergenceTo > 0 { try convergenceTable() }
        if selected.contains("full-potential") { try fullPotentialTable() }
    }

    // MARK: Census

    private func censusTable() throws {
        print("\n### Fixed points, d = 3 (`frg fixed-points --dimension 3 --order 2n`)\n")
        print("| expansion | 2n | time [s] | ν | ω | \\|ν − ν_ref\\| | verdict |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for expansion in try censusExpansions() {
            var stoppedAt: Int?
            for order in try censusOrders() {
                if let stoppedAt {
                    print("| \(expansion) | \(order) | – | – | – | – | not run (stopped at φ^\(stoppedAt)) |")
                    continue
                }
                let result: RowResult
                do {
                    result = try runRow(.census(expansion, order))
                } catch {
                    print("| \(expansion) | \(order) | – | – | – | – | failed: \(error) |")
                    stoppedAt = order
                    continue
                }
                guard case let .census(census) = result else { continue }
                print(census.markdown(expansion: expansion, order: order))
                fflush(stdout)
                if census.nu == nil { stoppedAt = order }
            }
        }
    }

    // MARK: Convergence

    private func convergenceTable() throws {
        let top = effectiveConvergenceTo
        print("\n### Convergence about the minimum, d = 3 (`frg fixed-points --dimension 3 --expansion minimum --convergence 4:\(top)`)\n")
        guard case let .convergence(study) = try runRow(.convergence(top)) else { return }
        print(String(format: "whole study: %.2f s", study.seconds) + (study.stopped.map { "; stopped: \($0)" } ?? ""))
        print("")
        print("| 2n | order time [s] | ν | settled digits (vs 2n−2) | \\|ν − ν_ref\\| | ω |")
        print("|---:|---:|---:|---:|---:|---:|")
        var previous: Double?
        for step in study.steps {
            let settled = previous.map { digits(agreement: abs(step.nu - $0), scale: step.nu) } ?? "–"
            let time: String = step.seconds.map { String(format: "%.3f", $0) } ?? "–"
            let omega: String = step.omega.map { String(format: "%.6f", $0) } ?? "–"
            let nu = String(format: "%.12f", step.nu), error = String(format: "%.1e", abs(step.nu - Self.nuReference))
            print("| \(step.order) | \(time) | \(nu) | \(settled) | \(error) | \(omega) |")
            previous = step.nu
        }
        fflush(stdout)
    }

    /// Significant digits two values share, from their difference: ⌊−log₁₀(|Δ|/|scale|)⌋.
    private func digits(agreement difference: Double, scale: Double) -> String {
        difference == 0 ? "all" : String(max(0, Int((-log10(difference / abs(scale))).rounded(.down))))
    }

    // MARK: Full potential

    private func fullPotentialTable() throws {
        print("\n### Full-potential scaling solution (`frg fixed-points --truncation full-potential`)\n")
        print("| d | scheme | time [s] | basis | ν ± error | ω ± error | θ₃ ± error | θ₄ ± error | θ₅ ± error |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        var gaps: [String] = []
        for d in try fullPotentialDimensions() {
            var solutions: [LPAScheme: ScalingSolution] = [:]
            for scheme in LPAScheme.allCases {
                var solution: ScalingSolution?
                do {
                    let seconds = try median(repetitions) {
                        solution = try scalingSolution(ScalingSolutionSpec(scheme: scheme, dimension: d))
                    }
                    let s = solution!
                    solutions[scheme] = s
                    let errors = s.eigenvalueErrors ?? []
                    let higher = (2..<min(5, s.eigenvalues.count)).map { i in
                        format(s.eigenvalues[i]) + " ± " + change(i < errors.count ? errors[i] : nil)
                    }
                    let cells = higher + Array(repeating: "–", count: 3 - higher.count)
                    let head = "| " + String(format: "%g", d) + " | \(scheme) | " + String(format: "%.4f", seconds) + " | \(s.basisSize) | "
                    let exponents = String(format: "%.10f ± %@", s.nu, change(s.nuError)) + " | "
                        + String(format: "%.10f ± %@", s.omega, change(s.omegaError)) + " | "
                    let tail: String = cells.joined(separator: " | ") + " |" + (s.shortfall.map { " (\($0))" } ?? "")
                    print(head + exponents + tail)
                } catch {
                    print("| " + String(format: "%g", d) + " | \(scheme) | – | failed: \(error) | | | | |")
                }
                fflush(stdout)
            }
            if let w = solutions[.wetterich], let p = solutions[.polchinski] {
                gaps.append(gapRow(d, w, p))
            }
        }
        guard !gaps.isEmpty else { return }
        print("\nThe two schemes must agree (the LPA's Wetterich–Litim and Polchinski forms are equivalent); the error estimate"
              + " holds when each gap is at most the sum of the two reported errors.\n")
        print("| d | \\|Δν\\| | errors (W + P) | within | \\|Δθ₂\\| = \\|Δω\\| | errors | within | \\|Δθ₃…θ₅\\| | errors | within |")
        print("|---:|---:|---:|---|---:|---:|---|---|---|---|")
        for gap in gaps { print(gap) }
    }

    private func gapRow(_ d: Double, _ w: ScalingSolution, _ p: ScalingSolution) -> String {
        func verdict(_ gap: Double, _ bound: Double?) -> String {
            guard let bound else { return "–" }
            return gap <= bound ? "yes" : "**no**"
        }
        let nuGap = abs(w.nu - p.nu), omegaGap = abs(w.omega - p.omega)
        let nuBound = w.nuError.flatMap { a in p.nuError.map { a + $0 } }
        let omegaBound = w.omegaError.flatMap { a in p.omegaError.map { a + $0 } }
        let count = min(5, w.eigenvalues.count, p.eigenvalues.count)
        let we = w.eigenvalueErrors ?? [], pe = p.eigenvalueErrors ?? []
        let higher = (2..<max(2, count)).map { i -> (gap: Double, bound: Double?) in
            ((w.eigenvalues[i] - p.eigenvalues[i]).length, i < we.count && i < pe.count ? we[i] + pe[i] : nil)
        }
        let higherWithin = higher.allSatisfy { row in row.bound.map { row.gap <= $0 } ?? false }
        return "| " + String(format: "%g", d) + " | " + String(format: "%.1e", nuGap) + " | " + change(nuBound)
            + " | \(verdict(nuGap, nuBound)) | " + String(format: "%.1e", omegaGap) + " | "
            + change(omegaBound) + " | \(verdict(omegaGap, omegaBound)) | "
            + (higher.isEmpty ? "–" : higher.map { String(format: "%.1e", $0.gap) }.joined(separator: ", ")) + " | "
            + (higher.isEmpty ? "–" : higher.map { change($0.bound) }.joined(separator: ", ")) + " | "
            + (higher.isEmpty ? "–" : higherWithin ? "yes" : "**no**") + " |"
    }

    /// A reported error, or a dash without the error estimate.
    private func change(_ value: Double?) -> String {
        value.map { String(format: "%.1e", $0) } ?? "–"
    }

    private func format(_ z: Complex<Double>) -> String {
        z.imaginary == 0 ? String(format: "%.8f", z.real) : String(format: "%.6f%+.6fi", z.real, z.imaginary)
    }

    private func median(_ count: Int, _ body: () throws -> Void) throws -> Double {
        var seconds: [Double] = []
        for _ in 0..<count { seconds.append(try wallSeconds(body)) }
        return seconds.sorted()[count / 2]
    }

    // MARK: Rows and child processes

    private var effectiveConvergenceTo: Int { quick ? min(convergenceTo, 24) : convergenceTo }

    private func censusOrders() throws -> [Int] {
        let all = try list(orders).map { text -> Int in
            guard let order = Int(text) else { throw ValidationError("--orders: '\(text)' is not an integer") }
            return order
        }
        return quick ? all.filter { $0 <= 24 } : all
    }

    private func censusExpansions() throws -> [ExpansionPoint] {
        try list(expansions).map { text in
            guard let expansion = ExpansionPoint(rawValue: text) else {
                throw ValidationError("--expansions: '\(text)' is not minimum or zero")
            }
            return expansion
        }
    }

    private func fullPotentialDimensions() throws -> [Double] {
        let all = try list(dimensions).map { text -> Double in
            guard let d = Double(text), d.isFinite else { throw ValidationError("--dimensions: '\(text)' is not a number") }
            return d
        }
        return quick ? all.filter { $0 == 3 } : all
    }

    private func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func runRow(_ request: RowRequest) throws -> RowResult {
        if inProcess { return try request.run() }
        do {
            return try childRow(["studies", "--row", request.argument], prefix: "studies-row: ")
        } catch let failure as ChildRowFailure {
            throw ChildRowFailure(description: "frg-bench studies: row \(request.argument) failed: \(failure.description)")
        }
    }
}


/// One census or convergence study; `argument` is its `--row` spelling (`census:minimum:24`,
/// `convergence:48`).
private enum RowRequest {
    case census(ExpansionPoint, Int)
    case convergence(Int)

    init(_ argument: String) throws {
        let fields = argument.split(separator: ":").map(String.init)
        switch (fields.first, fields.count) {
        case ("census", 3):
            guard let expansion = ExpansionPoint(rawValue: fields[1]), let order = Int(fields[2]) else { break }
            self = .census(expansion, order)
            return
        case ("convergence", 2):
            guard let order = Int(fields[1]) else { break }
            self = .convergence(order)
            return
        default: break
        }
        throw ValidationError("--row: '\(argument)' is not census:EXPANSION:ORDER or convergence:ORDER")
    }

    var argument: String {
        switch self {
        case let .census(expansion, order): return "census:\(expansion.rawValue):\(order)"
        case let .convergence(order): return "convergence:\(order)"
        }
    }

    func run() throws -> RowResult {
        try Lapack.load()
        switch self {
        case let .census(expansion, order):
            let spec = TruncationSpec(expansion: expansion, dimension: 3, order: order)
            var census: FixedPointCensus?
            let seconds = try wallSeconds { census = try FixedPointCensus(spec, starts: 400, seed: 1, width: 3) }
            let c = census!
            let wilsonFisher = c.points.filter { $0.kind == .wilsonFisher }
            guard let point = wilsonFisher.first, let nu = point.nu else {
                return .census(CensusRow(seconds: seconds, nu: nil, omega: nil,
                                         verdict: c.shortfall ?? "no Wilson–Fisher point (\(c.points.map(\.kind.rawValue)))"))
            }
            var verdict = point.reportedKind
            if wilsonFisher.count > 1 { verdict += " (first of \(wilsonFisher.count) Wilson–Fisher-like points)" }
            return .census(CensusRow(seconds: seconds, nu: nu, omega: point.omega, verdict: verdict))
        case let .convergence(order):
            let spec = TruncationSpec(expansion: .minimum, dimension: 3, order: order)
            let clock = ProgressClock()
            var study: BranchStudy?
            let seconds = try wallSeconds {
                study = try BranchStudy.byOrder(spec, fromOrder: 4, starts: 400, seed: 1, progress: clock.record)
            }
            let marks = clock.orderTimes(end: DispatchTime.now().uptimeNanoseconds)
            // A step without ν (no real relevant eigenvalue) has nothing to converge; it is left out.
            let steps = study!.steps.compactMap { step -> ConvergenceStep? in
                guard let nu = step.fixedPoint.nu else { return nil }
                let o = Int(step.parameter)
                return ConvergenceStep(order: o, seconds: marks[o], nu: nu, omega: step.fixedPoint.omega)
            }
            return .convergence(ConvergenceRow(seconds: seconds, steps: steps, stopped: study!.stopped))
        }
    }
}

private enum RowResult: Codable {
    case census(CensusRow)
    case convergence(ConvergenceRow)
}

private struct CensusRow: Codable {
    var seconds: Double
    var nu: Double?
    var omega: Double?
    var verdict: String

    func markdown(expansion: ExpansionPoint, order: Int) -> String {
        let time = String(format: "%.3f", seconds)
        guard let nu else { return "| \(expansion) | \(order) | \(time) | – | – | – | \(verdict) |" }
        return "| \(expansion) | \(order) | \(time) | " + String(format: "%.10f", nu) + " | "
            + (omega.map { String(format: "%.8f", $0) } ?? "–") + " | "
            + String(format: "%.1e", abs(nu - StudiesBenchmark.nuReference)) + " | \(verdict) |"
    }
}

private struct ConvergenceStep: Codable {
    var order: Int
    /// The time from the study's report that it starts this order to its next report.
    var seconds: Double?
    var nu: Double
    var omega: Double?
}

private struct ConvergenceRow: Codable {
    var seconds: Double
    var steps: [ConvergenceStep]
    var stopped: String?
}

/// Timestamps of a study's progress reports. `BranchStudy.byOrder` reports `φ^N of φ^T` before it
/// derives and solves order N, so the time from one such report to the next report is order N's.
private final class ProgressClock: @unchecked Sendable {
    private let lock = NSLock()
    private var marks: [(String, UInt64)] = []

    var record: StudyProgress {
        { [self] message in
            let now = DispatchTime.now().uptimeNanoseconds
            lock.lock()
            marks.append((message, now))
            lock.unlock()
        }
    }

    func orderTimes(end: UInt64) -> [Int: Double] {
        lock.lock()
        defer { lock.unlock() }
        var times: [Int: Double] = [:]
        for (i, (message, start)) in marks.enumerated() {
            let stage = "Wilson–Fisher branch: φ^"
            guard message.hasPrefix(stage), let order = Int(message.dropFirst(stage.count).prefix { $0.isNumber }) else { continue }
            let stop = i + 1 < marks.count ? marks[i + 1].1 : end
            times[order] = Double(stop - start) * 1e-9
        }
        return times
    }
}
