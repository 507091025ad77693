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
    /// Whether `ū` lies where the equations are defined (for example `1 + ū2 > 0` below a threshold
    /// pole). Fixed points outside are discarded.
    func isInDomain(_ u: [Double]) -> Bool
    /// The anomalous dimension `η(ū)` where the truncation has one, else nil.
    func anomalousDimension(at u: [Double]) -> Double?
}

extension VectorField {
    public func isInDomain(_ u: [Double]) -> Bool { true }
    public func anomalousDimension(at u: [Double]) -> Double? { nil }

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
