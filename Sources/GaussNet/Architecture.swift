import Foundation

/// A one-hidden-layer architecture
///
///     f(x) = Σ_{i=1..N} W1_i g_i(x) + b1,   W1_i ~ N(0, σ_W²/N),   b1 ~ N(0, σ_b²),
///
/// with i.i.d. neurons `g_i`: everything the rest of the code needs to know about the neuron — its
/// correlators `H_n` in closed form, the kernels, the integrals that normalize the couplings, the
/// infrared expansion of the inverse kernel, and a sampler of hidden layers at fixed inputs.
///
/// Conventions (PHYSICS.md §2): `d` is the input dimension; the read-out weights `W1` and bias `b1`
/// are common to every architecture and are not part of the neuron. Gauss-net and Cos-net are both
/// normalized so that `H_2(x,y) = exp(−σ_W² |x−y|²/(2d))`, hence both have the Gaussian-process
/// kernel `K(x,y) = σ_b² + σ_W² exp(−σ_W² |x−y|²/(2d))` — the "dual" pair of seed 003 — and differ
/// only at finite width.
///
/// A new architecture is one file with a conforming type, registered in `ArchitectureKind`.
/// Architectures with that translation-invariant Gaussian weight kernel conform to
/// `GaussianKernelArchitecture` instead, which supplies the integrals and the expansion.
public protocol Architecture: Sendable {
    associatedtype Layer: HiddenLayerSampler

    /// The registry entry (`ArchitectureKind`) of this type.
    static var kind: ArchitectureKind { get }
    /// Name in prose, e.g. `Gauss-net`.
    static var displayName: String { get }
    /// The neuron in one line of plain text, for help texts, e.g. `g(x) = √2 cos(W0·x + c)`.
    static var neuronFormula: String { get }
    /// What the marginal estimator needs of this architecture, as the end of the sentence "the
    /// marginal estimator needs …"; nil when its layers never offer it.
    static var marginalEstimatorRequirement: String? { get }

    init(sigmaW: Double, sigmaB: Double, inputDimension: Int)

    /// Standard deviation scale `σ_W` of the weights (dimensionless).
    var sigmaW: Double { get }
    /// Standard deviation `σ_b` of the biases.
    var sigmaB: Double { get }
    /// Input dimension `d ≥ 1`.
    var inputDimension: Int { get }

    /// Exact neuron correlator `H_n(x_1, …, x_n) = E[g(x_1) ⋯ g(x_n)]` over the hidden parameters
    /// of one neuron. Each point has `inputDimension` components.
    func neuronCorrelator(_ points: [[Double]]) -> Double

    /// The weight part of the kernel, `K_W(x,y) = σ_W² H_2(x,y)`: the propagator on external legs
    /// and internal lines of tree diagrams. Default: `σ_W² · neuronCorrelator([x, y])`.
    func weightKernel(_ x: [Double], _ y: [Double]) -> Double

    /// The Gaussian-process kernel `K(x,y) = σ_b² + K_W(x,y)`, exact at every width. Default: that sum.
    func kernel(_ x: [Double], _ y: [Double]) -> Double

    /// Star integral `I_n(a_1..a_n) = ∫ d^d x Π_j K_W(x, a_j)`: `N_K = I_4` normalizes `u4`, `I_6`
    /// normalizes `u6` (PHYSICS.md §2).
    func starIntegral(_ points: [[Double]]) -> Double

    /// Two-vertex tree integral with three legs on each vertex and one internal line,
    /// `I_{3|3} = ∫∫ d^d x d^d y Π_{a∈left} K_W(x,a) K_W(x,y) Π_{b∈right} K_W(y,b)` (PHYSICS.md §2).
    func twoVertexIntegral(_ left: [[Double]], _ right: [[Double]]) -> Double

    /// `N_K` per four-point combination, `I_6` and `Σ_{10} I_{3|3}` per six-point combination
    /// (multisets of indices into `inputs`). Default: `starIntegral` and `twoVertexSum` per
    /// combination; an architecture with costly integrals shares work between combinations.
    func couplingIntegrals(inputs: [[Double]], four: [[Int]], six: [[Int]]) -> CouplingIntegrals

    /// Why this architecture cannot normalize the couplings at these hyperparameters and inputs, as
    /// one line; nil when it can (default).
    func couplingUnsupportedReason(inputs: [[Double]]) -> String?

    /// The inputs used when a run gives none (default: the paper's six, `SamplerSettings.paperInputs`).
    static var defaultInputs: [[Double]] { get }

    /// `m0²` of the infrared expansion `1/K̃(p) = Z (m0² + p²) + O(p⁴)` of the weight kernel in
    /// momentum space; nil when `K_W` is not translation invariant or has no such expansion.
    var massSquared: Double? { get }

    /// `Z` of that expansion, in the Fourier convention documented at
    /// `GaussianWeightKernel.wavefunctionNormalization`; nil when there is no such expansion.
    var wavefunctionNormalization: Double? { get }

    /// The `σ_W` at which this family (same `σ_b` and `d`) has mass `m0² = massSquared`: the inverse
    /// of `massSquared` in `σ_W`; nil when there is none.
    func sigmaW(massSquared: Double) -> Double?

    /// A sampler of this architecture's hidden neurons evaluated at `inputs`.
    func hiddenLayer(inputs: [[Double]]) -> Layer

    /// Why `estimator` cannot be used at these (validated) inputs, as one line; nil when it can.
    /// Default: the direct and conditional estimators always apply (they only draw neurons); the
    /// marginal one when the layer offers `marginal`; the importance one as
    /// `importanceUnsupportedReason` says.
    func unsupportedReason(for estimator: Estimator, inputs: [[Double]]) -> String?

    /// Why the importance estimator cannot be used at these (validated) inputs and hyperparameters,
    /// as one line; nil when it can. Default: nil when the layer offers `importance`, else a sentence
    /// saying that this architecture has none.
    func importanceUnsupportedReason(inputs: [[Double]]) -> String?

    /// A known bias of `estimator` on this architecture that explains why a measured coupling from
    /// `G^(order)` (4 or 6) disagrees with the exact value, given the number of neurons sampled
    /// (bags × networks × width); nil when no such bias applies there (default: none).
    func estimatorCaveat(_ estimator: Estimator, order: Int, neurons: Double) -> String?
}

extension Architecture {
    /// The registry entry of this architecture.
    public var kind: ArchitectureKind { Self.kind }

    public func weightKernel(_ x: [Double], _ y: [Double]) -> Double {
        sigmaW * sigmaW * neuronCorrelator([x, y])
    }

    public func kernel(_ x: [Double], _ y: [Double]) -> Double {
        sigmaB * sigmaB + weightKernel(x, y)
    }

    /// `Σ_{10 splits {abc|def}} I_{3|3}` over the six legs `points`.
    public func twoVertexSum(_ points: [[Double]]) -> Double {
        precondition(points.count == 6)
        return Combinatorics.tripleSplits().reduce(0) { total, split in
            total + twoVertexIntegral(split.0.map { points[$0] }, split.1.map { points[$0] })
        }
    }

    public func unsupportedReason(for estimator: Estimator, inputs: [[Double]]) -> String? {
        switch estimator {
        case .direct, .conditional:
            return nil
        case .marginal:
            guard hiddenLayer(inputs: inputs).marginal == nil else { return nil }
            return "the marginal estimator needs \(ArchitectureKind.marginalEstimatorRequirements)"
        case .importance:
            return importanceUnsupportedReason(inputs: inputs)
        }
    }

    public func importanceUnsupportedReason(inputs: [[Double]]) -> String? {
        guard hiddenLayer(inputs: inputs).importance == nil else { return nil }
        return "the importance estimator is not implemented for the \(Self.displayName)"
    }

    public func estimatorCaveat(_ estimator: Estimator, order: Int, neurons: Double) -> String? { nil }

    public func couplingIntegrals(inputs: [[Double]], four: [[Int]], six: [[Int]]) -> CouplingIntegrals {
        CouplingIntegrals(four: four.map { starIntegral($0.map { inputs[$0] }) },
                          six: six.map { starIntegral($0.map { inputs[$0] }) },
                          tree: six.map { twoVertexSum($0.map { inputs[$0] }) })
    }

    public func couplingUnsupportedReason(inputs: [[Double]]) -> String? { nil }

    public static var defaultInputs: [[Double]] { SamplerSettings.paperInputs }

    /// Exact connected four-point function at width `N` (seed 003, PHYSICS.md §2):
    ///
    ///     G_c^(4) = (σ_W⁴/N) [3 H_4(1234) − H_2(12)H_2(34) − H_2(13)H_2(24) − H_2(14)H_2(23)]
    ///
    /// It is `N` times the fourth joint cumulant of one term `W1 g(x)`, using `E[W1⁴] = 3(σ_W²/N)²`;
    /// the Gaussian bias `b1` has no connected part beyond two points.
    public func exactConnectedFourPoint(_ x: [[Double]], width: Int) -> Double {
        precondition(x.count == 4)
        let s4 = pow(sigmaW, 4) / Double(width)
        let h = { (a: Int, b: Int) in self.neuronCorrelator([x[a], x[b]]) }
        return s4 * (3 * neuronCorrelator(x) - h(0, 1) * h(2, 3) - h(0, 2) * h(1, 3) - h(0, 3) * h(1, 2))
    }

    /// Exact connected six-point function at width `N`:
    ///
    ///     G_c^(6) = (σ_W⁶/N²) [15 H_6 − 3 Σ_{15 splits A|B, |A|=4} H_4(A) H_2(B) + 2 Σ_{15 pairings} H_2 H_2 H_2]
    ///
    /// Derivation: `f − b1` is a sum of `N` i.i.d. terms `φ = W1 g`, so its joint cumulants are `N`
    /// times those of `φ`, whose moments are `E[W1^n] H_n` with `E[W1²] = s`, `E[W1⁴] = 3s²`,
    /// `E[W1⁶] = 15s³`, `s = σ_W²/N`. The moment–cumulant formula
    /// `κ_6 = m_6 − Σ_15 κ_4 κ_2 − Σ_15 κ_2κ_2κ_2` with `κ_4 = s²(3H_4 − Σ_3 H_2H_2)` gives the bracket
    /// (each full pairing arises 3 times from the `κ_4 κ_2` terms). Check: for a deterministic neuron
    /// (`H_n` factorizing) the bracket is `15 − 45 + 30 = 0`, as it must for Gaussian `W1`.
    public func exactConnectedSixPoint(_ x: [[Double]], width: Int) -> Double {
        precondition(x.count == 6)
        let s6 = pow(sigmaW, 6) / (Double(width) * Double(width))
        let h2 = { (a: Int, b: Int) in self.neuronCorrelator([x[a], x[b]]) }
        var fourTwo = 0.0
        for pair in Combinatorics.pairs(of: 6) {
            let rest = (0..<6).filter { $0 != pair.0 && $0 != pair.1 }.map { x[$0] }
            fourTwo += neuronCorrelator(rest) * h2(pair.0, pair.1)
        }
        var twoTwoTwo = 0.0
        for pairing in Combinatorics.pairings(of: 6) {
            var product = 1.0
            for p in pairing { product *= h2(p.0, p.1) }
            twoTwoTwo += product
        }
        return s6 * (15 * neuronCorrelator(x) - 3 * fourTwo + 2 * twoTwoTwo)
    }
}
