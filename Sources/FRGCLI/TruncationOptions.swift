import ArgumentParser
import Truncation

/// The flags that choose a truncation, shared by `frg beta` and `frg fixed-points`.
///
/// Values are read as strings and checked here, so that every mistake gets one clear line and
/// exit status 2 (ArgumentParser's own enum parsing would exit 64).
struct TruncationOptions: ParsableArguments {
    @Option(help: "Functional equation: wetterich or polchinski.")
    var scheme: String = "wetterich"

    @Option(help: "Truncation: lpa, lpa-prime, derivative2, or full-potential (the whole LPA potential; fixed-points and flow configs).")
    var truncation: String = "lpa"

    @Option(help: "Expansion point of the potential: zero (u2 … u2n) or minimum (kappa, lambda2 … lambdan); both, with fixed-points --convergence.")
    var expansion: String = "zero"

    @Option(parsing: .unconditional, help: "Data-space dimension d (real, > 0). Required.")
    var dimension: String?

    @Option(help: "Order 2n: the highest power of the field kept (even).")
    var order: String = "6"

    @Option(help: "Regulator: litim (default) or exponential; Wetterich only.")
    var regulator: String?

    /// True for `--truncation full-potential`: the LPA potential as a whole function, solved by
    /// the FullPotential module rather than projected on couplings.
    var isFullPotential: Bool { truncation == "full-potential" }

    /// The validated specification; throws a one-line message for the user.
    func spec() throws -> TruncationSpec {
        if isFullPotential {
            throw UsageError("--truncation full-potential has no coupling equations to print; use it with frg fixed-points or a flow config")
        }
        func choice<E: RawRepresentable & CaseIterable>(_ flag: String, _ value: String, _: E.Type) throws -> E where E.RawValue == String {
            guard let parsed = E(rawValue: value) else {
                throw UsageError("--\(flag) must be one of \(E.allCases.map(\.rawValue).joined(separator: ", ")), got '\(value)'")
            }
            return parsed
        }
        guard let dimension else {
            throw UsageError("--dimension is required (a real number d > 0, e.g. --dimension 3)")
        }
        guard let d = Double(dimension), d.isFinite, d > 0 else {
            throw UsageError("--dimension must be a real number > 0, got '\(dimension)'")
        }
        if regulator != nil, scheme == FlowEquation.polchinski.rawValue {
            throw UsageError("--regulator does not apply to the normalized Polchinski equation (regulator constants are absorbed in v and φ)")
        }
        guard let order = Int(order), order >= 2, order % 2 == 0, order <= TruncationSpec.maximumOrder else {
            throw UsageError("--order must be an even integer from 2 to \(TruncationSpec.maximumOrder), got '\(self.order)'")
        }
        let spec = TruncationSpec(scheme: try choice("scheme", scheme, FlowEquation.self),
                                  truncation: try choice("truncation", truncation, TruncationKind.self),
                                  expansion: try choice("expansion", expansion, ExpansionPoint.self),
                                  dimension: d, order: order,
                                  regulator: try choice("regulator", regulator ?? "litim", RegulatorKind.self))
        do {
            try spec.validate()
        } catch let error as TruncationError {
            throw UsageError(error.description)
        }
        return spec
    }
}

/// A mistake in the command line: printed as one line, exit status 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
