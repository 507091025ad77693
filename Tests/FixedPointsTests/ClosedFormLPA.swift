import Foundation
@testable import FixedPoints
import Truncation

/// The Wetterich LPA flow with the Litim regulator projected on ū2, ū4 (and ū6), typed in from
/// PHYSICS.md §1 (seed 001). This is the *reference* for the fixed-point machinery's tests, kept
/// independent of the truncation module that derives the same equations.
///
///     ∂_t ū2 = −2 ū2 − K_d ū4/(1+ū2)²
///     ∂_t ū4 = −(4−d) ū4 − K_d ū6/(1+ū2)² + 6 K_d ū4²/(1+ū2)³
///     ∂_t ū6 = −(6−2d) ū6 + 30 K_d ū4 ū6/(1+ū2)³ − 90 K_d ū4³/(1+ū2)⁴
struct ClosedFormLPA: VectorField {
    let d: Double
    /// 4 or 6.
    let order: Int

    var K: Double { pow(Double.pi, d / 2) / tgamma(d / 2 + 1) / pow(2 * Double.pi, d) }
    var dimension: Int { order / 2 }
    var coordinateNames: [String] { Array(["u2", "u4", "u6"].prefix(dimension)) }

    var domainConstraints: [DomainConstraint] {
        [DomainConstraint(name: "threshold 1+ū2", meaning: "threshold pole", stopBelow: 1e-3) { 1 + $0[0] }]
    }

    func evaluate(_ u: UnsafeBufferPointer<Double>, into beta: UnsafeMutableBufferPointer<Double>) {
        let w = 1 + u[0], u4 = u[1], u6 = order >= 6 ? u[2] : 0
        beta[0] = -2 * u[0] - K * u4 / (w * w)
        beta[1] = -(4 - d) * u4 - K * u6 / (w * w) + 6 * K * u4 * u4 / (w * w * w)
        if order >= 6 {
            beta[2] = -(6 - 2 * d) * u6 + 30 * K * u4 * u6 / (w * w * w) - 90 * K * u4 * u4 * u4 / (w * w * w * w)
        }
    }

    func jacobian(_ u: UnsafeBufferPointer<Double>, into j: UnsafeMutableBufferPointer<Double>) {
        let n = dimension
        let w = 1 + u[0], u4 = u[1], u6 = order >= 6 ? u[2] : 0
        let w2 = w * w, w3 = w2 * w, w4 = w3 * w, w5 = w4 * w
        j[0] = -2 + 2 * K * u4 / w3
        j[1] = -K / w2
        j[n] = 2 * K * u6 / w3 - 18 * K * u4 * u4 / w4
        j[n + 1] = -(4 - d) + 12 * K * u4 / w3
        if order >= 6 {
            j[2] = 0
            j[n + 2] = -K / w2
            j[2 * n] = -90 * K * u4 * u6 / w4 + 360 * K * u4 * u4 * u4 / w5
            j[2 * n + 1] = 30 * K * u6 / w3 - 270 * K * u4 * u4 / w4
            j[2 * n + 2] = -(6 - 2 * d) + 30 * K * u4 / w3
        }
    }
}
