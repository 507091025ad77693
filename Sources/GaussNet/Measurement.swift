import Foundation

/// Input-index multisets, 0-based in Swift (they index arrays) and 1-based in JSON, as the
/// inputs are counted in every output (x₁ … x₆ in text, docs/outputs.md).
@propertyWrapper
public struct OneBasedCombinations: Codable, Sendable, Equatable {
    public var wrappedValue: [[Int]]

    public init(wrappedValue: [[Int]]) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode([[Int]].self).map { $0.map { $0 - 1 } }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue.map { $0.map { $0 + 1 } })
    }
}

/// Summary of `G^(n)` over all multisets of input points (PHYSICS.md §2).
public struct CorrelatorSummary: Codable, Sendable, Equatable {
    /// `n` = 2, 4 or 6.
    public var order: Int
    /// Multisets of input indices (0-based here, 1-based in JSON), lexicographic.
    @OneBasedCombinations public var combinations: [[Int]]
    /// `Ḡ_exp^(n)`: mean over bags.
    public var mean: [Double]
    /// Background: standard deviation of `G_exp^(n)|_A` over bags (denominator `n_bags − 1`).
    public var background: [Double]
    /// Standard error of the mean, `background / √n_bags`.
    public var standardError: [Double]
    /// `G_0^(n)`: Wick sum over pairings of the analytic kernel `K` (with `σ_b²`).
    public var gaussian: [Double]
    /// `ΔG^(n) = Ḡ_exp^(n) − G_0^(n)`.
    public var deviation: [Double]
    /// `m_n = ΔG^(n) / G_0^(n)`.
    public var relativeDeviation: [Double]
    /// `⟨|m_n|⟩`: mean of `|m_n|` over all combinations.
    public var meanAbsoluteRelativeDeviation: Double
    /// Jackknife (over bags) standard error of `⟨|m_n|⟩`.
    public var meanAbsoluteRelativeDeviationError: Double
    /// Background averaged over combinations (the paper's comparison scale), absolute.
    public var meanBackground: Double
    /// `⟨background / |G_0|⟩`: the background on the scale of `m_n`.
    public var meanRelativeBackground: Double
    /// Exact finite-width `m_n` (n = 4, 6: from the exact connected functions; n = 2: 0).
    public var exactRelativeDeviation: [Double]
    /// `⟨|m_n|⟩` of the exact values.
    public var exactMeanAbsoluteRelativeDeviation: Double
}

/// The quartic coupling `u4(x_1..x_4) = −ΔG^(4) / N_K`, `N_K = ∫ d^d x Π_j K_W(x, x_j)` (PHYSICS.md §2).
/// Since `G^(2) = K` exactly, `ΔG^(4)` is the connected four-point function.
public struct QuarticCoupling: Codable, Sendable, Equatable {
    /// Multisets of input indices (0-based here, 1-based in JSON).
    @OneBasedCombinations public var combinations: [[Int]]
    /// `N_K` per combination (`Architecture.starIntegral`).
    public var normalization: [Double]
    /// Measured `G_c^(4) = ΔG^(4)` and its standard error.
    public var connected: [Double]
    public var connectedError: [Double]
    /// Exact `G_c^(4) = (σ_W⁴/N)[3H_4 − Σ_3 H_2H_2]`.
    public var exactConnected: [Double]
    /// Measured `u4` per combination and standard error.
    public var values: [Double]
    public var standardErrors: [Double]
    /// Exact `u4` per combination.
    public var exact: [Double]
    /// Average of `u4` over combinations; its standard error from the spread of the per-bag averages.
    public var mean: Double
    public var standardError: Double
    public var exactMean: Double
}

/// The sextic coupling from the tree-level six-point function (PHYSICS.md §2):
///
///     G_c^(6) = −u6 I_6 + ū4² Σ_{10 splits {abc|def}} I_{3|3}
///     u6 = (ū4² Σ I_{3|3} − G_c^(6)) / I_6
///
/// with `G_c^(6) = G^(6) − Σ_{15} G_c^(4) K − Σ_{15} K K K` (moment–cumulant, `K` analytic, so
/// `G_c^(6) = ΔG^(6) − Σ_{15 splits 4|2} ΔG^(4) K`), and `ū4` the combination-averaged `u4` (a local
/// quartic vertex). Errors are jackknife over bags, since `ū4²` is nonlinear.
public struct SexticCoupling: Codable, Sendable, Equatable {
    /// Multisets of input indices (0-based here, 1-based in JSON).
    @OneBasedCombinations public var combinations: [[Int]]
    /// `I_6` per combination.
    public var normalization: [Double]
    /// `Σ_{10} I_{3|3}` per combination.
    public var treeIntegral: [Double]
    /// Measured `G_c^(6)`, its standard error, and the exact value
    /// `(σ_W⁶/N²)[15H_6 − 3Σ_15 H_4H_2 + 2Σ_15 H_2H_2H_2]`.
    public var connected: [Double]
    public var connectedError: [Double]
    public var exactConnected: [Double]
    public var values: [Double]
    public var standardErrors: [Double]
    public var exact: [Double]
    public var mean: Double
    public var standardError: Double
    public var exactMean: Double
}

/// Estimates using only the first `bags` bags: the honest view of heavy-tailed convergence.
public struct ConvergencePoint: Codable, Sendable, Equatable {
    public var bags: Int
    public var networks: Int
    public var u4Mean: Double
    public var u6Mean: Double
    public var meanAbsoluteM4: Double
    public var meanAbsoluteM6: Double
}

/// Everything measured in one run. Deterministic given the settings (`threads` is not recorded).
public struct Measurement: Codable, Sendable, Equatable {
    public var settings: SamplerSettings
    public var runKey: String
    /// n = 2, 4, 6.
    public var correlators: [CorrelatorSummary]
    public var u4: QuarticCoupling
    public var u6: SexticCoupling
    /// Cumulative estimates after 1, 2, 4, … bags and after all bags.
    public var convergence: [ConvergencePoint]
    /// The same numbers as the research codes define them (HMS's λ, ddof-0 background, ordered-tuple
    /// averages; nnqft's spread over combinations), beside frg's. Optional only so that documents
    /// written before it still decode; every measurement frg computes has it.
    public var conventions: ResearchConventions?
    /// The per-bag estimates everything above is computed from.
    public var bags: [BagResult]

    /// The combination-averaged `ū4`, `ū6` with bag `k` left out, for every `k`: the jackknife
    /// samples of anything computed from the couplings (`jackknifeError` turns the values of such a
    /// quantity over these samples into its standard error).
    public func leaveOneOutCouplings() -> [(u4: Double, u6: Double)] {
        let analysis = Analysis(settings: settings)
        return bags.indices.map { k in
            let subset = bags.enumerated().filter { $0.offset != k }.map(\.element)
            let u6 = analysis.sexticValues(subset)
            return (analysis.quarticMean(subset), u6.reduce(0, +) / Double(u6.count))
        }
    }

    /// The jackknife standard error from leave-one-out estimates `θ_(k)`:
    /// `√((B−1)/B · Σ_k (θ_(k) − θ̄)²)`.
    public static func jackknifeError(_ samples: [Double]) -> Double {
        let b = Double(samples.count)
        guard samples.count > 1 else { return 0 }
        let mean = samples.reduce(0, +) / b
        return ((b - 1) / b * samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }).squareRoot()
    }

    /// `G^(n)` summary for n = 2, 4, 6.
    public func correlator(order n: Int) -> CorrelatorSummary { correlators.first { $0.order == n }! }

    /// Analyses per-bag results. Throws if they do not belong to `settings` or are incomplete.
    public init(settings: SamplerSettings, bags: [BagResult]) throws {
        try settings.validate()
        let key = settings.runKey
        guard bags.count == settings.bags else {
            throw SamplerError.bagMismatch("expected \(settings.bags) bags, got \(bags.count)")
        }
        let sorted = bags.sorted { $0.bag < $1.bag }
        let p = settings.inputs.count
        for (k, b) in sorted.enumerated() {
            guard b.bag == k, b.runKey == key else {
                throw SamplerError.bagMismatch("bag \(b.bag) has run key \(b.runKey), expected bag \(k) of run \(key)")
            }
            guard b.twoPoint.count == Combinatorics.multisetCount(p, 2),
                  b.fourPoint.count == Combinatorics.multisetCount(p, 4),
                  b.sixPoint.count == Combinatorics.multisetCount(p, 6) else {
                throw SamplerError.bagMismatch("bag \(k) has the wrong number of combinations")
            }
            guard (b.twoPoint + b.fourPoint + b.sixPoint).allSatisfy(\.isFinite) else {
                throw SamplerError.nonFiniteResult(bag: k)
            }
        }
        var recorded = settings
        recorded.threads = 0
        self.settings = recorded
        runKey = key
        self.bags = sorted
        let analysis = Analysis(settings: settings)
        correlators = [2, 4, 6].map { analysis.summary(order: $0, bags: sorted) }
        u4 = analysis.quartic(bags: sorted)
        u6 = analysis.sextic(bags: sorted, quartic: u4)
        var counts: [Int] = []
        var c = 1
        while c < sorted.count { counts.append(c); c *= 2 }
        counts.append(sorted.count)
        convergence = counts.map { n in
            let subset = Array(sorted.prefix(n))
            let u6 = analysis.sexticValues(subset)
            return ConvergencePoint(
                bags: n, networks: n * settings.netsPerBag, u4Mean: analysis.quarticMean(subset),
                u6Mean: u6.reduce(0, +) / Double(u6.count),
                meanAbsoluteM4: analysis.meanAbsoluteRelativeDeviation(order: 4, bags: subset),
                meanAbsoluteM6: analysis.meanAbsoluteRelativeDeviation(order: 6, bags: subset))
        }
        conventions = ResearchConventions(bags: sorted, correlators: correlators, quartic: u4)
        if let quantity = firstNonFiniteQuantity {
            throw SamplerError.nonFiniteAnalysis("\(quantity) at σ_W = \(settings.sigmaW), σ_b = \(settings.sigmaB), d = \(settings.inputDimension)")
        }
    }

    /// The first reported quantity that is not finite (an integral that underflowed to zero, a
    /// spread whose square overflowed), nil when all are: a measurement carries no NaN or infinity.
    var firstNonFiniteQuantity: String? {
        var named: [(String, [Double])] = []
        for c in correlators {
            let n = c.order
            named += [("G^(\(n))", c.mean + c.background + c.standardError), ("G_0^(\(n))", c.gaussian),
                      ("ΔG^(\(n)) and m_\(n)", c.deviation + c.relativeDeviation),
                      ("⟨|m_\(n)|⟩", [c.meanAbsoluteRelativeDeviation, c.meanAbsoluteRelativeDeviationError,
                                    c.meanBackground, c.meanRelativeBackground]),
                      ("the exact m_\(n)", c.exactRelativeDeviation + [c.exactMeanAbsoluteRelativeDeviation])]
        }
        named += [("N_K", u4.normalization), ("G_c^(4)", u4.connected + u4.connectedError + u4.exactConnected),
                  ("u4", u4.values + [u4.mean]), ("the standard error of u4", u4.standardErrors + [u4.standardError]),
                  ("the exact u4", u4.exact + [u4.exactMean]),
                  ("I_6 and Σ I_3|3", u6.normalization + u6.treeIntegral),
                  ("G_c^(6)", u6.connected + u6.connectedError + u6.exactConnected),
                  ("u6", u6.values + [u6.mean]), ("the standard error of u6", u6.standardErrors + [u6.standardError]),
                  ("the exact u6", u6.exact + [u6.exactMean]),
                  ("the estimates from the first bags", convergence.flatMap { [$0.u4Mean, $0.u6Mean, $0.meanAbsoluteM4, $0.meanAbsoluteM6] }),
                  ("the research codes' conventions", conventions?.allNumbers ?? [])]
        return named.first { !$0.1.allSatisfy(\.isFinite) }?.0
    }
}

/// Fixed ingredients of the analysis: combinations, `G_0`, integrals and exact predictions.
struct Analysis {
    let settings: SamplerSettings
    let x: [[Double]]
    let kernel: [[Double]]
    let combinations: [Int: [[Int]]]
    let gaussian: [Int: [Double]]
    let fourIndex: Combinatorics.MultisetIndex
    let exactFour: [Double]
    let exactSix: [Double]
    let normalizationFour: [Double]
    let normalizationSix: [Double]
    let treeSix: [Double]
    /// For each six-point combination, its 15 splits 4|2 as (index of the 4-multiset, K of the pair).
    let splitsSix: [[(four: Int, kernel: Double)]]

    init(settings: SamplerSettings) {
        self.settings = settings
        let arch = settings.makeArchitecture()
        let x = settings.inputs
        self.x = x
        let p = x.count
        let kernel = (0..<p).map { a in (0..<p).map { b in arch.kernel(x[a], x[b]) } }
        self.kernel = kernel
        var combinations: [Int: [[Int]]] = [:]
        var gaussian: [Int: [Double]] = [:]
        for n in [2, 4, 6] {
            let c = Combinatorics.multisets(of: p, size: n)
            combinations[n] = c
            gaussian[n] = c.map { legs in wickSum(legs) { kernel[$0][$1] } }
        }
        self.combinations = combinations
        self.gaussian = gaussian
        fourIndex = Combinatorics.MultisetIndex(count: p, size: 4)
        let index = fourIndex
        // The exact connected functions of `Architecture.exactConnectedFourPoint` / `SixPoint`, the
        // same operations in the same order, with each neuron moment computed once (for the
        // activation networks a moment is a quadrature).
        let moments = NeuronMomentCache.shared.moments(settings: settings, combinations: combinations) { c in
            arch.neuronCorrelator(c.map { x[$0] })
        }
        let h2 = moments.h2, h4 = moments.h4, h6 = moments.h6
        let s4 = pow(settings.sigmaW, 4) / Double(settings.width)
        exactFour = combinations[4]!.enumerated().map { k, c in
            s4 * (3 * h4[k] - h2[c[0]][c[1]] * h2[c[2]][c[3]] - h2[c[0]][c[2]] * h2[c[1]][c[3]]
                  - h2[c[0]][c[3]] * h2[c[1]][c[2]])
        }
        let s6 = pow(settings.sigmaW, 6) / (Double(settings.width) * Double(settings.width))
        let pairings = Combinatorics.pairings(of: 6)
        exactSix = combinations[6]!.enumerated().map { k6, c in
            var fourTwo = 0.0
            for pair in Combinatorics.pairs(of: 6) {
                let rest = (0..<6).filter { $0 != pair.0 && $0 != pair.1 }.map { c[$0] }
                fourTwo += h4[index.index(rest)] * h2[c[pair.0]][c[pair.1]]
            }
            var twoTwoTwo = 0.0
            for pairing in pairings {
                var product = 1.0
                for q in pairing { product *= h2[c[q.0]][c[q.1]] }
                twoTwoTwo += product
            }
            return s6 * (15 * h6[k6] - 3 * fourTwo + 2 * twoTwoTwo)
        }
        let integrals = arch.couplingIntegrals(inputs: x, four: combinations[4]!, six: combinations[6]!)
        normalizationFour = integrals.four
        normalizationSix = integrals.six
        treeSix = integrals.tree
        splitsSix = combinations[6]!.map { legs in
            Combinatorics.pairs(of: 6).map { pair in
                let rest = (0..<6).filter { $0 != pair.0 && $0 != pair.1 }.map { legs[$0] }
                return (index.index(rest), kernel[legs[pair.0]][legs[pair.1]])
            }
        }
    }

    /// `Σ_{15 splits 4|2} c4(A) K(B)` over the legs of a six-point combination.
    func fourTwoSum(_ combination: Int, _ c4: [Double]) -> Double {
        splitsSix[combination].reduce(0) { $0 + c4[$1.four] * $1.kernel }
    }

    func mean(_ rows: [[Double]]) -> [Double] {
        var m = [Double](repeating: 0, count: rows[0].count)
        for r in rows { for k in m.indices { m[k] += r[k] } }
        return m.map { $0 / Double(rows.count) }
    }

    /// Sample standard deviation over rows (0 for a single row).
    func standardDeviation(_ rows: [[Double]], mean m: [Double]) -> [Double] {
        guard rows.count > 1 else { return m.map { _ in 0 } }
        var s = [Double](repeating: 0, count: m.count)
        for r in rows { for k in m.indices { s[k] += (r[k] - m[k]) * (r[k] - m[k]) } }
        return s.map { ($0 / Double(rows.count - 1)).squareRoot() }
    }

    /// Jackknife over bags: leave-one-out estimates of `statistic` (a function of bag means).
    func jackknife(_ bags: [BagResult], statistic: ([BagResult]) -> Double) -> Double {
        let b = bags.count
        guard b > 1 else { return 0 }
        let estimates = (0..<b).map { k in statistic(bags.enumerated().filter { $0.offset != k }.map(\.element)) }
        let average = estimates.reduce(0, +) / Double(b)
        let spread = estimates.reduce(0) { $0 + ($1 - average) * ($1 - average) }
        return (Double(b - 1) / Double(b) * spread).squareRoot()
    }

    func meanAbsoluteRelativeDeviation(order n: Int, bags: [BagResult]) -> Double {
        let m = mean(bags.map { $0.correlator(order: n) })
        let g0 = gaussian[n]!
        return zip(m, g0).reduce(0) { $0 + abs(($1.0 - $1.1) / $1.1) } / Double(m.count)
    }

    func summary(order n: Int, bags: [BagResult]) -> CorrelatorSummary {
        let rows = bags.map { $0.correlator(order: n) }
        let m = mean(rows)
        let sd = standardDeviation(rows, mean: m)
        let g0 = gaussian[n]!
        let delta = zip(m, g0).map { $0 - $1 }
        let rel = zip(delta, g0).map { $0 / $1 }
        let exactRel: [Double]
        switch n {
        case 4: exactRel = zip(exactFour, g0).map { $0 / $1 }
        case 6:
            exactRel = g0.indices.map { k in (exactSix[k] + fourTwoSum(k, exactFour)) / g0[k] }
        default: exactRel = g0.map { _ in 0 }
        }
        let count = Double(m.count)
        return CorrelatorSummary(
            order: n, combinations: combinations[n]!, mean: m, background: sd,
            standardError: sd.map { $0 / Double(bags.count).squareRoot() }, gaussian: g0,
            deviation: delta, relativeDeviation: rel,
            meanAbsoluteRelativeDeviation: rel.reduce(0) { $0 + abs($1) } / count,
            meanAbsoluteRelativeDeviationError: jackknife(bags) { meanAbsoluteRelativeDeviation(order: n, bags: $0) },
            meanBackground: sd.reduce(0, +) / count,
            meanRelativeBackground: zip(sd, g0).reduce(0) { $0 + $1.0 / abs($1.1) } / count,
            exactRelativeDeviation: exactRel,
            exactMeanAbsoluteRelativeDeviation: exactRel.reduce(0) { $0 + abs($1) } / count)
    }

    func quartic(bags: [BagResult]) -> QuarticCoupling {
        let g0 = gaussian[4]!
        let nk = normalizationFour
        // Per-bag u4 per combination; linear in G^(4), so mean and spread over bags are exact.
        let perBag = bags.map { b in b.fourPoint.indices.map { -(b.fourPoint[$0] - g0[$0]) / nk[$0] } }
        let values = mean(perBag)
        let errors = standardDeviation(perBag, mean: values).map { $0 / Double(bags.count).squareRoot() }
        let bagAverages = perBag.map { [$0.reduce(0, +) / Double($0.count)] }
        let average = mean(bagAverages)
        let averageError = standardDeviation(bagAverages, mean: average)[0] / Double(bags.count).squareRoot()
        let exact = zip(exactFour, nk).map { -$0 / $1 }
        return QuarticCoupling(
            combinations: combinations[4]!, normalization: nk,
            connected: values.indices.map { -values[$0] * nk[$0] },
            connectedError: errors.indices.map { errors[$0] * nk[$0] },
            exactConnected: exactFour, values: values, standardErrors: errors, exact: exact,
            mean: average[0], standardError: averageError, exactMean: exact.reduce(0, +) / Double(exact.count))
    }

    /// Per-combination `G_c^(6)` from bag-averaged `G^(4)`, `G^(6)`.
    func connectedSix(_ bags: [BagResult]) -> [Double] {
        let g4 = mean(bags.map(\.fourPoint))
        let g6 = mean(bags.map(\.sixPoint))
        let delta4 = zip(g4, gaussian[4]!).map { $0 - $1 }
        let g06 = gaussian[6]!
        return g6.indices.map { k in g6[k] - g06[k] - fourTwoSum(k, delta4) }
    }

    /// Combination-averaged measured `u4` from bag-averaged `G^(4)`.
    func quarticMean(_ bags: [BagResult]) -> Double {
        let g0 = gaussian[4]!
        let g4 = mean(bags.map(\.fourPoint))
        return zip(zip(g4, g0), normalizationFour).reduce(0) { $0 - ($1.0.0 - $1.0.1) / $1.1 } / Double(g4.count)
    }

    func sexticValues(_ bags: [BagResult]) -> [Double] {
        let u4 = quarticMean(bags)
        let c6 = connectedSix(bags)
        return c6.indices.map { (u4 * u4 * treeSix[$0] - c6[$0]) / normalizationSix[$0] }
    }

    func sextic(bags: [BagResult], quartic: QuarticCoupling) -> SexticCoupling {
        let c6 = connectedSix(bags)
        let values = sexticValues(bags)
        let count = values.count
        // Jackknife for every per-combination value and for the average, sharing the
        // leave-one-out samples.
        let b = bags.count
        var valueErrors = [Double](repeating: 0, count: count)
        var connectedErrors = [Double](repeating: 0, count: count)
        var meanError = 0.0
        if b > 1 {
            let leaveOut = (0..<b).map { k in bags.enumerated().filter { $0.offset != k }.map(\.element) }
            let u6Samples = leaveOut.map(sexticValues)
            let c6Samples = leaveOut.map(connectedSix)
            let factor = Double(b - 1) / Double(b)
            func spread(_ samples: [Double]) -> Double {
                let average = samples.reduce(0, +) / Double(samples.count)
                return (factor * samples.reduce(0) { $0 + ($1 - average) * ($1 - average) }).squareRoot()
            }
            for k in 0..<count {
                valueErrors[k] = spread(u6Samples.map { $0[k] })
                connectedErrors[k] = spread(c6Samples.map { $0[k] })
            }
            meanError = spread(u6Samples.map { $0.reduce(0, +) / Double(count) })
        }
        let exactU4 = quartic.exactMean
        let exact = exactSix.indices.map { (exactU4 * exactU4 * treeSix[$0] - exactSix[$0]) / normalizationSix[$0] }
        return SexticCoupling(
            combinations: combinations[6]!, normalization: normalizationSix, treeIntegral: treeSix,
            connected: c6, connectedError: connectedErrors, exactConnected: exactSix,
            values: values, standardErrors: valueErrors, exact: exact,
            mean: values.reduce(0, +) / Double(count), standardError: meanError,
            exactMean: exact.reduce(0, +) / Double(count))
    }
}

/// The exact neuron moments `H_2`, `H_4`, `H_6` of one set of inputs, kept for the life of the
/// process: they do not depend on the width, the seed, the estimator or the cutoff, so every point
/// of a width or cutoff sweep (and every re-analysis of a measurement: leave-one-out couplings, a
/// loaded file) shares them. For the activation networks each is a quadrature
/// (`NeuronMoments.smooth`): 84 six-point moments for 4 inputs, which would otherwise be computed
/// again at every point. The values are the ones computed, so a cached analysis is bit-identical
/// to a fresh one.
final class NeuronMomentCache: @unchecked Sendable {
    static let shared = NeuronMomentCache()
    /// Entries kept; beyond it the cache starts over (σ_W sweeps meet each key once).
    static let capacity = 64

    struct Moments {
        var h2: [[Double]]
        var h4: [Double]
        var h6: [Double]
    }

    private let lock = NSLock()
    private var entries: [String: Moments] = [:]

    /// What a neuron's moments depend on: the architecture, σ_W, σ_b, d and the inputs. Not the
    /// width, seed, estimator or bags, nor the cutoff (it enters only the coupling integrals), so
    /// width and cutoff sweeps share one entry.
    static func key(_ s: SamplerSettings) -> String {
        let numbers = [s.sigmaW, s.sigmaB] + s.inputs.flatMap { $0 }
        return "\(s.architecture.rawValue) \(s.inputDimension) " + numbers.map { String($0.bitPattern, radix: 16) }.joined(separator: " ")
    }

    func moments(settings: SamplerSettings, combinations: [Int: [[Int]]], correlator: ([Int]) -> Double) -> Moments {
        let key = Self.key(settings)
        lock.lock()
        let cached = entries[key]
        lock.unlock()
        if let cached { return cached }
        let p = settings.inputs.count
        let moments = Moments(h2: (0..<p).map { a in (0..<p).map { b in correlator([a, b]) } },
                              h4: combinations[4]!.map(correlator), h6: combinations[6]!.map(correlator))
        lock.lock()
        if entries.count >= Self.capacity { entries.removeAll() }
        entries[key] = moments
        lock.unlock()
        return moments
    }
}
