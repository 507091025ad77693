import Foundation
import TextOutput
import Truncation

/// Whether a fixed point of a polynomial truncation is a fixed point of the theory or an artifact
/// of cutting the field expansion: followed to higher orders, a genuine fixed point converges
/// (its leading eigenvalue settles), an artifact drifts or is lost.
///
/// The check follows the point order by order (each order started from the previous one's fixed
/// point, `followFixedPoint`) up to `targetOrder(for:)` and looks at the last three orders
/// reached: the point persists when the leading eigenvalue `θ₁` of the stability matrix
/// (`ν = −1/θ₁` for a Wilson–Fisher point) **and** its two lowest couplings (`u2, u4`, or `κ, λ2`)
/// each spread by less than `tolerance` relative to their size. Convergence with the order
/// oscillates (the expansion about the minimum with a period of several orders), so the spread is
/// judged, not the monotony of the changes. `θ₁` alone is not enough: spurious points close to the
/// Gaussian one (in `d = 3` about `φ = 0`, found at φ¹⁶ with `ū2 ≈ −0.002`) keep the Gaussian's
/// `θ₁ ≈ −2` at every order while their couplings drift (`ū4` from 0.26 to 0.087 by φ²⁴, 28 % over
/// the last three orders). In `d = 3` the Wilson–Fisher point passes from φ⁴ on (at φ²⁰–φ²⁴ about
/// `φ = 0`: 0.09 % in `θ₁`, 0.13 % in `ū2`; about the minimum 1e-5 and less); in `d = 1` and
/// `d = 2` the LPA point found at low order drifts steadily toward the threshold pole (`ν` from
/// 0.52 at φ⁴ to 0.68 at φ²⁴ in `d = 1`, a spread of 3 %) and fails.
public struct Persistence: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        /// The leading eigenvalue settles: a fixed point of the functional equation.
        case converges
        /// It does not settle where the functional equation is known to have no such point (the
        /// LPA in `d ≤ 2`): an artifact of the polynomial truncation.
        case artifact
        /// It does not settle within the orders followed, where a fixed point may exist (the LPA
        /// for `2 < d < 4` has a Wilson–Fisher point the expansion may approach slowly; the
        /// two-derivative truncations carry `η`): not confirmed.
        case unconverged
    }

    public var verdict: Verdict
    /// True when the point converges as the order grows.
    public var persists: Bool { verdict == .converges }
    /// Orders followed, from the point's own, and `θ₁` at each.
    public var orders: [Int]
    public var leadingEigenvalues: [Double]
    /// Why the branch ended before the target order, if it did.
    public var lost: String?
    /// One line for people: the values that decided.
    public var evidence: String

    /// Relative spread of `θ₁` and of the lowest couplings over the last three orders below which
    /// the point has settled.
    public static let tolerance = 5e-3
    /// How many of the lowest couplings must settle with `θ₁`.
    public static let settledCouplings = 2

    /// Orders followed for a point of `spec`'s order: 8 orders more, at least to φ²⁴; the
    /// derivative expansion, which oscillates longer and costs a second per order there, 6 more
    /// and at least to φ²⁰.
    public static func targetOrder(for spec: TruncationSpec) -> Int {
        switch spec.truncation {
        case .derivative2: return min(TruncationSpec.maximumDerivative2Order, max(spec.order + 6, 20))
        case .lpa, .lpaPrime: return min(TruncationSpec.maximumOrder, max(spec.order + 8, 24))
        }
    }

    /// Follows `point` (a fixed point of `spec`) to `targetOrder(for: spec)` and judges it. Near
    /// the largest order, where fewer than two orders lie above `spec.order`, it is also followed
    /// down, so that the judged window still spans eight orders ending at the target.
    public static func assess(_ point: FixedPoint, of spec: TruncationSpec, progress: StudyProgress? = nil) -> Persistence {
        var steps = [ContinuationStep(parameter: Double(spec.order), fixedPoint: point)]
        var lost: String?
        let target = targetOrder(for: spec)
        let lowest = max(TruncationStudies.startingOrder(spec), target - 8)
        if target - spec.order < 4, spec.order > lowest {
            let below = (try? TruncationStudies.followInOrder(point, of: spec, to: lowest)) ?? []
            steps = below.reversed() + steps
        }
        do {
            steps += try TruncationStudies.followInOrder(point, of: spec, to: target,
                                                         progress: prefixed(progress, "persistence check"))
        } catch let failure as ContinuationFailure {
            steps += failure.completed
            lost = "branch lost at φ^\(Int(failure.parameter)): \(failure.reason)"
        } catch {
            lost = "branch lost: \(error)"
        }
        return judge(steps, of: spec, lost: lost)
    }

    /// The verdict on a sequence of continuation steps in the order (a convergence study) of `spec`.
    public static func judge(_ steps: [ContinuationStep], of spec: TruncationSpec, lost: String? = nil) -> Persistence {
        // Only the LPA is known to have no non-trivial fixed point at d ≤ 2 (η = 0: the field is
        // dimensionless at d = 2); elsewhere a point that does not settle is merely unconfirmed.
        let failure: Verdict = spec.truncation == .lpa && spec.dimension <= 2 ? .artifact : .unconverged
        let orders = steps.map { Int($0.parameter) }
        let theta = steps.map { $0.fixedPoint.eigenvalues.first?.real ?? .nan }
        func symbol(_ k: Int) -> String {
            steps[k].fixedPoint.nu.map { "ν = \(formatNumber($0, significant: 6))" } ?? "θ₁ = \(formatNumber(theta[k], significant: 6))"
        }
        guard steps.count >= 3, theta.allSatisfy(\.isFinite) else {
            let reason = lost ?? "fewer than three orders to compare"
            return Persistence(verdict: failure, orders: orders, leadingEigenvalues: theta, lost: lost,
                               evidence: "not confirmed: \(reason)")
        }
        let n = theta.count
        // Relative spread over the last three orders; a coupling that vanishes at all of them
        // (fixed by a symmetry, say) has settled.
        func spread(_ values: [Double]) -> Double {
            let last = values.suffix(3)
            let width = last.max()! - last.min()!
            return width == 0 ? 0 : width / abs(values[values.count - 1])
        }
        let point = steps[n - 1].fixedPoint
        var spreads = [("θ₁", spread(theta))]
        spreads += point.couplingNames.prefix(settledCouplings).map { name in
            (name, spread(steps.map { $0.fixedPoint.coupling(name) ?? .nan }))
        }
        let settles = spreads.allSatisfy { $0.1 <= tolerance }
        let range = "\(symbol(0)) at φ^\(orders[0]) … \(symbol(n - 1)) at φ^\(orders[n - 1])"
        let listed = spreads.map { "\(formatNumber($0.1, significant: 2)) in \($0.0)" }.joined(separator: ", ")
        let change = "relative spread over φ^\(orders[n - 3])–φ^\(orders[n - 1]): \(listed)"
        var evidence = settles ? "converges: \(range), \(change)"
            : "does not converge: \(range), \(change) (above \(formatNumber(tolerance)))"
        if let lost { evidence += "; \(lost)" }
        if !settles, failure == .unconverged, steps[0].fixedPoint.kind == .wilsonFisher, spec.truncation == .lpa, spec.dimension > 2, spec.dimension < 4 {
            evidence += " (the whole-potential LPA has a Wilson–Fisher point at this d, frg fixed-points --truncation full-potential, which polynomial expansions approach slowly near d = 2)"
        }
        return Persistence(verdict: settles ? .converges : failure, orders: orders, leadingEigenvalues: theta, lost: lost,
                           evidence: evidence)
    }
}

extension FixedPoint {
    /// The kind as reported: the spectral kind when the point persists as the order grows (or was
    /// not checked, as for the Gaussian point), `truncation-artifact` or `unconverged` when not.
    public var reportedKind: String {
        guard let persistence, kind != .gaussian else { return kind.rawValue }
        switch persistence.verdict {
        case .converges: return kind.rawValue
        case .artifact: return "truncation-artifact"
        case .unconverged: return "unconverged"
        }
    }
}
