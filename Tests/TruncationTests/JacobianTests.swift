import XCTest
@testable import Truncation

/// The exact (symbolic) Jacobians against Richardson-extrapolated central differences of β.
final class JacobianTests: XCTestCase {
    private func check(_ spec: TruncationSpec, point: (inout SplitMix64) -> [Double], file: StaticString = #filePath, line: UInt = #line) throws {
        let beta = try BetaFunctions(spec)
        var rng = SplitMix64(state: 11)
        let n = beta.count
        for _ in 0..<20 {
            let u = point(&rng)
            let exact = beta.jacobian(u)
            let numeric = finiteDifferenceJacobian(beta.evaluate, at: u)
            let scale = max(exact.map(abs).max()!, 1e-8)
            for k in 0..<(n * n) {
                XCTAssertLessThan(abs(exact[k] - numeric[k]), 1e-7 * scale,
                                  "\(spec) J[\(k / n),\(k % n)] exact \(exact[k]) vs FD \(numeric[k])", file: file, line: line)
            }
        }
    }

    func testWetterichAboutZero() throws {
        for d in [1.0, 3.0, 2.2] {
            try check(TruncationSpec(dimension: d, order: 10)) { rng in
                [rng.uniform(-0.5, 1)] + (1..<5).map { _ in rng.uniform(-2, 2) }
            }
        }
    }

    func testWetterichAboutMinimum() throws {
        try check(TruncationSpec(expansion: .minimum, dimension: 3, order: 10)) { rng in
            [rng.uniform(0.01, 0.5), rng.uniform(0.2, 3)] + (2..<5).map { _ in rng.uniform(-2, 2) }
        }
    }

    func testPolchinski() throws {
        try check(TruncationSpec(scheme: .polchinski, dimension: 3, order: 10)) { rng in
            (0..<5).map { _ in rng.uniform(-2, 2) }
        }
        try check(TruncationSpec(scheme: .polchinski, expansion: .minimum, dimension: 2.5, order: 8)) { rng in
            [rng.uniform(0.01, 0.5), rng.uniform(0.2, 3)] + (2..<4).map { _ in rng.uniform(-2, 2) }
        }
    }

    func testExponentialRegulator() throws {
        try check(TruncationSpec(dimension: 3, order: 8, regulator: .exponential)) { rng in
            [rng.uniform(-0.3, 1)] + (1..<4).map { _ in rng.uniform(-2, 2) }
        }
    }

    func testLPAPrime() throws {
        try check(TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: 3, order: 8)) { rng in
            [rng.uniform(0.01, 0.5), rng.uniform(0.2, 3)] + (2..<4).map { _ in rng.uniform(-2, 2) }
        }
    }
}
