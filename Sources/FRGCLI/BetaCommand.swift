import ArgumentParser
import Foundation
import Reports
import TextOutput
import Truncation

/// `frg beta`: derives beta functions from the Wetterich or Polchinski equation for a chosen
/// truncation and prints them (text, LaTeX or JSON), optionally evaluated at a point.
public struct BetaCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "beta",
        abstract: "Derive beta functions by projecting a functional flow equation onto a truncation.",
        discussion: """
            The program derives the equations itself (field-series projection of the flow equation; \
            exact rational coefficients, d substituted). Conventions: t = ln(k/Λ), dimensionless \
            couplings ū_i = k^{-dim_i} u_i, K_d = π^{d/2}/(Γ(d/2+1)(2π)^d). About φ = 0 the couplings are \
            u2, u4, … (Polchinski: v2, v4, …); about the running minimum ρ = φ²/2 = κ they are kappa, \
            lambda2, …, lambdan.
            Example: frg beta --dimension 3 --order 6 --at u2=-0.1,u4=0.5,u6=1
            """
    )

    @OptionGroup var truncation: TruncationOptions

    @OptionGroup var out: OutputOptions

    @Option(help: "Evaluate at a point: comma-separated name=value for every coupling, e.g. u2=-0.1,u4=0.5,u6=1.")
    var at: String?

    public init() {}

    public func validate() throws {
        if out.format == .csv, at != nil {
            throw ValidationError("--at goes with --format text, latex or json (the CSV holds the terms of the equations; the values at a point are in --format json)")
        }
    }

    public func run() throws {
        try OutputFiles().check(files: [out.file])
        let text = try output()
        try OutputFiles().deliver(text, to: out.output, meta: out.format == .csv ? try csvMeta() : nil)
    }

    private func csvMeta() throws -> CSVMeta {
        let beta = try BetaFunctions(truncation.spec())
        return CSVMeta(columns: Self.csvColumns(beta), describes: schemaName("beta"), header: beta.headerLines(),
                       truncation: beta.truncationObject)
    }

    static func csvColumns(_ beta: BetaFunctions) -> [String] {
        ["coupling", "term", "coefficient", "coefficientValue", "etaPower", "thresholdFamily", "thresholdPower"] + beta.couplingNames
    }

    /// The full text that `run` prints; throws `UsageError` or `TruncationError`.
    func output() throws -> String {
        let beta = try BetaFunctions(truncation.spec())
        let point = try at.map { try parsePoint($0, beta: beta) }
        if let point {
            let values = beta.evaluate(point) + [beta.anomalousDimension(at: point) ?? 0]
            if values.contains(where: { !$0.isFinite }) { throw TruncationError.notFinite(beta.nonFiniteReason(at: point)) }
        }
        switch out.format ?? .text {
        case .json:
            return try jsonDocument(schema: schemaName("beta"), version: frgVersion, beta.jsonObject(at: point))
        case .csv:
            var table = Table(header: Self.csvColumns(beta))
            for row in beta.termRows() {
                let t = row.term
                table.append([row.equation, "\(row.index)", t.exactCoefficient.description, formatExact(t.coefficient),
                              "\(t.etaPower)", t.thresholdFamily ?? "", t.thresholdPower.map(String.init) ?? ""]
                             + beta.couplingNames.map { "\(t.powers[$0] ?? 0)" })
            }
            return try table.csv()
        case .text, .latex:
            let format: EquationFormat = out.format == .latex ? .latex : .text
            var out = beta.equations(format: format)
            if let point { out += "\n" + evaluationLines(beta, point, latex: format == .latex) }
            return out
        }
    }

    func parsePoint(_ text: String, beta: BetaFunctions) throws -> [Double] {
        var values: [String: Double] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw UsageError("--at: '\(item)' is not of the form name=value")
            }
            guard let v = Double(parts[1]), v.isFinite else {
                throw UsageError("--at: value of \(parts[0]) ('\(parts[1])') is not a finite number")
            }
            guard values[parts[0]] == nil else { throw UsageError("--at: \(parts[0]) given twice") }
            values[parts[0]] = v
        }
        let missing = beta.couplingNames.filter { values[$0] == nil }
        if !missing.isEmpty, values.keys.allSatisfy(beta.couplingNames.contains) {
            throw UsageError("--at: missing \(missing.joined(separator: ", ")) (this truncation has \(beta.couplingNames.joined(separator: ", ")))")
        }
        return try beta.couplings(from: values)
    }

    func evaluationLines(_ beta: BetaFunctions, _ point: [Double], latex: Bool) -> String {
        let c = latex ? "% " : ""
        var lines = ["\(c)at " + zip(beta.couplingNames, point).map { "\($0)=\($1)" }.joined(separator: ", ") + ":"]
        let values = beta.evaluate(point)
        for (name, v) in zip(beta.couplingNames, values) { lines.append("\(c)  beta_\(name) = \(v)") }
        if let eta = beta.anomalousDimension(at: point) { lines.append("\(c)  eta = \(eta)") }
        if let m = beta.thresholdMargin(at: point) { lines.append("\(c)  threshold margin 1+w = \(m)" + (m <= 0 ? " (on or beyond the pole: outside the flow's domain 1+w > 0)" : "")) }
        return lines.joined(separator: "\n")
    }
}
