import ArgumentParser
import TextOutput
import Truncation

/// The flags that choose a truncation, shared by `frg beta` and `frg fixed-points`.
struct TruncationOptions: ParsableArguments {
    /// `--truncation`: every `TruncationKind`, or the whole LPA potential (FullPotential, not
    /// projected on couplings).
    enum Choice: Equatable, ExpressibleByArgument {
        case projected(TruncationKind)
        case fullPotential

        static let fullPotentialName = "full-potential"

        init?(argument: String) {
            if argument == Self.fullPotentialName {
                self = .fullPotential
            } else if let kind = TruncationKind(rawValue: argument) {
                self = .projected(kind)
            } else {
                return nil
            }
        }

        static var allValueStrings: [String] { TruncationKind.allCases.map(\.rawValue) + [fullPotentialName] }

        var defaultValueDescription: String {
            switch self {
            case .projected(let kind): return kind.rawValue
            case .fullPotential: return Self.fullPotentialName
            }
        }

        var kind: TruncationKind? {
            if case .projected(let kind) = self { return kind }
            return nil
        }
    }

    /// `--expansion`: a point of the field expansion, or both (fixed-points `--convergence`), or
    /// none: the whole functions (fixed-points, Polchinski derivative2).
    enum Expansion: String, ExpressibleByArgument, CaseIterable {
        case zero
        case minimum
        case both
        case full

        var point: ExpansionPoint? { ExpansionPoint(rawValue: rawValue) }
    }

    @Option(help: "Functional equation.")
    var scheme: FlowEquation = .wetterich

    @Option(help: "Truncation (full-potential: the whole LPA potential; fixed-points and flow configs).")
    var truncation: Choice = .projected(.lpa)

    @Option(help: "Expansion point of the potential: zero (u2 … u2n) or minimum (kappa, lambda2 … lambdan); both with fixed-points --convergence; full: the whole functions v(φ), z(φ), not expanded (fixed-points --scheme polchinski --truncation derivative2).")
    var expansion: Expansion = .zero

    @Option(parsing: .unconditional, help: "Data-space dimension d (real, > 0). Required.")
    var dimension: Double?

    @Option(name: .customLong("order"), parsing: .unconditional,
            help: "Order 2n: the highest power of the field kept (even, 2 … \(TruncationSpec.maximumOrder); default 6). Not for the whole functions (--truncation full-potential, --expansion full).")
    var orderGiven: Int?

    /// `--order`, 6 when it is not given. (Optional underneath, so that a command whose truncation
    /// has no order can refuse it instead of ignoring it.)
    var order: Int { orderGiven ?? 6 }

    @Option(help: "Regulator (Wetterich; Polchinski lpa-prime and derivative2: its UV cutoff c = R/(p²+R); default litim).")
    var regulator: RegulatorKind?

    @Option(parsing: .unconditional, help: "Regulator prefactor α in R_k = α Z_k k² r(y) (exponential regulator only; default 1).")
    var prefactor: Double?

    func validate() throws {
        if let dimension, !(dimension.isFinite && dimension > 0 && dimension <= TruncationSpec.maximumDimension) {
            throw ValidationError("--dimension must be a real number with 0 < d ≤ \(formatPlain(TruncationSpec.maximumDimension)), got \(dimension)")
        }
        guard order >= 2, order % 2 == 0, order <= TruncationSpec.maximumOrder else {
            throw ValidationError("--order must be an even integer from 2 to \(TruncationSpec.maximumOrder), got \(order)\(order > TruncationSpec.maximumOrder ? ": \(TruncationSpec.maximumOrderReason)" : "")")
        }
        if regulator != nil, scheme == .polchinski, truncation.kind == nil || truncation.kind == .lpa {
            throw ValidationError("--regulator does not apply to the normalized Polchinski LPA (regulator constants are absorbed in v and φ); beyond it (lpa-prime, derivative2) it picks the cutoff")
        }
        if let prefactor {
            guard prefactor.isFinite, prefactor > 0, prefactor <= TruncationSpec.maximumRegulatorPrefactor else {
                throw ValidationError("--prefactor must be a number with 0 < α ≤ \(formatPlain(TruncationSpec.maximumRegulatorPrefactor)), got \(prefactor)")
            }
            guard regulator == .exponential else {
                throw ValidationError("--prefactor goes with --regulator exponential (Litim's closed forms hold for α = 1 only; Polchinski has no regulator shape)")
            }
        }
    }

    /// The truncation at `expansion` (default: the flag's), validated by `TruncationSpec.validate()`;
    /// throws `UsageError` when `--dimension` is missing or the choice has no coupling equations,
    /// and `TruncationError` for impossible combinations.
    func spec(expansion point: ExpansionPoint? = nil) throws -> TruncationSpec {
        guard let kind = truncation.kind else {
            throw UsageError("--truncation full-potential has no coupling equations to print; use it with frg fixed-points or a flow config")
        }
        guard let dimension else {
            throw UsageError("--dimension is required (a real number d > 0, e.g. --dimension 3)")
        }
        guard let point = point ?? expansion.point else {
            throw UsageError(expansion == .full
                ? "--expansion full solves for whole functions, with no coupling equations: use it with frg fixed-points --scheme polchinski --truncation derivative2"
                : "--expansion both goes with fixed-points --convergence")
        }
        var spec = TruncationSpec(scheme: scheme, truncation: kind, expansion: point, dimension: dimension,
                                  order: order, regulator: regulator ?? .litim)
        spec.regulatorPrefactor = prefactor ?? 1
        try spec.validate()
        return spec
    }
}
