import Foundation

/// What the symbolic derivation of a truncation depends on: a `TruncationSpec` without the
/// dimension and the regulator.
///
/// The derivation keeps `d` as a symbol, and the regulator enters only through the threshold
/// atoms `A_k(w)` of each family, which stay symbols too: both become numbers when the system is
/// compiled for one `TruncationSpec` (threshold quadrature, `d` and the moments substituted). Two
/// specs with the same key therefore share one derivation. Whether a regulator provides the
/// families a truncation needs is checked by `TruncationSpec.validate()` on the full spec.
/// Polchinski beyond the LPA is the exception: its cutoff constants are numbers in the equations,
/// so the cutoff is part of the key (`polchinskiCutoff`).
public struct DerivationKey: Hashable, Sendable {
    public var scheme: FlowEquation
    public var truncation: TruncationKind
    public var expansion: ExpansionPoint
    public var order: Int
    /// True for LPA′ and derivative2 with a regulator without closed-form thresholds: their `p²`
    /// projection keeps `r'` and `r''` inside the `y` integrals (`MomentThreshold` atoms), where
    /// Litim's regulator reduces them to one node and a boundary term.
    public var momentThresholds: Bool
    /// The cutoff shape of Polchinski beyond the LPA (nil otherwise): its O(∂²) flow keeps two
    /// constants of the cutoff function (`γ`, `σ` in `derivePolchinskiBeyondLPA`) that no rescaling
    /// removes, so the shape is part of the derivation.
    public var polchinskiCutoff: RegulatorKind?

    public init(_ spec: TruncationSpec) {
        self.init(spec, regulator: spec.regulatorValue)
    }

    init(_ spec: TruncationSpec, regulator: any Regulator) {
        scheme = spec.scheme
        truncation = spec.truncation
        expansion = spec.expansion
        order = spec.order
        momentThresholds = spec.scheme == .wetterich && spec.truncation != .lpa && !regulator.isClosedForm
        polchinskiCutoff = spec.scheme == .polchinski && spec.truncation != .lpa ? spec.regulator : nil
    }

    /// `n`, the number of potential couplings.
    var potentialCouplingCount: Int { order / 2 }
}

extension TruncationSpec {
    /// The part of the spec the symbolic derivation depends on (see `DerivationKey`).
    public var derivationKey: DerivationKey { DerivationKey(self) }
}

/// The d-independent symbolic work for one `DerivationKey`: the projected system, the exact
/// derivatives the Jacobian needs, and the evaluation layout they share. Compiling it for a
/// dimension and a regulator gives a `BetaFunctions`.
final class SymbolicSystem: Sendable {
    let derived: DerivedSystem
    /// `∂β_i/∂ū_j` at fixed `η`, row-major, with the chain rule through `w` done.
    let jacobian: [SymbolicExpression]
    /// `∂η/∂ū_j` (of the numerator of `η` when `derived.etaDenominator != nil`).
    let etaGradient: [SymbolicExpression]?
    /// `∂D/∂ū_j` for `η = N/D` (derivative2).
    let etaDenominatorGradient: [SymbolicExpression]?
    /// `∂β_i/∂η` (the betas are linear in `η`).
    let betaEtaDerivative: [SymbolicExpression]?
    let layout: EvaluationLayout

    init(_ derived: DerivedSystem) {
        self.derived = derived
        let n = derived.couplingCount
        let etaIndex = derived.etaIndex
        let w = derived.thresholdArgument ?? .zero
        let gradientW = (0..<n).map { w.derivative(variable: $0, argumentDerivative: .zero) }
        // Symbolic differentiation of the n rows is independent work: spread it over the cores.
        var jacRows = [[SymbolicExpression]](repeating: [], count: n)
        jacRows.withUnsafeMutableBufferPointer { rows in
            let rowsBase = rows.baseAddress!
            DispatchQueue.concurrentPerform(iterations: n) { i in
                let b = derived.betas[i]
                rowsBase[i] = (0..<n).map { b.derivative(variable: $0, argumentDerivative: gradientW[$0]) }
            }
        }
        let jac = jacRows.flatMap { $0 }
        var etaGrad: [SymbolicExpression]? = nil
        var denominatorGrad: [SymbolicExpression]? = nil
        var betaEta: [SymbolicExpression]? = nil
        if let e = derived.eta {
            etaGrad = (0..<n).map { e.derivative(variable: $0, argumentDerivative: gradientW[$0]) }
            denominatorGrad = derived.etaDenominator.map { den in
                (0..<n).map { den.derivative(variable: $0, argumentDerivative: gradientW[$0]) }
            }
            betaEta = derived.betas.map { $0.coefficient(ofLinearVariable: etaIndex) }
            precondition(derived.betas.allSatisfy { $0.maximumPower(variable: etaIndex) <= 1 },
                         "beta functions must be linear in η")
        }
        jacobian = jac
        etaGradient = etaGrad
        etaDenominatorGradient = denominatorGrad
        betaEtaDerivative = betaEta
        var all = derived.betas + jac + [w]
        if let e = derived.eta { all += [e] + etaGrad! + betaEta! }
        if let den = derived.etaDenominator { all += [den] + denominatorGrad! }
        // The η slot is a variable only when η exists; `d` and the moments are substituted numerically.
        let variableCount = derived.eta == nil ? n : n + 1
        layout = EvaluationLayout(expressions: all, variableCount: variableCount, constants: derived.constants)
    }
}

/// The process-wide store of symbolic systems, one per `DerivationKey`.
///
/// Deriving is by far the dearest step of building a `BetaFunctions` (derivative2 at order 20:
/// about 2 s, against a fifth of that to compile; see `frg-bench truncation`), and it does not
/// depend on `d` or the regulator: a dimension sweep, a flow configuration that first asks for the
/// coupling names, or a study that revisits an order all reuse one derivation.
///
/// Entries are never evicted: a process asks for a handful of truncations. The price is memory in
/// studies that climb through the orders, which keep every order: about twice what the largest
/// alone needs, as the systems grow geometrically with the order (`frg fixed-points --expansion
/// both --convergence 4:40`, d = 3: 275 MiB peak against 129 MiB when each order was dropped).
///
/// Thread-safe. Concurrent first requests for one key derive once (the others wait for it);
/// requests for different keys derive in parallel.
final class DerivationCache: @unchecked Sendable {
    static let shared = DerivationCache()

    /// One key's slot; its lock is held while the system is derived, so that a second request
    /// waits rather than deriving again.
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var system: SymbolicSystem?
    }

    private let lock = NSLock()
    private var slots: [DerivationKey: Slot] = [:]

    /// The symbolic system for `key`, derived by `derive` on the first request only. A failed
    /// derivation is not stored: the next request tries again (and fails the same way).
    func system(for key: DerivationKey, derive: () throws -> SymbolicSystem) rethrows -> SymbolicSystem {
        lock.lock()
        let slot: Slot
        if let existing = slots[key] {
            slot = existing
        } else {
            slot = Slot()
            slots[key] = slot
        }
        lock.unlock()

        slot.lock.lock()
        defer { slot.lock.unlock() }
        if let system = slot.system { return system }
        let system = try derive()
        slot.system = system
        return system
    }
}

/// How many times each key has been derived in this process (`Derivation.derive` reports every
/// call, cached or not), so that tests can check that nothing derives twice.
final class DerivationCounter: @unchecked Sendable {
    static let shared = DerivationCounter()

    private let lock = NSLock()
    private var counts: [DerivationKey: Int] = [:]

    func record(_ key: DerivationKey) {
        lock.lock()
        counts[key, default: 0] += 1
        lock.unlock()
    }

    /// Derivations of `key` so far.
    func count(for key: DerivationKey) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return counts[key] ?? 0
    }

    /// Derivations of every key so far.
    var total: Int {
        lock.lock()
        defer { lock.unlock() }
        return counts.values.reduce(0, +)
    }
}
