import Diagnostics
import Flows
import Foundation
import GaussNet
import ODE
import TextOutput
import Truncation

/// The passive RG as seed 001 states it: the couplings measured from a network ensemble are those
/// of the effective (IR, 1PI) action, the microscopic (UV) one is unknown, so the flow starts in
/// the deep infrared from the measured couplings and is integrated toward the ultraviolet.
///
/// Conventions (docs/conventions.md): `t = ln(k/m0)` with `m0² = 2σ_W²/d` the network's mass; the
/// measured couplings enter canonically normalized (`CanonicalCouplings`: `u2 = m0²`,
/// `u4 = λ4 = ū4/Z²`, `u6 = λ6 = ū6/Z³`), as dimensionful couplings at `k_IR = irScale · m0`, where
/// they have frozen (the measured ones are those of `k → 0`; the difference is `O((k_IR/m0)^{d+2})`).
/// Couplings of higher order than `u6` are not measured and start at 0.
public struct MeasuredFlow: FlowRun {
    /// What `u6` starts from.
    public enum SexticCoupling: Sendable, Equatable {
        /// The measured `ū6` (the default).
        case measured
        /// A chosen value, in the raw convention of the measurement (divided by `Z³` like the
        /// measured one): the seed's stabilization `u6 > 0` is such a choice, not a measurement.
        case chosen(Double)
        /// The measured magnitude made positive, `|ū6|`: the seed's stabilization applied to each
        /// measurement (for sweeps over widths, where `ū6 ∝ 1/N²`). A choice, not a measurement.
        case positive
    }

    public var measurement: GaussNet.Measurement
    /// Where the measurement was read from, for the header.
    public var source: String
    public var spec: TruncationSpec
    /// `k_IR/m0`, where the measured couplings are imposed (≪ 1).
    public var irScale: Double = 0.01
    /// Final RG time `t = ln(k/m0)`; above `ln(irScale)`: toward the ultraviolet.
    public var tEnd: Double
    public var sixthOrder: SexticCoupling = .measured
    /// Samples; `.scales` lists `k/m0`.
    public var sampling: FlowSampling = .evenlySpaced(count: 101)
    public var thresholdStop: Double = 1e-3
    /// The flow stops when a dimensionful coupling grows to this factor times its size at `k_IR`
    /// (or times its natural size `m0^D K_d^{1−m}` if that is larger): a blow-up of the truncated
    /// flow at a finite scale.
    public var runawayFactor: Double = 1e6
    public var solver = FlowSolverSettings()
    /// Also flow the leave-one-bag-out couplings, for jackknife errors of the end couplings.
    public var jackknife = true

    public init(measurement: GaussNet.Measurement, source: String, spec: TruncationSpec, tEnd: Double) {
        self.measurement = measurement
        self.source = source
        self.spec = spec
        self.tEnd = tEnd
    }

    /// The flow, and the jackknife over bags of where it ends.
    public struct Outcome: Sendable {
        /// The passive flow that was integrated (`passiveRun()`).
        public var run: PassiveFlowRun
        public var flow: PassiveFlowRun.Outcome
        /// Jackknife standard errors of the dimensionful couplings at the end, when every
        /// leave-one-bag-out flow ended the same way as the flow itself (nil otherwise, or when
        /// not computed).
        public var endErrors: [Double]?
        /// How the leave-one-bag-out flows ended: how many reached the end, and the range of
        /// `k/m0` where the others stopped.
        public var leaveOneOut: (completed: Int, total: Int, stopRange: ClosedRange<Double>?)?
    }

    /// The passive flow this describes; throws `MeasuredFlowError` when the truncation or the
    /// measurement does not allow it.
    public func passiveRun() throws -> PassiveFlowRun {
        try passiveRun(u4: nil, u6: nil)
    }

    /// The same with the raw `ū4`, `ū6` replaced (the leave-one-bag-out samples of the jackknife).
    func passiveRun(u4: Double?, u6: Double?) throws -> PassiveFlowRun {
        let settings = measurement.settings
        guard spec.scheme == .wetterich, spec.truncation == .lpa, spec.expansion == .zero else {
            throw MeasuredFlowError.truncation(spec.outline)
        }
        guard spec.dimension == Double(settings.inputDimension) else {
            throw MeasuredFlowError.dimension(truncation: spec.dimension, measurement: settings.inputDimension)
        }
        guard irScale.isFinite, irScale > 0, irScale < 1 else { throw MeasuredFlowError.irScale(irScale) }
        guard tEnd.isFinite, tEnd != log(irScale), abs(tEnd) <= logRepresentableMagnitude else { throw MeasuredFlowError.range(tEnd: tEnd, tStart: log(irScale)) }
        guard runawayFactor.isFinite, runawayFactor > 1 else { throw MeasuredFlowError.runawayFactor(runawayFactor) }
        var canonical = try CanonicalCouplings(measurement)
        if let u4 { canonical.lambda4 = canonical.canonical(u4, order: 4) }
        if let u6 {
            canonical.lambda6 = canonical.canonical(u6, order: 6)
            canonical.u6 = u6
        }
        let m0 = canonical.massSquared.squareRoot()
        let descriptors = try BetaFunctions.couplings(for: spec)
        let lambda6 = sixth(canonical)
        let couplings: [(name: String, value: Double)] = try descriptors.map { coupling in
            guard case .potential(let order) = coupling.role else { throw MeasuredFlowError.truncation(spec.outline) }
            switch order {
            case 2: return (coupling.name, canonical.massSquared)
            case 4: return (coupling.name, canonical.lambda4)
            case 6: return (coupling.name, lambda6)
            default: return (coupling.name, 0)
            }
        }
        var run = PassiveFlowRun(spec: spec, units: .dimensionful, uvScale: m0, couplings: couplings, tEnd: tEnd,
                                 sampling: sampling, thresholdStop: thresholdStop, runawayBound: .greatestFiniteMagnitude,
                                 solver: solver)
        if case .scales(let ratios) = sampling { run.sampling = .scales(ratios.map { $0 * m0 }) }
        run.tStart = log(irScale)
        run.scaleName = "m0"
        run.dimensionfulRunawayBounds = dimensionfulRunawayBounds(
            factor: runawayFactor, couplings: descriptors, startingValues: couplings.map(\.value), scale: m0, dimension: spec.dimension)
        run.provenance = provenance(canonical, order: spec.order)
        return run
    }

    private func sixth(_ canonical: CanonicalCouplings) -> Double {
        switch sixthOrder {
        case .measured: return canonical.lambda6
        case .chosen(let u6): return canonical.canonical(u6, order: 6)
        case .positive: return abs(canonical.lambda6)
        }
    }

    /// The header lines: where the couplings come from, their normalization, what was chosen.
    func provenance(_ c: CanonicalCouplings, order: Int) -> [String] {
        let s = measurement.settings
        var lines = [
            "initial condition: the effective (IR, 1PI) couplings measured from the ensemble (\(source)): \(s.architecture), N = \(s.width), σ_W = \(formatNumber(s.sigmaW)), σ_b = \(formatNumber(s.sigmaB)), d = \(s.inputDimension), \(s.estimator) estimator, \(s.bags) bags × \(s.netsPerBag) networks, seed \(s.seed)",
            "normalization: canonical field χ = √Z φ, with 1/K̃_W(p) = Z (m0² + p²) + O(p⁴), K̃(p) = ∫ d^dx e^{−ip·x} K_W(x) (docs/conventions.md): Z = \(formatNumber(c.wavefunctionNormalization, significant: 10)), u2 = m² = m0² = \(formatNumber(c.massSquared, significant: 10)); u4 = λ4 = ū4/Z² = \(formatWithError(c.lambda4, c.lambda4Error)) (ū4 = \(formatWithError(measurement.u4.mean, measurement.u4.standardError)))",
        ]
        if order >= 6 {
            switch sixthOrder {
            case .measured:
                lines.append("u6 = λ6 = ū6/Z³ = \(formatWithError(c.lambda6, c.lambda6Error)) (ū6 = \(formatWithError(measurement.u6.mean, measurement.u6.standardError)), measured)")
            case .chosen(let u6):
                lines.append("u6 = λ6 = \(formatNumber(c.canonical(u6, order: 6))) from the CHOSEN raw u6 = \(formatNumber(u6)) (not measured: the measured ū6 is \(formatWithError(measurement.u6.mean, measurement.u6.standardError)), λ6 = \(formatNumber(c.lambda6)))")
            case .positive:
                lines.append("u6 = λ6 = |ū6|/Z³ = \(formatNumber(abs(c.lambda6))): CHOSEN positive, the measured magnitude with its sign flipped (the seed's stabilization; the measured ū6 is \(formatWithError(measurement.u6.mean, measurement.u6.standardError)))")
            }
        } else {
            lines.append("the truncation stops at φ⁴: the measured ū6 is not used")
        }
        if order > 6 { lines.append("couplings of order > 6 are not measured and start at 0") }
        lines.append("start: t = ln(k/m0) = ln(\(formatNumber(irScale))), k_IR = \(formatNumber(irScale)) m0, where the dimensionful couplings have frozen (the measured ones are those of k → 0)")
        if let note = stability(massSquared: c.massSquared, lambda4: c.lambda4, lambda6: order >= 6 ? sixth(c) : 0) {
            lines.append(note)
        }
        return lines
    }

    /// Whether the truncated potential `U = m²φ²/2 + λ4φ⁴/4! + λ6φ⁶/6!` is bounded below, and if
    /// not where its barrier is: the first `φ > 0` with `U'(φ) = 0`.
    func stability(massSquared m2: Double, lambda4: Double, lambda6: Double) -> String? {
        let highest = lambda6 != 0 ? lambda6 : lambda4
        guard highest < 0 else { return nil }
        // U'(φ)/φ = m² + λ4 x/6 + λ6 x²/120 with x = φ²: its smallest positive root.
        var roots: [Double] = []
        if lambda6 == 0 {
            roots = [-6 * m2 / lambda4]
        } else {
            let a = lambda6 / 120, b = lambda4 / 6, c = m2
            let discriminant = b * b - 4 * a * c
            if discriminant >= 0 {
                let q = -0.5 * (b + (b >= 0 ? 1 : -1) * discriminant.squareRoot())
                roots = [q / a, c / q]
            }
        }
        guard let x = roots.filter({ $0 > 0 && $0.isFinite }).min() else { return nil }
        let phi = x.squareRoot()
        let barrier = m2 * x / 2 + lambda4 * x * x / 24 + lambda6 * x * x * x / 720
        return "stability: the truncated potential U = m²φ²/2 + λ4φ⁴/4! + λ6φ⁶/6! is unbounded below (\(lambda6 != 0 ? "λ6" : "λ4") < 0): its barrier is at φ = \(formatNumber(phi, significant: 4)) (U = \(formatNumber(barrier, significant: 4))) in the canonical field, beyond which U falls without bound. Its Taylor coefficients about φ = 0 flow regardless, but they describe the ensemble's small-field statistics, not a stable vacuum; a chosen u6 > 0 (the seed's stabilization) is a modelling assumption"
    }

    public func integrate() throws -> Outcome {
        let run = try passiveRun()
        let flow = try run.integrate()
        guard jackknife, measurement.bags.count > 1 else { return Outcome(run: run, flow: flow, endErrors: nil, leaveOneOut: nil) }
        let samples = try measurement.leaveOneOutCouplings().map { sample in
            try passiveRun(u4: sample.u4, u6: sample.u6).integrate().result
        }
        let m0 = run.uvScale
        let completed = samples.filter { $0.ending == .completed }.count
        let stops = samples.filter { $0.ending != .completed }.map { $0.k.last! / m0 }
        let range = stops.isEmpty ? nil : stops.min()!...stops.max()!
        var errors: [Double]?
        if samples.allSatisfy({ $0.ending == .completed }) == (flow.result.ending == .completed) {
            errors = flow.result.couplingNames.indices.map { i in
                Measurement.jackknifeError(samples.map { $0.dimensionful.last![i] })
            }
        }
        return Outcome(run: run, flow: flow, endErrors: errors, leaveOneOut: (completed, samples.count, range))
    }

    public func trajectory(of outcome: Outcome) -> FlowTrajectory {
        let run = outcome.run
        var trajectory = run.trajectory(of: outcome.flow)
        let result = outcome.flow.result
        let m0 = run.uvScale
        let last = result.dimensionful.last!, kLast = result.k.last!
        let values = result.couplingNames.indices.map { i in
            let value = outcome.endErrors.map { formatWithError(last[i], $0[i]) } ?? formatNumber(last[i], significant: 8)
            return "\(result.couplingNames[i]) = \(value)"
        }.joined(separator: ", ")
        switch result.ending {
        case .completed:
            trajectory.header.append("result: the microscopic couplings at k = \(formatNumber(kLast / m0)) m0: \(values) (dimensionful, canonical field)")
        case .runaway(let coupling, _):
            trajectory.header.append("result: no microscopic couplings — toward the UV the truncated flow blows up near k = \(formatNumber(kLast / m0, significant: 4)) m0 (\(coupling) grew by the runaway factor \(formatNumber(runawayFactor))): from these effective couplings the truncation cannot reconstruct a microscopic action; last values \(values)")
        case .leftDomain(let constraint, _, _):
            trajectory.header.append("result: no microscopic couplings — the flow left the truncation's domain (\(constraint)) at k = \(formatNumber(kLast / m0, significant: 4)) m0; last values \(values)")
        case .outOfRange(let quantity, _):
            trajectory.header.append("result: no microscopic couplings — \(quantity) left the range of double precision at k = \(formatNumber(kLast / m0, significant: 4)) m0; last values \(values)")
        }
        if let loo = outcome.leaveOneOut {
            var line = "errors: jackknife over the \(loo.total) bags (each left out in turn, the flow repeated): \(loo.completed) of \(loo.total) reached the end"
            if let range = loo.stopRange {
                line += ", the others stopped at k = \(formatNumber(range.lowerBound, significant: 4)) … \(formatNumber(range.upperBound, significant: 4)) m0"
            }
            if outcome.endErrors == nil { line += "; the endings differ, so no error is quoted for the end values" }
            trajectory.header.append(line)
        }
        return trajectory
    }
}

/// Why a flow from measured couplings cannot be set up.
public enum MeasuredFlowError: UserFacingError, Equatable {
    case truncation(String)
    case dimension(truncation: Double, measurement: Int)
    case irScale(Double)
    case range(tEnd: Double, tStart: Double)
    case runawayFactor(Double)

    public var category: ErrorCategory { .invalidInput }

    public var description: String {
        switch self {
        case .truncation(let outline):
            return "measured couplings start the Wetterich LPA about φ = 0 (couplings u2, u4, u6, …), not \(outline)"
        case let .dimension(t, m):
            return "the truncation has d = \(formatPlain(t)), the measurement's inputs d = \(m)"
        case .irScale(let s):
            return "the infrared scale k_IR/m0 must be in (0, 1), got \(s)"
        case let .range(tEnd, tStart):
            return "tEnd = \(tEnd) must differ from the start t = ln(k_IR/m0) = \(tStart) and lie within ±\(formatPlain(logRepresentableMagnitude.rounded(.down))) (k = m0·e^t must be representable in double precision)"
        case .runawayFactor(let f):
            return "the runaway factor must be > 1, got \(f)"
        }
    }
}
