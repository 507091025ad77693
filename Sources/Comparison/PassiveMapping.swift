import Flows
import Foundation
import GaussNet
import Truncation

/// The published mapping of the passive flow onto `σ_W` (PHYSICS.md §3): the Wetterich LPA flow
/// (Litim regulator, expansion about φ = 0, order 6, dimension `d`) is integrated for the
/// dimensionful couplings from the deep infrared upward, starting from `u2 = m0²` of the network
/// at the first `σ_W0` (`Architecture.massSquared`, `2σ_W0²/d` for the Gaussian kernel), the
/// measured `u4` there and a chosen `u6`; the scale is read off as the `σ_W` whose mass is `u2(k)`
/// (`Architecture.sigmaW(massSquared:)`, `√(d·u2(k)/2)`), and `u4(k)`, `u6(k)` are set beside the
/// measurements at that `σ_W`.
///
/// That is the paper's mapping (`normalization: .paper`): it mixes the canonical `u2 = m0²` with
/// the raw `u4`, `u6`. Beside it, `normalization: .canonical` starts from the canonically
/// normalized couplings (`CanonicalCouplings`: `u2 = m0²`, `λ4 = ū4/Z²`, `λ6 = ū6/Z³`,
/// docs/conventions.md), whose flow is then compared with the measured `λ4`, `λ6` at `σ_W(k)`.
public struct PassiveMapping: Sendable, Equatable {
    public enum Normalization: String, Sendable {
        /// Canonical `u2` with the raw measured `u4`, `u6` (as published).
        case paper
        /// The canonically normalized couplings throughout.
        case canonical
    }

    public var normalization: Normalization = .paper
    /// `u6` at the start; nil: the measured `ū6` at the first `σ_W`.
    public var u6: Double?
    /// Start scale `k_IR` in units of `m0 = √(2σ_W0²/d)`; deep infrared means `≪ 1`.
    public var startScale: Double
    /// Final scale in units of `m0`.
    public var endScale: Double

    public init(u6: Double? = nil, startScale: Double = 0.01, endScale: Double = 100) {
        self.u6 = u6
        self.startScale = startScale
        self.endScale = endScale
    }

    /// The mapped trajectory: `σ_W(k)` and the dimensionful couplings along it.
    public struct Trajectory: Sendable {
        public var k: [Double]
        public var sigmaW: [Double]
        public var u4: [Double]
        public var u6: [Double]
        public var ending: FlowEnding
        public var initial: [Double]
    }

    /// - Parameter network: the architecture at the first `σ_W0` of the sweep (`d` is its input
    ///   dimension); it must have a mass (`massSquared`).
    public func trajectory(network: any Architecture, u4 measuredU4: Double, u6 measuredU6: Double) throws -> Trajectory {
        guard let massSquared = network.massSquared else { throw SweepError.noMass(architecture: network.kind) }
        var u4 = measuredU4, chosenU6 = u6 ?? measuredU6
        if normalization == .canonical {
            guard let z = network.wavefunctionNormalization else { throw SweepError.noWavefunctionNormalization(observable: "the canonical passive mapping", architecture: network.kind) }
            u4 /= z * z
            chosenU6 /= z * z * z
        }
        let d = Double(network.inputDimension)
        let spec = TruncationSpec(scheme: .wetterich, truncation: .lpa, expansion: .zero, dimension: d, order: 6, regulator: .litim)
        let beta = try BetaFunctions(spec)
        let m0 = massSquared.squareRoot()
        let kIR = startScale * m0
        let initial = [m0 * m0, u4, chosenU6]
        var flow = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions,
                               initialCouplings: [], tEnd: log(endScale / startScale))
        flow.uvScale = kIR
        flow.initialCouplings = flow.dimensionless(initial, at: kIR)
        flow.sampling = .evenlySpaced(count: 400)
        // In the deep infrared the dimensionless couplings are large (ū4 = k^{d−4} u4): a blow-up of
        // the flow toward the UV shows in the dimensionful couplings, which otherwise change by
        // factors of order one (bounds: 10⁶ times their start, or their natural size m0^D K_d^{1−m}).
        flow.dimensionfulRunawayBounds = dimensionfulRunawayBounds(factor: 1e6, couplings: beta.couplings, startingValues: initial,
                                                                  scale: m0, dimension: d)
        // Toward the UV the dimensionless couplings fall like k^{−D} (ū2 from ~10⁴ to ~10⁻⁴ over the
        // default range): a relative tolerance carries them; three equations make a tight one cheap
        // (at 1e-10 the global error in σ_W is ~1e-8, at 1e-12 ~1e-10).
        flow.solver.absoluteTolerance = 1e-30
        flow.solver.relativeTolerance = 1e-12
        let result = try flow.run()
        // The φ⁶ LPA about φ = 0 has exactly these three couplings.
        let i2 = beta.index(of: .potential(order: 2))!, i4 = beta.index(of: .potential(order: 4))!,
            i6 = beta.index(of: .potential(order: 6))!
        var k: [Double] = [], sigma: [Double] = [], c4: [Double] = [], c6: [Double] = []
        for (s, u) in result.dimensionful.enumerated() where u[i2] > 0 && u.allSatisfy(\.isFinite) {
            guard let sigmaW = network.sigmaW(massSquared: u[i2]) else { continue }
            k.append(result.k[s])
            sigma.append(sigmaW)
            c4.append(u[i4])
            c6.append(u[i6])
        }
        return Trajectory(k: k, sigmaW: sigma, u4: c4, u6: c6, ending: result.ending, initial: initial)
    }
}

/// Linear interpolation of `y(x)` in `ln x` along a trajectory whose `x` is monotonic; nil outside.
func interpolate(x: [Double], y: [Double], at x0: Double) -> Double? {
    guard x.count >= 2 else { return nil }
    let increasing = x.last! > x.first!
    for i in 0..<(x.count - 1) {
        let (a, b) = (x[i], x[i + 1])
        guard increasing ? b > a : b < a else { return nil }
        if (x0 - a) * (x0 - b) <= 0 {
            let f = (log(x0) - log(a)) / (log(b) - log(a))
            return y[i] + f * (y[i + 1] - y[i])
        }
    }
    return nil
}
