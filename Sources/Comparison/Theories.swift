import Diagnostics
import Flows
import Foundation
import TextOutput
import GaussNet

/// A measured quantity of the sweep (PHYSICS.md §2–3).
public enum Observable: String, Sendable, Codable, CaseIterable {
    /// `ū4`, the combination average of `u4 = −ΔG^(4)/N_K`.
    case u4
    /// `ū6 = ⟨(ū4² Σ I_{3|3} − G_c^(6))/I_6⟩`.
    case u6
    /// `⟨|m_4|⟩`, `m_4 = ΔG^(4)/G_0^(4)`.
    case m4
    /// `⟨|m_6|⟩`.
    case m6
    /// `λ4 = ū4/Z²`: the quartic coupling of the canonically normalized field, with `Z` the
    /// architecture's `wavefunctionNormalization` (`(d/2) σ_W^{d−4} (2πd)^{−d/2}` for the Gaussian
    /// kernel, convention at `GaussianWeightKernel.wavefunctionNormalization`).
    case lambda4
    /// `λ6 = ū6/Z³`.
    case lambda6

    /// Order `2n` of the coupling or correlator.
    public var order: Int { (self == .u4 || self == .m4 || self == .lambda4) ? 4 : 6 }

    /// The symbol alone (axis labels): `u4`, `λ4`, `⟨|m_4|⟩`, ….
    public var shortSymbol: String {
        switch self {
        case .lambda4: return "λ4"
        case .lambda6: return "λ6"
        default: return symbol
        }
    }

    public var symbol: String {
        switch self {
        case .u4: return "u4"
        case .u6: return "u6"
        case .m4: return "⟨|m_4|⟩"
        case .m6: return "⟨|m_6|⟩"
        case .lambda4: return "λ4 = u4/Z²"
        case .lambda6: return "λ6 = u6/Z³"
        }
    }

    /// Exponent of the width scaling: `u4 ∝ 1/N`, `u6 ∝ 1/N²` (tree level: `ū4² I_{3|3}` and
    /// `G_c^(6) ∝ N^{−2}`), `m_{2n} ∝ 1/N` (`ΔG^(2n)` is led by `G_c^(4) K⋯ ∝ 1/N`).
    public var widthExponent: Double { (self == .u6 || self == .lambda6) ? -2 : -1 }

    /// Whether the observable divides by `Z^n` (needs `Architecture.wavefunctionNormalization`).
    public var isNormalized: Bool { self == .lambda4 || self == .lambda6 }

    /// `Z^n`, the power of the wave-function normalization dividing the raw coupling (1 for raw
    /// ones); NaN when the architecture has no `Z` (`TheoryBuilder.study` refuses that case).
    func normalization(_ m: GaussNet.Measurement) -> Double {
        guard isNormalized else { return 1 }
        let z = m.settings.makeArchitecture().wavefunctionNormalization ?? .nan
        return pow(z, Double(order / 2))
    }

    /// The measured value with its standard error.
    public func measured(_ m: GaussNet.Measurement) -> Measured {
        switch self {
        case .u4, .lambda4: return Measured(m.u4.mean / normalization(m), m.u4.standardError / normalization(m))
        case .u6, .lambda6: return Measured(m.u6.mean / normalization(m), m.u6.standardError / normalization(m))
        case .m4, .m6:
            let c = m.correlators.first { $0.order == order }!
            return Measured(c.meanAbsoluteRelativeDeviation, c.meanAbsoluteRelativeDeviationError)
        }
    }

    /// The exact finite-width value (closed-form connected functions).
    public func exact(_ m: GaussNet.Measurement) -> Double {
        switch self {
        case .u4, .lambda4: return m.u4.exactMean / normalization(m)
        case .u6, .lambda6: return m.u6.exactMean / normalization(m)
        case .m4, .m6: return m.correlators.first { $0.order == order }!.exactMeanAbsoluteRelativeDeviation
        }
    }

    /// For `⟨|m_n|⟩`: the level pure noise reaches, `⟨background/|G_0|⟩/√n_bags` (the standard error of
    /// one combination's `m_n`); nil for couplings.
    public func noiseFloor(_ m: GaussNet.Measurement) -> Double? {
        switch self {
        case .m4, .m6:
            return m.correlators.first { $0.order == order }!.meanRelativeBackground / Double(m.settings.bags).squareRoot()
        default: return nil
        }
    }

    /// `⟨background/|G_0|⟩` (the paper's background band) for `⟨|m_n|⟩`, nil for couplings.
    public func background(_ m: GaussNet.Measurement) -> Double? {
        switch self {
        case .m4, .m6: return m.correlators.first { $0.order == order }!.meanRelativeBackground
        default: return nil
        }
    }
}

/// A theory curve for plotting: dense where the theory is a formula, at the measured points otherwise.
public struct TheoryCurve: Sendable {
    /// A stable name of the theory for files (CSV columns, JSON): `exact`, `scaling`, `fit`,
    /// `active-paper`, `active-raw`, `passive`; the label may carry fitted numbers.
    public var id: String
    public var label: String
    public var x: [Double]
    public var y: [Double]
}

/// One theory set beside the measurements, with a plain-language verdict.
public struct TheoryResult: Sendable {
    public var comparison: TheoryComparison
    public var curve: TheoryCurve
    /// What the theory is and how its free parameters (if any) were set.
    public var explanation: String
    /// Power-law exponent the theory predicts in the swept variable, when it is a power law.
    public var exponent: Double?
    /// "consistent" or "DISAGREES", with χ²/dof, p, and sign/slope/normalization findings.
    public var verdict: String
    public var consistent: Bool
}

/// Everything compared for one observable along a sweep.
public struct ObservableStudy: Sendable {
    public var observable: Observable
    public var variable: SweepVariable
    public var x: [Double]
    public var measured: [Measured]
    public var estimator: Estimator
    public var companion: [Measured]?
    public var companionEstimator: Estimator?
    public var exact: [Double]
    /// Paper's background band `⟨σ/|G_0|⟩` for `⟨|m_n|⟩` (nil for couplings).
    public var background: [Double]?
    /// Free power-law fit `A x^p` over the points in `fitIndices`, or nil when fewer than 3 qualify.
    public var fit: PowerLawFit?
    public var fitIndices: [Int]
    public var fitNote: String
    public var theories: [TheoryResult]
    /// Theory curves drawn but not tested (they do not reach the measured points), with `notes`.
    public var untestedCurves: [TheoryCurve]
    public var notes: [String]
}

/// Significance level below which a theory is reported as disagreeing.
public let disagreementPValue = 1e-3

/// Builds the theory comparisons of a sweep.
public enum TheoryBuilder {
    /// Observables compared for a sweep variable.
    public static func observables(for variable: SweepVariable) -> [Observable] {
        switch variable {
        case .width: return [.m4, .m6, .u4, .u6]
        case .sigmaW: return [.u4, .u6, .lambda4, .lambda6]
        case .cutoff: return [.u4, .u6]
        }
    }

    /// - Parameter observables: which ones to study (nil: `observables(for:)` of the sweep variable).
    /// - Parameter passive: the passive-flow mapping onto `σ_W` (σ_W sweeps, `u4` and `u6`), or nil.
    public static func studies(_ result: SweepResult, observables chosen: [Observable]? = nil,
                               passive: PassiveMapping? = nil) throws -> [ObservableStudy] {
        try (chosen ?? observables(for: result.sweep.variable)).map { try study(result, observable: $0, passive: passive) }
    }

    /// The comparisons for one observable: exact finite-N values (no free parameter); for a width
    /// sweep the expected `N` power law with its amplitude fitted (1 parameter) and the free fit (2);
    /// for a `σ_W` sweep the active flow of seed 001 under both laws, integrated with CVODE from
    /// the measurement at the first `σ_W` (the anchor; compared on the other points, its error
    /// carried as the prediction's error).
    public static func study(_ result: SweepResult, observable o: Observable, passive: PassiveMapping? = nil) throws -> ObservableStudy {
        let architecture = result.sweep.base.makeArchitecture()
        if o.isNormalized, architecture.wavefunctionNormalization == nil {
            throw SweepError.noWavefunctionNormalization(observable: o.shortSymbol, architecture: architecture.kind)
        }
        let x = result.x
        let ms = result.measurements
        let measured = ms.map(o.measured)
        let exact = ms.map(o.exact)
        let sweep = result.sweep

        // Points used by the free fit: significant ones (|value| ≥ 3σ; for ⟨|m_n|⟩ also above
        // 3× the noise floor), so that the fit sees signal rather than the background.
        var fitIndices: [Int] = []
        for i in x.indices {
            let m = measured[i]
            var ok = m.error > 0 && abs(m.value) >= 3 * m.error
            if let floor = o.noiseFloor(ms[i]) { ok = ok && m.value >= 3 * floor }
            if ok { fitIndices.append(i) }
        }
        let signs = Set(fitIndices.map { measured[$0].value < 0 })
        var fit: PowerLawFit?
        var fitNote: String
        let criterion = o.noiseFloor(ms[0]) == nil ? "|value| ≥ 3σ" : "value ≥ 3σ and ≥ 3 × noise floor ⟨bg/|G_0|⟩/√bags"
        if fitIndices.count >= 3, signs.count == 1 {
            fit = try PowerLawFit(x: fitIndices.map { x[$0] }, y: fitIndices.map { measured[$0] })
            fitNote = "free fit over \(fitIndices.count) of \(x.count) points (\(criterion))"
        } else {
            fitNote = signs.count > 1
                ? "no free fit: the significant values change sign"
                : "no free fit: only \(fitIndices.count) point(s) satisfy \(criterion)"
        }
        let dense = denseGrid(x)
        // The free power law A·v^p in the swept variable v, judged on the points it was fitted to.
        func freePowerLaw(_ fit: PowerLawFit, variable: String, explanation: String) throws -> TheoryResult {
            let label = String(format: "fit A·\(variable)^p, p = %.4f ± %.2g", fit.exponent, fit.exponentError)
            let c = try TheoryComparison(theory: label, x: fitIndices.map { x[$0] }, measured: fitIndices.map { measured[$0] },
                                         predicted: fitIndices.map { fit.predict(x[$0]) }, fittedParameters: 2)
            return TheoryResult(
                comparison: c, curve: TheoryCurve(id: "fit", label: label, x: dense, y: dense.map(fit.predict)),
                explanation: explanation, exponent: fit.exponent,
                verdict: verdict(c, exponent: nil, fit: nil), consistent: c.pValue >= disagreementPValue)
        }
        var theories: [TheoryResult] = []
        var extraCurves: [TheoryCurve] = [], notes: [String] = []
        if o.isNormalized {
            notes.append("normalization: λ_2n = u_2n/Z^n, Z = (d/2) σ_W^(d−4) (2πd)^(−d/2) the p² coefficient of 1/K̃_W(p) in the standard Fourier convention K̃(p) = ∫ d^dx e^(−ip·x) K_W(x) (docs/conventions.md; seed 001's Z_0 is (2π)^d Z)")
        }

        // (3) Exact finite-width predictions.
        let exactComparison = try TheoryComparison(theory: "exact finite-N", x: x, measured: measured, predicted: exact, fittedParameters: 0)
        theories.append(TheoryResult(
            comparison: exactComparison, curve: TheoryCurve(id: "exact", label: "exact finite-N", x: x, y: exact),
            explanation: "closed-form connected functions of the finite-width ensemble (no free parameter)",
            exponent: nil, verdict: verdict(exactComparison, exponent: nil, fit: fit), consistent: exactComparison.pValue >= disagreementPValue))

        switch sweep.variable {
        case .width:
            // (1) Width scaling with the expected exponent; amplitude by weighted least squares.
            let p = o.widthExponent
            let idx = fitIndices.count >= 2 ? fitIndices : Array(x.indices)
            let amplitude = fixedExponentAmplitude(x: idx.map { x[$0] }, y: idx.map { measured[$0] }, exponent: p)
            let label = "∝ N^\(formatExponent(p)) (amplitude fitted)"
            let c = try TheoryComparison(theory: label, x: idx.map { x[$0] }, measured: idx.map { measured[$0] },
                                         predicted: idx.map { amplitude * pow(x[$0], p) }, fittedParameters: 1)
            theories.append(TheoryResult(
                comparison: c, curve: TheoryCurve(id: "scaling", label: label, x: dense, y: dense.map { amplitude * pow($0, p) }),
                explanation: "width scaling N^\(formatExponent(p)), amplitude \(formatCompact(amplitude)) fitted on the fit points"
                    + (o == .m6 ? " (leading order only: ΔG^(6) = G_c^(6) + Σ G_c^(4) K has a 1/N² part, visible at small N)" : ""),
                exponent: p, verdict: verdict(c, exponent: p, fit: fit), consistent: c.pValue >= disagreementPValue))
            if let fit { theories.append(try freePowerLaw(fit, variable: "N", explanation: "free power-law fit (2 parameters)")) }
        case .cutoff:
            // u_2n(Λ): the exact curve (above) and the free power law, whose exponent is the test
            // (ReLU-net at σ_b = 0: −(4 + d) for u4 by dimensional analysis).
            if let fit {
                theories.append(try freePowerLaw(fit, variable: "Λ", explanation: "free power-law fit in the cutoff (2 parameters)"))
            }
        case .sigmaW:
            // (2) Active flow of seed 001, both laws, anchored on the first σ_W.
            guard o != .m4, o != .m6 else { break }
            let d = Double(sweep.base.inputDimension)
            for law in [ActiveFlowLaw.paper, .raw] {
                theories.append(try activeFlowTheory(law: law, observable: o, dimension: d, x: x, measured: measured,
                                                     dense: dense, fit: fit))
            }
            // (4) The passive flow mapped onto σ_W: the paper's mapping for the raw couplings, the
            // canonically normalized one (with the measured u6) for λ4, λ6.
            if var passive {
                passive.normalization = o.isNormalized ? .canonical : .paper
                if passive.normalization == .canonical { passive.u6 = nil }
                do {
                    if let theory = try passiveTheory(passive, observable: o, result: result, measured: measured) {
                        theories.append(theory)
                    }
                } catch let untested as UntestedTheory {
                    extraCurves.append(untested.curve)
                    notes.append(untested.note)
                } catch let error as FlowError where passive.u6 != nil {
                    // The only starting value the user chose is u6: the input to change.
                    throw SweepError.passiveStart(u6: passive.u6!, reason: error.description)
                } catch let error as SweepError {
                    throw error
                } catch let error as any UserFacingError {
                    // The solver failed along the way: this theory is missing, the others stand.
                    let start = passive.u6.map { " from the chosen u6 = \($0)" } ?? ""
                    notes.append("\(passiveLabel(passive))\(start): not computed — the flow failed: \(error)")
                }
            }
        }
        return ObservableStudy(
            observable: o, variable: sweep.variable, x: x, measured: measured, estimator: sweep.base.estimator,
            companion: result.companionMeasurements.map { $0.map(o.measured) }, companionEstimator: sweep.companion,
            exact: exact, background: o.background(ms[0]) == nil ? nil : ms.map { o.background($0)! },
            fit: fit, fitIndices: fitIndices, fitNote: fitNote, theories: theories, untestedCurves: extraCurves, notes: notes)
    }

    static func activeFlowTheory(law: ActiveFlowLaw, observable o: Observable, dimension d: Double, x: [Double],
                                 measured: [Measured], dense: [Double], fit: PowerLawFit?) throws -> TheoryResult {
        let anchor = measured[0]
        var flow = ActiveFlow(law: law, dimension: d, orders: [o.order], initialCouplings: [anchor.value],
                              sigmaStart: x[0], sigmaEnd: x[x.count - 1])
        flow.sampling = .scales(Array(x.dropFirst()))
        let atPoints = try flow.run().couplings.map { $0[0] }
        flow.sampling = .scales(dense)
        let curve = try flow.run()
        let relativeAnchorError = anchor.error / abs(anchor.value)
        let exponent = law.exponent(order2n: o.order, dimension: d)
        let normalized = o.isNormalized
        let lawName = law == .paper ? "paper's law σ_W du/dσ_W = (\(o.order == 4 ? "4−d" : "6−2d")) u"
                                    : "raw scaling σ_W du/dσ_W = (\(o.order == 4 ? "d−4" : "d−6")) u"
        let label = "active flow, \(law == .paper ? "paper" : "raw") law (σ_W^\(formatExponent(exponent)))"
        let c = try TheoryComparison(
            theory: label, x: Array(x.dropFirst()), measured: Array(measured.dropFirst()), predicted: atPoints,
            fittedParameters: 0, predictedErrors: atPoints.map { abs($0) * relativeAnchorError })
        let applies: String
        switch (law, normalized) {
        case (.paper, true): applies = "the paper's law applied to the canonically normalized coupling (where PHYSICS.md §3 says it holds)"
        case (.paper, false): applies = "the paper's law applied to the raw measured coupling, as the paper plots it"
        case (.raw, false): applies = "the exact rescaling of the raw coupling, u ∝ σ_W^{d−\(o.order == 4 ? 4 : 6)}"
        case (.raw, true): applies = "the raw-coupling law applied to the normalized coupling (expected to fail)"
        }
        return TheoryResult(
            comparison: c, curve: TheoryCurve(id: law == .paper ? "active-paper" : "active-raw", label: label, x: curve.sigmaW, y: curve.couplings.map { $0[0] }),
            explanation: "\(lawName) — \(applies); integrated with CVODE from the measurement at σ_W = \(formatCompact(x[0])) (anchor, excluded from χ²; its error carried by the prediction)",
            exponent: exponent, verdict: verdict(c, exponent: exponent, fit: fit), consistent: c.pValue >= disagreementPValue)
    }

    /// A theory whose curve does not reach the measured points: drawn, reported, not tested.
    struct UntestedTheory: Error {
        let curve: TheoryCurve
        let note: String
    }

    static func passiveTheory(_ mapping: PassiveMapping, observable o: Observable, result: SweepResult,
                              measured: [Measured]) throws -> TheoryResult? {
        let first = result.measurements[0]
        let d = Double(result.sweep.base.inputDimension)
        let path = try mapping.trajectory(network: first.settings.makeArchitecture(), u4: first.u4.mean, u6: first.u6.mean)
        let y = o.order == 4 ? path.u4 : path.u6
        var xs: [Double] = [], ms: [Measured] = [], ps: [Double] = [], es: [Double] = []
        let anchor = o.order == 4 ? measured[0] : nil
        for i in result.x.indices.dropFirst() {
            guard let p = interpolate(x: path.sigmaW, y: y, at: result.x[i]) else { continue }
            xs.append(result.x[i]); ms.append(measured[i]); ps.append(p)
            es.append(anchor.map { abs(p) * $0.error / abs($0.value) } ?? 0)
        }
        let reach = path.sigmaW.max() ?? result.x[0]
        let canonical = mapping.normalization == .canonical
        let label = passiveLabel(mapping)
        let start = canonical
            ? "starting at u2 = m0² = 2σ_W0²/d = \(formatCompact(path.initial[0])), λ4 = ū4/Z² = \(formatCompact(path.initial[1])), λ6 = ū6/Z³ = \(formatCompact(path.initial[2])) (all measured at σ_W0 = \(formatCompact(result.x[0])), canonically normalized)"
            : "starting at u2 = 2σ_W0²/d = \(formatCompact(path.initial[0])), u4 = \(formatCompact(path.initial[1])) (measured at σ_W0 = \(formatCompact(result.x[0]))), "
                + "u6 = \(formatCompact(path.initial[2]))\(mapping.u6 == nil ? " (measured)" : " (chosen)") — the paper's mapping, which mixes the canonical u2 with the raw u4, u6"
        let explanation = "Wetterich LPA (Litim, d = \(formatCompact(d)), order 6) for the dimensionful couplings from k = \(formatCompact(mapping.startScale)) m0 "
            + "upward, \(start); σ_W(k) = √(d·u2(k)/2) reaches \(formatCompact(reach)) "
            + "(flow \(path.ending))"
            + (xs.isEmpty ? "" : "; compared at the \(xs.count) measured σ_W it reaches, anchor excluded")
            + (o.order == 4 && !xs.isEmpty ? ", anchor error carried linearly" : "")
        guard !xs.isEmpty else {
            throw UntestedTheory(curve: TheoryCurve(id: "passive", label: label, x: path.sigmaW, y: y),
                                 note: "\(label): \(explanation) — no test: the mapped σ_W(k) stays below the second measured σ_W = \(formatCompact(result.x[1])) (it reaches \(formatCompact(reach)))")
        }
        let c = try TheoryComparison(theory: label, x: xs, measured: ms, predicted: ps, fittedParameters: 0, predictedErrors: es)
        return TheoryResult(comparison: c, curve: TheoryCurve(id: "passive", label: label, x: path.sigmaW, y: y), explanation: explanation,
                            exponent: nil, verdict: verdict(c, exponent: nil, fit: nil), consistent: c.pValue >= disagreementPValue)
    }

    static func passiveLabel(_ mapping: PassiveMapping) -> String {
        mapping.normalization == .canonical ? "passive LPA flow mapped onto σ_W (canonical λ = u/Z^n)" : "passive LPA flow mapped onto σ_W"
    }

    /// `A` minimizing `Σ ((y_i − A x_i^p)/σ_i)²`: `A = Σ y f/σ² / Σ f²/σ²`, `f = x^p`.
    public static func fixedExponentAmplitude(x: [Double], y: [Measured], exponent p: Double) -> Double {
        var num = 0.0, den = 0.0
        for (xi, yi) in zip(x, y) {
            let f = pow(xi, p), w = 1 / (yi.error * yi.error)
            num += w * f * yi.value
            den += w * f * f
        }
        return num / den
    }

    /// The plain verdict: χ²/dof and p, then sign, slope and normalization findings.
    public static func verdict(_ c: TheoryComparison, exponent: Double?, fit: PowerLawFit?) -> String {
        let stats = c.chiSquared.isFinite
            ? "χ²/dof = \(formatCompact(c.chiSquared))/\(c.degreesOfFreedom) = \(formatCompact(c.reducedChiSquared)), p = \(formatP(c.pValue))"
            : "χ² beyond double precision (> 1e308; pulls above 1e154), p = \(formatP(c.pValue))"
        var findings: [String] = []
        let significant = c.rows.filter { abs($0.measured.value) >= 3 * $0.measured.error }
        let opposite = significant.filter { ($0.measured.value < 0) != ($0.predicted < 0) && $0.predicted != 0 }
        if !opposite.isEmpty {
            findings.append("sign: predicted \(c.rows[0].predicted < 0 ? "negative" : "positive"), measured \(opposite[0].measured.value < 0 ? "negative" : "positive") at \(opposite.count) of \(significant.count) significant points")
        }
        if let exponent, let fit {
            let z = (fit.exponent - exponent) / fit.exponentError
            let slope = "theory \(formatExponent(exponent)), measured " + String(format: "%.6g ± %.2g", fit.exponent, fit.exponentError)
            findings.append(abs(z) > 3 ? "slope: \(slope) (\(formatCompact(abs(z))) σ apart)" : "slope agrees: \(slope)")
        }
        let relative = c.rows.filter { $0.predicted != 0 }.map { abs($0.measured.value - $0.predicted) / abs($0.predicted) }
        if c.pValue < disagreementPValue, let worst = relative.max() {
            findings.append("largest relative deviation \(formatCompact(worst))")
        }
        let ratios = significant.filter { $0.predicted != 0 }.map { $0.measured.value / $0.predicted }.sorted()
        if !ratios.isEmpty {
            let median = ratios[ratios.count / 2]
            if c.pValue < disagreementPValue, median > 0, abs(log(median)) > log(1.5) {
                findings.append("normalization: median measured/predicted = \(formatCompact(median))")
            }
        }
        let head = c.pValue >= disagreementPValue ? "consistent: \(stats)" : "DISAGREES: \(stats)"
        return findings.isEmpty ? head : head + "; " + findings.joined(separator: "; ")
    }

    static func denseGrid(_ x: [Double]) -> [Double] {
        let lo = log(x.first!), hi = log(x.last!)
        return (0...120).map { exp(lo + (hi - lo) * Double($0) / 120) }
    }
}
