/// The registry of architectures: one case per architecture and the one switch that maps it to its
/// type. Everything that lists architectures — the `architecture` choices of a config file, the
/// help texts of `frg sample`, validation messages — is derived from here.
///
/// Adding a single-layer architecture: one new file with a type conforming to `Architecture` (and
/// its `HiddenLayerSampler`), then a case below (its raw value is the name used in configs and on
/// the command line) and its line in `architectureType`.
public enum ArchitectureKind: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// `GaussNetArchitecture`.
    case gaussNet = "gaussnet"
    /// `CosNetArchitecture`.
    case cosNet = "cosnet"
    /// `ReLUNetArchitecture`.
    case reluNet = "relu"
    /// `ErfNetArchitecture`.
    case erfNet = "erf"

    /// The type implementing this architecture.
    public var architectureType: any Architecture.Type {
        switch self {
        case .gaussNet: return GaussNetArchitecture.self
        case .cosNet: return CosNetArchitecture.self
        case .reluNet: return ReLUNetArchitecture.self
        case .erfNet: return ErfNetArchitecture.self
        }
    }

    public var description: String { rawValue }

    /// The architecture's exact formulas at the given hyperparameters.
    public func architecture(sigmaW: Double, sigmaB: Double, inputDimension: Int) -> any Architecture {
        architectureType.init(sigmaW: sigmaW, sigmaB: sigmaB, inputDimension: inputDimension)
    }

    /// The architecture's exact formulas with the integration cutoff `Λ` of architectures whose
    /// weight kernel is not translation invariant (`ActivationNetArchitecture.cutoff`; nil keeps
    /// their default, others ignore it).
    public func architecture(sigmaW: Double, sigmaB: Double, inputDimension: Int, cutoff: Double?) -> any Architecture {
        let arch = architecture(sigmaW: sigmaW, sigmaB: sigmaB, inputDimension: inputDimension)
        guard let cutoff, var withCutoff = arch as? any ActivationNetArchitecture else { return arch }
        withCutoff.cutoff = cutoff
        return withCutoff
    }

    /// The names joined for a sentence: `gaussnet or cosnet`; `marking` gets ` (default)` added.
    public static func namesList(conjunction: String = "or", marking defaultKind: ArchitectureKind? = nil) -> String {
        joinedForSentence(allCases.map { $0 == defaultKind ? "\($0.rawValue) (default)" : $0.rawValue },
                          conjunction: conjunction)
    }

    /// What the marginal estimator needs, over every architecture that offers it: the end of the
    /// sentence "the marginal estimator needs …".
    public static var marginalEstimatorRequirements: String {
        let needs = allCases.compactMap { $0.architectureType.marginalEstimatorRequirement }
        return needs.isEmpty ? "an architecture that offers it (none does)" : joinedForSentence(needs, conjunction: "or")
    }
}

/// `a`, `a or b`, `a, b or c`.
func joinedForSentence(_ items: [String], conjunction: String) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
}
