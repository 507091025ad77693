import Foundation
import ODE

/// Scaling laws for the couplings of the active flow, in which the network width parameter `σ_W`
/// plays the role of the scale through `k² = 2σ_W²/d` (seed 001).
///
/// Two normalizations are in use and they differ in sign (PHYSICS.md §3):
/// - `paper`: the equations written in seed 001, `σ_W du4/dσ_W = (4−d) u4` and
///   `σ_W du6/dσ_W = (6−2d) u6`. They hold for couplings of the canonically normalized field,
///   `λ_{2n} = u_{2n}/Z^n` with `Z` the `p²` coefficient of the inverse kernel.
/// - `raw`: the couplings as measured, `u4 = −ΔG^(4)/N_K`. A network at `σ_W` has the connected
///   correlators of `σ_W` times a `σ_W = 1` network at `σ_W x`, so `u4 ∝ σ_W^{d−4}` and
///   `u6 ∝ σ_W^{d−6}` (up to the spread of the rescaled inputs).
public enum ActiveFlowLaw: String, Sendable, CaseIterable, Codable {
    case paper
    case raw

    /// Exponent `a` in `σ_W du_{2n}/dσ_W = a u_{2n}` for the coupling `u_{2n}` (`n ≥ 2`).
    public func exponent(order2n: Int, dimension d: Double) -> Double {
        let n = Double(order2n / 2)
        switch self {
        case .paper: return 2 * n - (n - 1) * d        // 4 − d, 6 − 2d, …
        case .raw: return d - 2 * n                    // d − 4, d − 6, …
        }
    }
}

/// The active flow: couplings `u4, u6` (more generally `u_{2n}`) as functions of `σ_W`,
/// integrated with CVODE in `s = ln σ_W` from `σ_W,0` to `σ_W,1`.
///
/// The equations are linear (`du/ds = a u`), so the result can be checked against the power law
/// `u(σ) = u(σ₀) (σ/σ₀)^a`; integrating them keeps one code path for every law and lets the
/// comparison module treat all theory curves alike.
public struct ActiveFlow: Sendable {
    public var law: ActiveFlowLaw
    public var dimension: Double
    /// Orders `2n` of the couplings, e.g. `[4, 6]`.
    public var orders: [Int]
    /// Couplings at `sigmaStart`, one per order.
    public var initialCouplings: [Double]
    public var sigmaStart: Double
    public var sigmaEnd: Double
    /// Values of `σ_W` where the flow is recorded (within the range), or evenly spaced in `ln σ_W`.
    public var sampling: FlowSampling = .evenlySpaced(count: 101)
    public var solver = FlowSolverSettings()

    public init(law: ActiveFlowLaw, dimension: Double, orders: [Int], initialCouplings: [Double],
                sigmaStart: Double, sigmaEnd: Double) {
        self.law = law
        self.dimension = dimension
        self.orders = orders
        self.initialCouplings = initialCouplings
        self.sigmaStart = sigmaStart
        self.sigmaEnd = sigmaEnd
    }

    public var couplingNames: [String] { orders.map { "u\($0)" } }

    /// `k = √(2σ_W²/d)`, the scale the network width sets.
    public func scale(sigmaW: Double) -> Double { (2 * sigmaW * sigmaW / dimension).squareRoot() }

    public func run() throws -> ActiveFlowResult {
        guard initialCouplings.count == orders.count else {
            throw FlowError.initialCount(expected: orders.count, got: initialCouplings.count)
        }
        guard sigmaStart.isFinite, sigmaStart > 0 else { throw FlowError.invalidScale(name: "σ_W start", value: sigmaStart) }
        guard sigmaEnd.isFinite, sigmaEnd > 0 else { throw FlowError.invalidScale(name: "σ_W end", value: sigmaEnd) }
        guard sigmaStart != sigmaEnd else { throw FlowError.emptyRange(start: sigmaStart, end: sigmaEnd) }
        guard dimension.isFinite, dimension > 0 else { throw FlowError.invalidScale(name: "dimension d", value: dimension) }

        let exponents = orders.map { law.exponent(order2n: $0, dimension: dimension) }
        // The solution is the power law u(σ) = u(σ₀)(σ/σ₀)^a, so whether σ_W, k or a coupling leaves
        // the representable range is known before integrating: at one of the two ends.
        let s0 = log(sigmaStart), s1 = log(sigmaEnd)
        for (sigma, s) in [(sigmaStart, s0), (sigmaEnd, s1)] {
            let logK = 0.5 * log(2 / dimension) + s
            if max(abs(s), abs(logK)) >= logRepresentableMagnitude {
                throw FlowError.activeOutOfRange(quantity: abs(s) >= abs(logK) ? "σ_W" : "k = √(2σ_W²/d)", sigmaW: sigma)
            }
            for (i, u) in initialCouplings.enumerated() where u != 0 {
                if log(abs(u)) + exponents[i] * (s - s0) >= logRepresentableMagnitude {
                    throw FlowError.activeOutOfRange(quantity: couplingNames[i], sigmaW: sigma)
                }
            }
        }
        let n = orders.count
        let problem = ODEProblem(
            dimension: n,
            jacobian: { _, _, _, matrix in for i in 0..<n { matrix[i, i] = exponents[i] } },
            rightHandSide: { _, y, ydot in for i in 0..<n { ydot[i] = exponents[i] * y[i] } })
        let output = try sampling.output(name: "σ_W sample", scales: min(sigmaStart, sigmaEnd)...max(sigmaStart, sigmaEnd),
                                         times: min(s0, s1)...max(s0, s1)) { log($0) }
        let solution = try problem.solve(from: s0, to: s1, initialState: initialCouplings, output: output,
                                         options: solver.options)
        let sigmas = solution.times.map { exp($0) }
        return ActiveFlowResult(law: law, couplingNames: couplingNames, exponents: exponents, sigmaW: sigmas,
                                k: sigmas.map { scale(sigmaW: $0) }, couplings: solution.states,
                                statistics: FlowStatistics(solution.statistics))
    }
}

/// A sampled active flow.
public struct ActiveFlowResult: Sendable {
    public var law: ActiveFlowLaw
    public var couplingNames: [String]
    /// `a` in `σ_W du/dσ_W = a u`, per coupling.
    public var exponents: [Double]
    public var sigmaW: [Double]
    /// `k = √(2σ_W²/d)` at each sample.
    public var k: [Double]
    /// `couplings[s][i]` at `sigmaW[s]`.
    public var couplings: [[Double]]
    public var statistics: FlowStatistics
}
