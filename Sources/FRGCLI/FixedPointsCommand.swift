import ArgumentParser
import FixedPoints
import Foundation
import Reports
import Truncation

/// `frg fixed-points`: all real fixed points of a truncation, their stability and exponents.
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

    @Option(help: "Random Newton starts in the search box.")
    var starts: Int = 400

    @Option(help: "Seed of the (reproducible) start points.")
    var seed: UInt64 = 1

    @Option(help: "Half-width of the search box, in natural units of each coupling (K_d^{1−m} for u_2m).")
    var width: Double = 3

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "ν and ω order by order along the Wilson–Fisher branch, e.g. 4:40 (FROM:TO).")
    var convergence: String?

    @Option(name: .customLong("dimension-sweep"),
            help: "Follow the Wilson–Fisher fixed point in d, e.g. 3.99:1:0.01 (FROM:TO:STEP), at the given order.")
    var dimensionSweep: String?

    func run() throws {
        do {
            try execute()
        } catch let error as UsageError {
            throw fail("fixed-points", error.description, status: ExitStatus.usage)
        } catch let error as TruncationError {
            throw fail("fixed-points", error.description, status: ExitStatus.usage)
        } catch let error as ContinuationFailure {
            if !error.completed.isEmpty { print(continuationTable(error.completed, parameter: "order/d").text()) }
            throw fail("fixed-points", error.description, status: ExitStatus.failure)
        } catch let error as TruncationStudyError {
            throw fail("fixed-points", error.description, status: ExitStatus.failure)
        }
    }

    private func execute() throws {
        var spec = try truncation.spec()
        guard starts >= 1 else { throw UsageError("--starts must be at least 1, got \(starts)") }
        guard width.isFinite, width > 0 else { throw UsageError("--width must be positive, got \(width)") }

        if let convergence {
            let parts = convergence.split(separator: ":").map { Int($0) }
            guard parts.count == 2, let from = parts[0], let to = parts[1], from >= 2, from % 2 == 0, to % 2 == 0,
                  to >= from, to <= TruncationSpec.maximumOrder else {
                throw UsageError("--convergence takes FROM:TO with even orders FROM ≤ TO ≤ \(TruncationSpec.maximumOrder), got '\(convergence)'")
            }
            spec.order = to
            let steps = try TruncationStudies.wilsonFisherByOrder(spec, starts: starts, seed: seed).filter { Int($0.parameter) >= from }
            if json {
                print(try jsonText(["convergence": steps.map { ["order": Int($0.parameter), "fixedPoint": fixedPointObject($0.fixedPoint)] }]))
            } else {
                print("# Wilson–Fisher fixed point order by order: \(describe(spec))")
                print(continuationTable(steps, parameter: "order").text())
            }
            return
        }

        if let dimensionSweep {
            let parts = dimensionSweep.split(separator: ":").map { Double($0) }
            guard parts.count == 3, let from = parts[0], let to = parts[1], let step = parts[2], step > 0,
                  from > 0, to > 0, from.isFinite, to.isFinite else {
                throw UsageError("--dimension-sweep takes FROM:TO:STEP with positive dimensions and step, got '\(dimensionSweep)'")
            }
            let count = Int(((abs(from - to) / step) + 1e-9).rounded(.down))
            let direction: Double = to < from ? -1 : 1
            var dimensions = (0...count).map { from + direction * Double($0) * step }
            if abs(dimensions.last! - to) > 1e-9 * step { dimensions.append(to) }
            let steps = try TruncationStudies.wilsonFisherByDimension(spec, dimensions: dimensions, starts: starts, seed: seed)
            if json {
                print(try jsonText(["dimensionSweep": steps.map { ["dimension": $0.parameter, "fixedPoint": fixedPointObject($0.fixedPoint)] }]))
            } else {
                print("# Wilson–Fisher fixed point against d: \(describe(spec))")
                print(continuationTable(steps, parameter: "d").text())
            }
            return
        }

        let beta = try BetaFunctions(spec)
        var search = FixedPointSearch(region: TruncationStudies.defaultRegion(beta, width: width))
        search.starts = starts
        search.seed = seed
        // The Wilson–Fisher branch followed from φ⁴ is a start too: at high orders random starts
        // rarely land in its basin.
        if spec.order > TruncationStudies.startingOrder(spec),
           let wf = try? TruncationStudies.wilsonFisherByOrder(spec, starts: starts, seed: seed).last {
            search.extraStarts = [wf.fixedPoint.couplings]
        }
        let points = try search.run(beta)
        if json {
            print(try jsonText(["truncation": describe(spec), "fixedPoints": points.map(fixedPointObject)]))
            return
        }
        print("# Fixed points: \(describe(spec)); \(search.starts + 1 + search.extraStarts.count) Newton starts")
        print("# eigenvalues θ of ∂β_i/∂ū_j, t = ln(k/Λ): θ < 0 relevant; ν = −1/θ_min, ω = smallest Re θ > 0")
        let showEta = beta.hasAnomalousDimension
        var header = ["#", "kind"] + beta.couplingNames
        header += showEta ? ["ν", "ω", "η"] : ["ν", "ω"]
        header += ["eigenvalues", "basin"]
        var table = Table(header: header)
        for (index, p) in points.enumerated() {
            var row = ["\(index + 1)", p.kind.rawValue]
            row += p.couplings.map { formatNumber($0, significant: 8) }
            row.append(optionalNumber(p.nu, significant: 8))
            row.append(optionalNumber(p.omega, significant: 8))
            if showEta { row.append(optionalNumber(p.eta, significant: 6)) }
            row.append(p.eigenvalues.map(formatEigenvalue).joined(separator: " "))
            row.append("\(p.basin)")
            table.append(row)
        }
        print(table.text(), terminator: "")
    }
}

/// A number, or an em dash where the quantity does not exist (never NaN).
func optionalNumber(_ x: Double?, significant: Int) -> String {
    x.map { formatNumber($0, significant: significant) } ?? "—"
}

private func formatEigenvalue(_ c: Complex) -> String {
    c.im == 0 ? formatNumber(c.re, significant: 6)
        : "\(formatNumber(c.re, significant: 6))\(c.im < 0 ? "−" : "+")\(formatNumber(abs(c.im), significant: 6))i"
}

private func continuationTable(_ steps: [ContinuationStep], parameter: String) -> Table {
    let names = steps.last?.fixedPoint.couplingNames.prefix(3) ?? []
    var table = Table(header: [parameter, "kind", "ν", "ω"] + names + ["max|β|/(1+max|ū|)"])
    for step in steps {
        let p = step.fixedPoint
        table.append([formatNumber(step.parameter, significant: 6), p.kind.rawValue,
                      optionalNumber(p.nu, significant: 10), optionalNumber(p.omega, significant: 10)]
                     + names.map { optionalNumber(p.coupling($0), significant: 8) }
                     + [formatNumber(p.residual / (1 + (p.couplings.map(abs).max() ?? 0)), significant: 2)])
    }
    return table
}

/// The JSON object of one fixed point; absent exponents are `null`, never NaN.
func fixedPointObject(_ p: FixedPoint) -> [String: Any] {
    [
        "kind": p.kind.rawValue,
        "couplings": Dictionary(uniqueKeysWithValues: zip(p.couplingNames, p.couplings)),
        "eigenvalues": p.eigenvalues.map { ["re": $0.re, "im": $0.im] },
        "nu": p.nu ?? NSNull(),
        "omega": p.omega ?? NSNull(),
        "eta": p.eta ?? NSNull(),
        "relevantDirections": p.relevantDirections,
        "basin": p.basin,
        "residual": p.residual,
    ]
}

func jsonText(_ object: [String: Any]) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
}
