import Foundation

/// The measurement's numbers as the two research codes define them, computed from the same bags
/// (docs/conventions.md §8), so that a published figure can be compared number for number. frg's
/// own numbers (`CorrelatorSummary`, `QuarticCoupling`) keep their definitions; these are written
/// beside them under their own names.
///
/// - **HMS** (Halverson–Maiti–Stoner, arXiv:2008.08601, keeganstoner/nn-qft): the quartic coupling
///   `λ = +ΔG⁽⁴⁾ / (24 N_K) = −u4/24`; the background is the standard deviation of the bag
///   averages with denominator `B` (NumPy's `std`, ddof 0; frg: `B − 1`); `⟨|m_n|⟩` averages over
///   ordered tuples of inputs (each multiset weighted by its number of orderings `n!/Π_k m_k!`;
///   frg: over multisets, each once).
/// - **nnqft** (Erbin–Lahoche–Samary, HaroldErbin/nnqft): `ū4` is frg's, its `±` is the spread of
///   the per-combination `u4` over the combinations (`np.std`, ddof 0), not a standard error.
///
/// HMS's Gauss-net normalization `exp((1 + |x|²)/d)` equals frg's `exp(σ_b² + σ_W²|x|²/d)` only at
/// `σ_W = σ_b = 1, d = 1`; elsewhere their `G⁽ⁿ⁾` is frg's times `Π_i r(x_i)`,
/// `r(x) = exp(σ_b² + σ_W²|x|²/d − (1 + |x|²)/d)`: `m_n` (a ratio with the same legs) is
/// unchanged, `u4` is not. That map is documented, not computed (it is not a different estimator).
public struct ResearchConventions: Codable, Sendable, Equatable {
    public var hms: HMSConventions
    public var nnqft: NNQFTConventions

    public init(hms: HMSConventions, nnqft: NNQFTConventions) {
        self.hms = hms
        self.nnqft = nnqft
    }
}

/// HMS's definitions (see `ResearchConventions`).
public struct HMSConventions: Codable, Sendable, Equatable {
    /// `λ = −u4/24` per combination (the combinations of `Measurement.u4`), dimension that of `u4`.
    public var lambda: [Double]
    /// Its combination average `−ū4/24` and standard error `σ(ū4)/24`.
    public var lambdaMean: Double
    public var lambdaStandardError: Double
    /// Per order n = 2, 4, 6.
    public var correlators: [HMSCorrelator]

    public init(lambda: [Double], lambdaMean: Double, lambdaStandardError: Double, correlators: [HMSCorrelator]) {
        self.lambda = lambda
        self.lambdaMean = lambdaMean
        self.lambdaStandardError = lambdaStandardError
        self.correlators = correlators
    }
}

/// One order of `G⁽ⁿ⁾` in HMS's definitions; combinations as in `CorrelatorSummary`.
public struct HMSCorrelator: Codable, Sendable, Equatable {
    public var order: Int
    /// Standard deviation of `G⁽ⁿ⁾` over bags, denominator `B` (frg's `background` × √((B−1)/B)).
    public var background: [Double]
    /// `background` averaged over ordered tuples, absolute and relative to `|G_0|`.
    public var meanBackground: Double
    public var meanRelativeBackground: Double
    /// `⟨|m_n|⟩` over the `pⁿ` ordered tuples of the `p` inputs.
    public var meanAbsoluteRelativeDeviation: Double

    public init(order: Int, background: [Double], meanBackground: Double, meanRelativeBackground: Double,
                meanAbsoluteRelativeDeviation: Double) {
        self.order = order
        self.background = background
        self.meanBackground = meanBackground
        self.meanRelativeBackground = meanRelativeBackground
        self.meanAbsoluteRelativeDeviation = meanAbsoluteRelativeDeviation
    }
}

/// nnqft's definitions (see `ResearchConventions`).
public struct NNQFTConventions: Codable, Sendable, Equatable {
    /// `ū4`, the same number as `Measurement.u4.mean`.
    public var u4Mean: Double
    /// The `±` nnqft prints: the standard deviation of the per-combination `u4` over the
    /// combinations, denominator the number of combinations (ddof 0).
    public var u4Spread: Double

    public init(u4Mean: Double, u4Spread: Double) {
        self.u4Mean = u4Mean
        self.u4Spread = u4Spread
    }
}

extension ResearchConventions {
    /// The number of orderings of a multiset, `n!/Π_k m_k!` (its weight in an average over ordered
    /// tuples).
    static func orderings(_ multiset: [Int]) -> Double {
        var factorial = 1.0, denominator = 1.0, run = 0
        for (i, item) in multiset.enumerated() {
            factorial *= Double(i + 1)
            run = i > 0 && multiset[i - 1] == item ? run + 1 : 1
            denominator *= Double(run)
        }
        return factorial / denominator
    }

    /// From the per-bag estimates and frg's summaries of the same bags.
    init(bags: [BagResult], correlators: [CorrelatorSummary], quartic: QuarticCoupling) {
        let b = Double(bags.count)
        let hmsCorrelators = correlators.map { summary -> HMSCorrelator in
            let rows = bags.map { $0.correlator(order: summary.order) }
            let background = summary.mean.indices.map { k in
                (rows.reduce(0) { $0 + ($1[k] - summary.mean[k]) * ($1[k] - summary.mean[k]) } / b).squareRoot()
            }
            let weights = summary.combinations.map(Self.orderings)
            let total = weights.reduce(0, +)
            func ordered(_ values: [Double]) -> Double { zip(weights, values).reduce(0) { $0 + $1.0 * $1.1 } / total }
            return HMSCorrelator(
                order: summary.order, background: background, meanBackground: ordered(background),
                meanRelativeBackground: ordered(zip(background, summary.gaussian).map { $0 / abs($1) }),
                meanAbsoluteRelativeDeviation: ordered(summary.relativeDeviation.map(abs)))
        }
        let count = Double(quartic.values.count)
        let spread = (quartic.values.reduce(0) { $0 + ($1 - quartic.mean) * ($1 - quartic.mean) } / count).squareRoot()
        self.init(
            hms: HMSConventions(lambda: quartic.values.map { -$0 / 24 }, lambdaMean: -quartic.mean / 24,
                                lambdaStandardError: quartic.standardError / 24, correlators: hmsCorrelators),
            nnqft: NNQFTConventions(u4Mean: quartic.mean, u4Spread: spread))
    }

    /// Every number, for the measurement's finiteness check.
    var allNumbers: [Double] {
        hms.lambda + [hms.lambdaMean, hms.lambdaStandardError, nnqft.u4Mean, nnqft.u4Spread]
            + hms.correlators.flatMap { $0.background + [$0.meanBackground, $0.meanRelativeBackground, $0.meanAbsoluteRelativeDeviation] }
    }
}
