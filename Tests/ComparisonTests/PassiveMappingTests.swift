import Foundation
import GaussNet
import XCTest
@testable import Comparison

final class PassiveMappingTests: XCTestCase {
    /// Without interactions the mass does not run: σ_W(k) = σ_W0 at every k.
    func testFreeTheoryKeepsSigma() throws {
        let network = GaussNetArchitecture(sigmaW: 1.5, sigmaB: 1, inputDimension: 1)
        let path = try PassiveMapping(u6: 0, startScale: 0.01, endScale: 100).trajectory(network: network, u4: 0, u6: 0)
        XCTAssertEqual(path.ending, .completed)
        // CVODE runs at relative tolerance 1e-12 per step; the global error over the 9 e-folds stays below 1e-8.
        for s in path.sigmaW { XCTAssertEqual(s, 1.5, accuracy: 1e-8) }
    }

    /// First order in u4 (d = 1, Litim, u6 = 0): ∂_t u2 = −K_1 k³ u4/(k² + u2)², so over the whole
    /// range u2 grows by Δu2 = −K_1 u4 ∫_0^∞ dk k²/(k² + m0²)² = −K_1 u4 π/(4 m0), K_1 = 1/π.
    /// The O(u4²) remainder is ~1e-6 relative here.
    func testSmallCouplingMatchesFirstOrder() throws {
        let u4 = -1e-3, sigma0 = 1.0, d = 1.0
        let network = GaussNetArchitecture(sigmaW: sigma0, sigmaB: 1, inputDimension: Int(d))
        let path = try PassiveMapping(u6: 0, startScale: 1e-4, endScale: 1e4).trajectory(network: network, u4: u4, u6: 0)
        let m0 = (2 * sigma0 * sigma0 / d).squareRoot()
        let expected = m0 * m0 - (1 / Double.pi) * u4 * Double.pi / (4 * m0)
        let u2End = 2 * path.sigmaW.last! * path.sigmaW.last! / d
        // Truncating the k integral at 1e-4 m0 and 1e4 m0 misses ~1e-4 of it.
        XCTAssertEqual(u2End - m0 * m0, expected - m0 * m0, accuracy: 2e-3 * abs(expected - m0 * m0))
        // Monotonic: an attractive u4 < 0 only raises the mass.
        for (a, b) in zip(path.sigmaW, path.sigmaW.dropFirst()) { XCTAssertGreaterThanOrEqual(b, a - 1e-12) }
    }

    func testInterpolationInLogX() {
        XCTAssertEqual(interpolate(x: [1, 4], y: [0, 2], at: 2)!, 1, accuracy: 1e-12)
        XCTAssertNil(interpolate(x: [1, 4], y: [0, 2], at: 5))
    }
}
