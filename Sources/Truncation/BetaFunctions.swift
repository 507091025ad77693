import Foundation

/// Beta functions `∂_t ū_i = β_i(ū)` of a truncation, derived symbolically from the flow equation
/// and compiled into flat tables for allocation-free evaluation.
///
/// Conventions (PHYSICS.md §1): `t = ln(k/Λ)`; couplings are dimensionless, `u_i = k^{dim_i} ū_i`
/// with `dim_i = canonicalDimensions[i]` (for `u_{2m}`: `2m − (m−1)d`; for `κ`: `d − 2`; for `λ_j`:
/// `2j − (j−1)d`). The Jacobian is row-major, `J[i*n + j] = ∂β_i/∂ū_j`, derived exactly (symbolic
/// differentiation, including the chain rule through `w` and, in LPA′, through `η`).
///
/// A value of this type is immutable and may be shared across threads.
public struct BetaFunctions: Sendable {
    public let spec: TruncationSpec
    /// What each coupling is, in the order of the state vector.
    public let couplings: [CouplingDescriptor]
    /// Coupling identifiers (`couplings.map(\.name)`): `u2, u4, …` (Wetterich about φ = 0),
    /// `v2, v4, …` (Polchinski about φ = 0), `kappa, lambda2, …` (about the minimum), then
    /// `z1, z2, …` (derivative2).
    public let couplingNames: [String]
    /// Positions of `κ` and `λ2` (expansion about the minimum), looked up once: the domain check
    /// runs at every Newton trial step.
    let minimumIndex: Int?, curvatureIndex: Int?
    /// Mass dimension of each dimensionful coupling at `d = spec.dimension` (engineering
    /// dimension; with LPA′ the field's scaling dimension adds `η`).
    public let canonicalDimensions: [Double]
    /// `K_d` at `d = spec.dimension`.
    public let ballVolumeFactor: Double
    /// The regulator behind the threshold functions.
    public let regulator: any Regulator

    /// Level of `1 + w` (the threshold margin) at which flows stop before the pole and below which
    /// fixed points are not trusted (see `domainConstraints`).
    public var thresholdStopLevel: Double = 1e-3

    let evaluation: Evaluation

    /// How the numbers are computed from the derived equations.
    enum Evaluation: Sendable {
        /// The exact symbolic system compiled into flat tables (every truncation).
        case tables(Storage)
        /// Power-series arithmetic on the same projection (LPA): cost `O(n³)` per Jacobian at any
        /// order, where the symbolic tables grow steeply (see `PotentialSeriesEvaluator`).
        case series(PotentialSeriesEvaluator)
    }

    /// Which evaluation `init(_:evaluation:)` builds.
    public enum EvaluationChoice: Sendable {
        /// Power series for the LPA, compiled exact tables otherwise (what `init(_:)` does).
        case automatic
        /// The compiled exact system for every truncation: for comparisons and benchmarks (an LPA
        /// at high order then pays the full symbolic derivation).
        case tables
    }

    /// Number of couplings `n`.
    public var count: Int { couplings.count }
    /// True when the truncation carries an anomalous dimension (LPA′).
    public var hasAnomalousDimension: Bool {
        if case .tables(let storage) = evaluation { return storage.eta != nil }
        return false
    }
    /// True when the beta functions contain threshold functions (Wetterich), i.e. have a pole.
    public var hasThresholds: Bool { spec.scheme == .wetterich }

    /// The exact symbolic system behind these numbers (derived once per `derivationKey` and
    /// process; for the LPA only when something asks for it, such as the rendered equations).
    var derived: DerivedSystem {
        switch evaluation {
        case .tables(let storage): return storage.derived
        case .series:
            do {
                return try BetaFunctions.symbolicSystem(spec.derivationKey).derived
            } catch {
                // The LPA projections (about zero and about the minimum) have no failure path.
                preconditionFailure("the LPA derivation failed: \(error)")
            }
        }
    }

    /// The beta functions for `spec`; throws `TruncationError` for invalid combinations.
    ///
    /// The symbolic derivation is shared by every spec with the same `derivationKey` (it is
    /// independent of `d` and of the regulator) and done once per process; this initializer
    /// derives only on the first request for a key and otherwise just compiles the cached system
    /// for `spec.dimension` and `spec.regulator`.
    ///
    /// LPA truncations are evaluated by power-series arithmetic on the same projection and derive
    /// nothing symbolically until the exact equations are asked for (`PotentialSeriesEvaluator`).
    public init(_ spec: TruncationSpec) throws {
        try self.init(spec, evaluation: .automatic)
    }

    /// The beta functions for `spec`, evaluated as `choice` says.
    public init(_ spec: TruncationSpec, evaluation choice: EvaluationChoice) throws {
        try self.init(spec, regulator: spec.regulatorValue, evaluation: choice)
    }

    /// The beta functions of `spec` with `regulator` in place of `spec.regulator`'s (tests: regulator
    /// families that are not on the command line, such as a smoothed Litim step).
    init(_ spec: TruncationSpec, regulator: any Regulator, evaluation choice: EvaluationChoice = .automatic) throws {
        try spec.validate()
        let key = DerivationKey(spec, regulator: regulator)
        self.spec = spec
        self.regulator = regulator
        let d = spec.dimension
        if choice == .automatic, spec.truncation == .lpa {
            couplings = Derivation.potentialCouplings(key)
            let loop = spec.scheme == .wetterich ? try regulator.thresholdQuadrature(.loop, dimension: d) : nil
            evaluation = .series(PotentialSeriesEvaluator(
                couplingCount: couplings.count, expansion: spec.expansion, scheme: spec.scheme,
                dimension: d, loop: loop))
        } else {
            let symbolic = try BetaFunctions.symbolicSystem(key)
            couplings = symbolic.derived.couplings
            evaluation = .tables(try Storage(symbolic: symbolic, regulator: regulator, dimension: d))
        }
        couplingNames = couplings.names
        minimumIndex = couplings.firstIndex(of: .minimumLocation)
        curvatureIndex = couplings.firstIndex(of: .potentialAtMinimum(derivative: 2))
        canonicalDimensions = couplings.map { $0.canonicalDimension(at: d) }
        ballVolumeFactor = Truncation.ballVolumeFactor(dimension: d)
    }

    /// The position of the coupling with `role`, if this truncation has one.
    public func index(of role: CouplingDescriptor.Role) -> Int? { couplings.firstIndex(of: role) }

    /// The couplings `BetaFunctions(spec)` would have, without compiling anything for `spec`'s
    /// dimension (the derivation is shared with every later `BetaFunctions` of the same key):
    /// for readers that only need to know which couplings a truncation has.
    public static func couplings(for spec: TruncationSpec) throws -> [CouplingDescriptor] {
        try spec.validate()
        if spec.truncation == .lpa { return Derivation.potentialCouplings(spec.derivationKey) }
        return try symbolicSystem(spec.derivationKey).derived.couplings
    }

    /// The cached symbolic system of `key`, derived on the first request.
    static func symbolicSystem(_ key: DerivationKey) throws -> SymbolicSystem {
        try DerivationCache.shared.system(for: key) { SymbolicSystem(try Derivation.derive(key)) }
    }

    // MARK: Hot path

    /// `beta[i] = β_i(u)`; `u.count` and `beta.count` must equal `count`. Does not allocate.
    /// Near a threshold pole (`thresholdMargin → 0`) the values diverge; at the pole they are not finite.
    public func evaluate(_ u: UnsafeBufferPointer<Double>, into beta: UnsafeMutableBufferPointer<Double>) {
        precondition(u.count == count && beta.count == count, "BetaFunctions.evaluate: wrong buffer size")
        switch evaluation {
        case .series(let series):
            series.evaluate(u, into: beta)
        case .tables(let storage):
            storage.withPrepared(u) { powers, atoms, _ in
                storage.betas.evaluate(powers: powers, atoms: atoms, into: beta.baseAddress!)
            }
        }
    }

    /// `jacobian[i*n + j] = ∂β_i/∂ū_j` at `u`; `jacobian.count` must be `count²`. Does not allocate.
    public func jacobian(_ u: UnsafeBufferPointer<Double>, into jacobian: UnsafeMutableBufferPointer<Double>) {
        let n = count
        precondition(u.count == n && jacobian.count == n * n, "BetaFunctions.jacobian: wrong buffer size")
        let storage: Storage
        switch evaluation {
        case .series(let series):
            series.jacobian(u, into: jacobian)
            return
        case .tables(let tables):
            storage = tables
        }
        storage.withPrepared(u) { powers, atoms, eta in
            storage.jacobian.evaluate(powers: powers, atoms: atoms, into: jacobian.baseAddress!)
            guard let dEta = storage.etaGradient, let dBetaDEta = storage.betaEtaDerivative else { return }
            // J_ij += (∂β_i/∂η)(∂η/∂ū_j): η depends on the couplings.
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * n) { tmp in
                let gEta = tmp.baseAddress!
                let bEta = gEta + n
                dEta.evaluate(powers: powers, atoms: atoms, into: gEta)
                if let den = storage.etaDenominator, let dDen = storage.etaDenominatorGradient {
                    // η = N/D: ∂η = (∂N − η ∂D)/D.
                    let gDen = bEta + n
                    var denominator = 0.0
                    den.evaluate(powers: powers, atoms: atoms, into: &denominator)
                    dDen.evaluate(powers: powers, atoms: atoms, into: gDen)
                    for j in 0..<n { gEta[j] = (gEta[j] - eta * gDen[j]) / denominator }
                }
                dBetaDEta.evaluate(powers: powers, atoms: atoms, into: bEta)
                for i in 0..<n {
                    for j in 0..<n { jacobian[i * n + j] += bEta[i] * gEta[j] }
                }
            }
        }
    }

    // MARK: Conveniences

    /// `β(u)` as an array (the `VectorField` convenience).
    public func evaluate(_ u: [Double]) -> [Double] { beta(at: u) }

    /// The Jacobian as a row-major array of `count²` entries (the `VectorField` convenience).
    public func jacobian(_ u: [Double]) -> [Double] { jacobian(at: u) }

    /// The anomalous dimension `η(ū)` (LPA′: `η = −∂_t ln Z_k` at the running minimum), or nil when
    /// the truncation has none (LPA and Polchinski, where `η ≡ 0`).
    public func anomalousDimension(at u: [Double]) -> Double? {
        guard case .tables(let storage) = evaluation, storage.eta != nil else { return nil }
        precondition(u.count == count, "BetaFunctions.anomalousDimension: wrong coupling count")
        var eta = 0.0
        u.withUnsafeBufferPointer { ub in storage.withPrepared(ub) { _, _, e in eta = e } }
        return eta
    }

    /// The mass-like argument `w` of the threshold functions (`ū2` about φ = 0, `2κ̄λ̄2` about the
    /// minimum), or nil for Polchinski.
    public func thresholdArgument(at u: [Double]) -> Double? {
        guard hasThresholds else { return nil }
        precondition(u.count == count, "BetaFunctions.thresholdArgument: wrong coupling count")
        return u.withUnsafeBufferPointer { argumentValue($0) }
    }

    /// Distance from the threshold pole: `min_y p(y) + w = 1 + w` for both regulators. The flow
    /// equations diverge as it goes to 0; integrators should stop (event) before. Nil when the
    /// equations have no threshold functions (Polchinski).
    public func thresholdMargin(at u: [Double]) -> Double? {
        guard let w = thresholdArgument(at: u) else { return nil }
        return regulator.minimumInversePropagator + w
    }

    /// Allocation-free `thresholdMargin` for the hot path; returns `+∞` when there is no threshold.
    public func thresholdMargin(_ u: UnsafeBufferPointer<Double>) -> Double {
        guard hasThresholds else { return .infinity }
        return regulator.minimumInversePropagator + argumentValue(u)
    }

    private func argumentValue(_ u: UnsafeBufferPointer<Double>) -> Double {
        switch evaluation {
        case .series(let series): return series.argument(u)
        case .tables(let storage): return storage.argumentValue(u)
        }
    }

    /// Why the equations are not finite at `u`, for messages: on or beyond the threshold pole
    /// (1+w ≤ 0), or — about the minimum — λ̄2 = 0, which the projection divides by
    /// (β_κ ∝ κ̄ λ̄3/λ̄2); otherwise the margin, so the reader can judge.
    public func nonFiniteReason(at u: [Double]) -> String {
        let margin = thresholdMargin(at: u)
        if let margin, margin <= 0 {
            return "the point is on or beyond the threshold pole (1+w = \(margin) ≤ 0), outside the flow's domain 1+w > 0"
        }
        if let i = index(of: .potentialAtMinimum(derivative: 2)), u[i] == 0 {
            return "the expansion about the minimum divides by \(couplingNames[i]) (β_κ ∝ κ̄ λ̄3/λ̄2), so \(couplingNames[i]) = 0 is outside its domain"
        }
        return "the equations are not finite here (threshold margin 1+w = \(margin.map { "\($0)" } ?? "n/a"))"
    }

    /// Coupling values from a name → value map; every coupling must be given.
    public func couplings(from values: [String: Double]) throws -> [Double] {
        for name in values.keys where !couplingNames.contains(name) {
            throw TruncationError.unknownCoupling(name, known: couplingNames)
        }
        let missing = couplingNames.filter { values[$0] == nil }
        if !missing.isEmpty {
            throw TruncationError.wrongCouplingCount(expected: count, got: count - missing.count)
        }
        return couplingNames.map { values[$0]! }
    }

    // MARK: Storage

    final class Storage: @unchecked Sendable {
        let derived: DerivedSystem
        let layout: EvaluationLayout
        let thresholds: ThresholdTable
        let argument: CompiledExpressions?
        let eta: CompiledExpressions?
        let betas: CompiledExpressions
        let jacobian: CompiledExpressions
        let etaGradient: CompiledExpressions?
        let etaDenominator: CompiledExpressions?
        let etaDenominatorGradient: CompiledExpressions?
        let betaEtaDerivative: CompiledExpressions?
        let couplingCount: Int
        // Sizes of the scratch tables, copied out of `layout` as plain integers: the hot path
        // must not touch `layout.families` (an array), whose reference count, shared by every
        // thread evaluating the same system, would serialize them.
        let powerTableSize: Int
        let atomCount: Int
        let minimumExponent: Int
        let maximumExponent: Int
        let exponentStride: Int

        init(symbolic: SymbolicSystem, regulator: any Regulator, dimension d: Double) throws {
            let derived = symbolic.derived
            self.derived = derived
            couplingCount = derived.couplingCount
            let constants = derived.constants
            let layout = symbolic.layout
            self.layout = layout
            powerTableSize = layout.powerTableSize
            atomCount = layout.atomCount
            minimumExponent = layout.minimumExponent
            maximumExponent = layout.maximumExponent
            exponentStride = layout.stride
            let rules = try layout.families.map { try regulator.thresholdQuadrature(code: $0.family, dimension: d) }
            thresholds = ThresholdTable(layout: layout, rules: rules)
            let compile = { (e: [SymbolicExpression]) -> CompiledExpressions in
                CompiledExpressions(e, layout: layout, dimension: d, constants: constants)
            }
            betas = compile(derived.betas)
            jacobian = compile(symbolic.jacobian)
            argument = derived.thresholdArgument.map { compile([$0]) }
            eta = derived.eta.map { compile([$0]) }
            etaGradient = symbolic.etaGradient.map(compile)
            etaDenominator = derived.etaDenominator.map { compile([$0]) }
            etaDenominatorGradient = symbolic.etaDenominatorGradient.map(compile)
            betaEtaDerivative = symbolic.betaEtaDerivative.map(compile)
        }

        private func fillPowers(variable v: Int, value x: Double, table: UnsafeMutablePointer<Double>) {
            let zero = v * exponentStride - minimumExponent
            table[zero] = 1
            var p = 1.0
            if maximumExponent >= 1 {
                for e in 1...maximumExponent { p *= x; table[zero + e] = p }
            }
            if minimumExponent < 0 {
                let inv = 1 / x
                p = 1
                for e in 1...(-minimumExponent) { p *= inv; table[zero - e] = p }
            }
        }

        func argumentValue(_ u: UnsafeBufferPointer<Double>) -> Double {
            withUnsafeTemporaryAllocation(of: Double.self, capacity: powerTableSize + 1) { buf in
                let powers = buf.baseAddress!
                for v in 0..<couplingCount { fillPowers(variable: v, value: u[v], table: powers) }
                var w = 0.0
                argument!.evaluate(powers: powers, atoms: powers, into: &w)
                return w
            }
        }

        /// Builds the power table and threshold atoms at `u` (and `η` when present), then calls `body`.
        @inline(__always)
        func withPrepared(_ u: UnsafeBufferPointer<Double>,
                          _ body: (UnsafePointer<Double>, UnsafePointer<Double>, Double) -> Void) {
            let size = powerTableSize + atomCount + 1
            withUnsafeTemporaryAllocation(of: Double.self, capacity: size) { buf in
                let powers = buf.baseAddress!
                let atoms = powers + powerTableSize
                for v in 0..<couplingCount { fillPowers(variable: v, value: u[v], table: powers) }
                if let argument {
                    var w = 0.0
                    argument.evaluate(powers: powers, atoms: atoms, into: &w)
                    thresholds.fill(w: w, into: atoms)
                }
                var etaValue = 0.0
                if let eta {
                    eta.evaluate(powers: powers, atoms: atoms, into: &etaValue)
                    if let etaDenominator {
                        var denominator = 0.0
                        etaDenominator.evaluate(powers: powers, atoms: atoms, into: &denominator)
                        etaValue /= denominator
                    }
                    fillPowers(variable: couplingCount, value: etaValue, table: powers)
                }
                body(powers, atoms, etaValue)
            }
        }
    }
}
