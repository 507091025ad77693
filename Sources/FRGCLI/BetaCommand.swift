import ArgumentParser
import Foundation
import Truncation

/// `frg beta`: derives beta functions from the Wetterich or Polchinski equation for a chosen
/// truncation and prints them (text, LaTeX or JSON), optionally evaluated at a point.
///
/// Options are read as strings and parsed here so that every bad value gets one clear line on
/// stderr and exit code 2.
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

    @Option(help: "Flow equation: wetterich | polchinski.")
    var scheme: String = "wetterich"

    @Option(help: "Truncation: lpa | lpa-prime | derivative2.")
    var truncation: String = "lpa"

    @Option(help: "Expansion point: zero (φ = 0) | minimum (running minimum κ).")
    var expansion: String = "zero"

    @Option(help: "Dimension d > 0 (real).")
    var dimension: String?

    @Option(help: "Order 2n of the field expansion (even, ≥ 2).")
    var order: String = "6"

    @Option(help: "Regulator: litim | exponential (Wetterich only).")
    var regulator: String?

    @Option(help: "Output format: text | latex | json.")
    var format: String = "text"

    @Option(help: "Evaluate at a point: comma-separated name=value for every coupling, e.g. u2=-0.1,u4=0.5,u6=1.")
    var at: String?

    public init() {}

    public func run() throws {
        do {
            print(try output())
        } catch let error as BetaUsageError {
            FileHandle.standardError.write(Data("frg beta: \(error.message)\n".utf8))
            throw ExitCode(2)
        } catch let error as TruncationError {
            FileHandle.standardError.write(Data("frg beta: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// The full text that `run` prints; throws `BetaUsageError` or `TruncationError`.
    func output() throws -> String {
        let spec = try makeSpec()
        guard let outputFormat = EquationFormat(rawValue: format) else {
            throw BetaUsageError("unknown --format '\(format)'; use text, latex or json")
        }
        let beta = try BetaFunctions(spec)
        let point = try at.map { try parsePoint($0, beta: beta) }
        if let point {
            let values = beta.evaluate(point) + [beta.anomalousDimension(at: point) ?? 0]
            if values.contains(where: { !$0.isFinite }) {
                throw TruncationError.notFinite(
                    "the beta functions diverge at this point (threshold margin 1+w = \(beta.thresholdMargin(at: point).map { "\($0)" } ?? "n/a"))")
            }
        }
        switch outputFormat {
        case .json:
            return try beta.json(at: point)
        case .text, .latex:
            var out = beta.equations(format: outputFormat)
            if let point { out += "\n" + evaluationLines(beta, point, latex: outputFormat == .latex) }
            return out
        }
    }

    func makeSpec() throws -> TruncationSpec {
        guard let scheme = FlowEquation(rawValue: scheme) else {
            throw BetaUsageError("unknown --scheme '\(self.scheme)'; use wetterich or polchinski")
        }
        guard let truncation = TruncationKind(rawValue: truncation) else {
            throw BetaUsageError("unknown --truncation '\(self.truncation)'; use lpa, lpa-prime or derivative2")
        }
        guard let expansion = ExpansionPoint(rawValue: expansion) else {
            throw BetaUsageError("unknown --expansion '\(self.expansion)'; use zero or minimum")
        }
        guard let dimensionText = dimension else {
            throw BetaUsageError("--dimension is required (a real number d > 0, e.g. --dimension 3)")
        }
        guard let d = Double(dimensionText), d.isFinite, d > 0 else {
            throw BetaUsageError("--dimension '\(dimensionText)' is not a real number > 0")
        }
        guard let order = Int(order) else {
            throw BetaUsageError("--order '\(self.order)' is not an integer (the even order 2n, e.g. 6)")
        }
        var regulatorKind = RegulatorKind.litim
        if let r = regulator {
            guard let k = RegulatorKind(rawValue: r) else {
                throw BetaUsageError("unknown --regulator '\(r)'; use litim or exponential")
            }
            if scheme == .polchinski {
                throw BetaUsageError("--regulator does not apply to the normalized Polchinski equation (regulator constants are absorbed in v and φ)")
            }
            regulatorKind = k
        }
        let spec = TruncationSpec(scheme: scheme, truncation: truncation, expansion: expansion,
                                  dimension: d, order: order, regulator: regulatorKind)
        try spec.validate()
        return spec
    }

    func parsePoint(_ text: String, beta: BetaFunctions) throws -> [Double] {
        var values: [String: Double] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw BetaUsageError("--at: '\(item)' is not of the form name=value")
            }
            guard let v = Double(parts[1]), v.isFinite else {
                throw BetaUsageError("--at: value of \(parts[0]) ('\(parts[1])') is not a finite number")
            }
            guard values[parts[0]] == nil else { throw BetaUsageError("--at: \(parts[0]) given twice") }
            values[parts[0]] = v
        }
        let missing = beta.couplingNames.filter { values[$0] == nil }
        if !missing.isEmpty, values.keys.allSatisfy(beta.couplingNames.contains) {
            throw BetaUsageError("--at: missing \(missing.joined(separator: ", ")) (this truncation has \(beta.couplingNames.joined(separator: ", ")))")
        }
        return try beta.couplings(from: values)
    }

    func evaluationLines(_ beta: BetaFunctions, _ point: [Double], latex: Bool) -> String {
        let c = latex ? "% " : ""
        var lines = ["\(c)at " + zip(beta.couplingNames, point).map { "\($0)=\($1)" }.joined(separator: ", ") + ":"]
        let values = beta.evaluate(point)
        for (name, v) in zip(beta.couplingNames, values) { lines.append("\(c)  beta_\(name) = \(v)") }
        if let eta = beta.anomalousDimension(at: point) { lines.append("\(c)  eta = \(eta)") }
        if let m = beta.thresholdMargin(at: point) { lines.append("\(c)  threshold margin 1+w = \(m)") }
        return lines.joined(separator: "\n")
    }
}

/// A bad option value of `frg beta` (message printed as one line, exit code 2).
struct BetaUsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
