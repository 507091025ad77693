/// An autonomous flow `dū/dt = β(ū)` in RG time `t = ln(k/Λ)`, with its exact Jacobian.
///
/// Conformers must be safe to call from several threads at once (the searches run starts in
/// parallel): value types holding immutable coefficient tables are.
public protocol VectorField: Sendable {
    /// Number of couplings.
    var dimension: Int { get }
    /// Names of the couplings, in the order of the state vector (`u2`, `u4`, … or `kappa`, `lambda2`, …).
    var coordinateNames: [String] { get }
    /// Writes `β(ū)` into `beta` (length `dimension`). Must not allocate.
    func evaluate(_ u: UnsafeBufferPointer<Double>, into beta: UnsafeMutableBufferPointer<Double>)
    /// Writes the Jacobian `J[i·n + j] = ∂β_i/∂ū_j` (row-major) into `jacobian`. Must not allocate.
    func jacobian(_ u: UnsafeBufferPointer<Double>, into jacobian: UnsafeMutableBufferPointer<Double>)
    /// Conditions `g(ū) ≥ level` under which the equations are defined and the truncation is
    /// trusted (for example the threshold denominator `1 + ū2 ≥ 10⁻³`, or `κ ≥ 0` for the
    /// expansion about the running minimum). Flows stop with an event when one of them falls to
    /// its `stopBelow` level; fixed points outside are discarded.
    var domainConstraints: [DomainConstraint] { get }
    /// Whether `ū` lies where the equations are defined and trusted: every constraint at or
    /// above its stop level.
    func isInDomain(_ u: [Double]) -> Bool
    /// The anomalous dimension `η(ū)` where the truncation has one, else nil.
    func anomalousDimension(at u: [Double]) -> Double?
    /// Whether `ū` describes the free (Gaussian) theory to within `tolerance`: by default all
    /// couplings vanish. In the expansion about the minimum the Gaussian point is a flat potential,
    /// where `κ` is undetermined and only the `λ`s vanish.
    func isGaussian(_ u: [Double], tolerance: Double) -> Bool
    /// The typical magnitude of each coordinate, the floor of the units Newton's method measures
    /// it in (a coordinate is measured against `max(|ū_j|, naturalScales[j])`). Default: 1.
    var naturalScales: [Double] { get }
}

extension VectorField {
    public var domainConstraints: [DomainConstraint] { [] }

    public func isInDomain(_ u: [Double]) -> Bool {
        let constraints = domainConstraints
        guard !constraints.isEmpty else { return true }
        return u.withUnsafeBufferPointer { buffer in constraints.allSatisfy { $0.value(buffer) >= $0.stopBelow } }
    }

    public func anomalousDimension(at u: [Double]) -> Double? { nil }
    public func isGaussian(_ u: [Double], tolerance: Double) -> Bool { u.allSatisfy { abs($0) <= tolerance } }
    public var naturalScales: [Double] { [Double](repeating: 1, count: dimension) }

    /// `β(ū)` as an array (allocates; for setup code and tests).
    public func beta(at u: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: dimension)
        u.withUnsafeBufferPointer { uu in out.withUnsafeMutableBufferPointer { evaluate(uu, into: $0) } }
        return out
    }

    /// The row-major Jacobian as an array (allocates; for setup code and tests).
    public func jacobian(at u: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: dimension * dimension)
        u.withUnsafeBufferPointer { uu in out.withUnsafeMutableBufferPointer { jacobian(uu, into: $0) } }
        return out
    }
}

/// A condition `value(ū) ≥ stopBelow` for the equations of a truncation to make sense.
public struct DomainConstraint: Sendable {
    /// Short name, used in event reports: "threshold 1+ū2".
    public var name: String
    /// What it means physically when the flow reaches `stopBelow`, for the user.
    public var meaning: String
    /// A flow is stopped (as a result, not a failure) when `value` falls to this level.
    public var stopBelow: Double
    /// `g(ū)`; must not allocate.
    public var value: @Sendable (UnsafeBufferPointer<Double>) -> Double

    public init(name: String, meaning: String, stopBelow: Double,
                value: @escaping @Sendable (UnsafeBufferPointer<Double>) -> Double) {
        self.name = name
        self.meaning = meaning
        self.stopBelow = stopBelow
        self.value = value
    }
}

extension BetaFunctions: VectorField {
    public var dimension: Int { count }
    public var coordinateNames: [String] { couplingNames }

    /// `K_d^p` per coupling (`CouplingDescriptor.naturalScale`): `ū_{2m} ~ K_d^{1−m}`, `κ ~ K_d`,
    /// `λ_j ~ K_d^{1−j}`; 1 for Polchinski.
    public var naturalScales: [Double] { couplings.map { $0.naturalScale(ballVolumeFactor: ballVolumeFactor) } }

    /// All couplings vanish, except the position `κ` of the minimum, which a flat potential
    /// leaves undetermined.
    public func isGaussian(_ u: [Double], tolerance: Double) -> Bool {
        zip(couplings, u).allSatisfy { $0.role == .minimumLocation || abs($1) <= tolerance }
    }

    /// The threshold denominator `1 + w` (Wetterich) must stay above `thresholdStopLevel`; the
    /// expansion about the running minimum needs `κ ≥ 0` (at `κ = 0` the minimum reaches `φ = 0`:
    /// the flow enters the symmetric phase, where that expansion ends) and `λ2 > 0` (the flow of
    /// `κ` divides by it).
    public var domainConstraints: [DomainConstraint] {
        var constraints: [DomainConstraint] = []
        if hasThresholds {
            let beta = self
            constraints.append(DomainConstraint(
                name: "threshold 1+w",
                meaning: "the threshold denominator 1 + w (w = \(spec.expansion == .zero ? "ū2" : "2κλ2")) approaches the pole: the flow runs into the broken phase, which this truncation cannot follow",
                stopBelow: thresholdStopLevel) { beta.thresholdMargin($0) })
        }
        if let kappa = minimumIndex {
            constraints.append(DomainConstraint(
                name: "minimum κ ≥ 0",
                meaning: "the running minimum reached φ = 0: the flow enters the symmetric phase, where the expansion about the minimum ends (use expansion: zero)",
                stopBelow: 0) { $0[kappa] })
        }
        if let lambda2 = curvatureIndex {
            // ∂_t κ = −(flow of U'(κ))/λ2: the expansion about the minimum has a pole at λ2 = 0.
            constraints.append(DomainConstraint(
                name: "curvature λ2 > 0",
                meaning: "the curvature λ2 of the potential at its minimum fell to zero, where the flow of κ is singular: the expansion about the minimum cannot follow further",
                stopBelow: BetaFunctions.curvatureStopLevel) { $0[lambda2] })
        }
        return constraints
    }

    /// The level of `λ2` below which the expansion about the minimum stops (its pole is at 0).
    static let curvatureStopLevel = 1e-9

    /// Every `domainConstraints` entry at or above its stop level, checked without building the
    /// constraints (Newton asks at every trial step; `VectorFieldTests` holds the two together).
    public func isInDomain(_ u: [Double]) -> Bool {
        u.withUnsafeBufferPointer { b in
            if hasThresholds, !(thresholdMargin(b) >= thresholdStopLevel) { return false }
            if let k = minimumIndex, !(b[k] >= 0) { return false }
            if let c = curvatureIndex, !(b[c] >= BetaFunctions.curvatureStopLevel) { return false }
            return true
        }
    }
}
