import Foundation
import XCTest
import ODE

/// The banded direct solver on the method-of-lines heat equation and on an asymmetric band.
final class BandedTests: XCTestCase {
    /// u_t = D u_xx on (0, 1), u = 0 at both ends, central differences on n interior points
    /// x_j = (j+1) h, h = 1/(n+1): u_j' = D (u_{j-1} - 2u_j + u_{j+1}) / h², a tridiagonal
    /// (upper = lower = 1) stiff system. The semi-discrete system is solved exactly by its
    /// eigenmodes: sin(kπx_j) decays at rate 4D/h² sin²(kπh/2).
    struct Diffusion {
        let n = 30
        let diffusivity = 1.0
        var h: Double { 1 / Double(n + 1) }

        func problem(_ structure: JacobianStructure, exactJacobian: Bool) -> ODEProblem {
            let n = n
            let c = diffusivity / (h * h)
            let jacobian: ODEJacobian = { _, _, _, J in
                for j in 0..<n {
                    J[j, j] = -2 * c
                    if j > 0 { J[j, j - 1] = c }
                    if j < n - 1 { J[j, j + 1] = c }
                }
            }
            return ODEProblem(dimension: n, jacobianStructure: structure,
                              jacobian: exactJacobian ? jacobian : nil) { _, u, udot in
                for j in 0..<n {
                    let left = j > 0 ? u[j - 1] : 0
                    let right = j < n - 1 ? u[j + 1] : 0
                    udot[j] = c * (left - 2 * u[j] + right)
                }
            }
        }

        /// u(x, 0) = sin πx + ½ sin 3πx.
        func exact(_ t: Double) -> [Double] {
            (0..<n).map { j in
                let x = Double(j + 1) * h
                return [(1, 1.0), (3, 0.5)].reduce(0.0) { sum, mode in
                    let rate = 4 * diffusivity / (h * h) * pow(sin(Double(mode.0) * .pi * h / 2), 2)
                    return sum + mode.1 * sin(Double(mode.0) * .pi * x) * exp(-rate * t)
                }
            }
        }
    }

    /// BDF with Newton: the banded linear solver and Jacobian are what these tests exercise.
    let options = ODEOptions(tolerances: ODETolerances(relative: 1e-10, absolute: 1e-13), method: .bdf)

    func testBandedDiffusionAgainstExactModes() throws {
        let diffusion = Diffusion()
        let solution = try diffusion.problem(.banded(upper: 1, lower: 1), exactJacobian: true).solve(
            from: 0, to: 0.2, initialState: diffusion.exact(0), output: .evenlySpaced(count: 11), options: options)
        for (t, u) in zip(solution.times, solution.states) {
            let error = zip(u, diffusion.exact(t)).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(error, 1e-8, "t = \(t); amplitude ≤ 1.5")
        }
        XCTAssertGreaterThan(solution.statistics.jacobianEvaluations, 0)
        XCTAssertEqual(solution.statistics.rightHandSideEvaluationsForJacobian, 0)
    }

    /// Dense and banded solves of the same problem agree. The banded difference-quotient
    /// Jacobian needs upper + lower + 1 = 3 evaluations of f per Jacobian (column grouping),
    /// the dense one n = 30: the counts show which solver CVODE used.
    func testBandedAgreesWithDense() throws {
        let diffusion = Diffusion()
        let y0 = diffusion.exact(0)
        func solve(_ structure: JacobianStructure, exact: Bool) throws -> ODESolution {
            try diffusion.problem(structure, exactJacobian: exact).solve(
                from: 0, to: 0.2, initialState: y0, output: .evenlySpaced(count: 5), options: options)
        }
        let dense = try solve(.dense, exact: true)
        let banded = try solve(.banded(upper: 1, lower: 1), exact: true)
        let bandedDQ = try solve(.banded(upper: 1, lower: 1), exact: false)
        let denseDQ = try solve(.dense, exact: false)
        for other in [banded, bandedDQ, denseDQ] {
            for (a, b) in zip(dense.states, other.states) {
                XCTAssertLessThan(zip(a, b).map { abs($0 - $1) }.max()!, 1e-9)
            }
        }
        XCTAssertEqual(bandedDQ.statistics.rightHandSideEvaluationsForJacobian,
                       3 * bandedDQ.statistics.jacobianEvaluations)
        XCTAssertEqual(denseDQ.statistics.rightHandSideEvaluationsForJacobian,
                       30 * denseDQ.statistics.jacobianEvaluations)
    }

    /// An asymmetric band, upper 2 and lower 1, of a linear system y' = A y with
    /// A = tridiagonal(-1 below, -4 on, 1 above) plus 0.5 two above the diagonal. The same
    /// Jacobian closure fills a dense and a band matrix; the dense layout is the one the
    /// Robertson test checks against SUNDIALS bit for bit. Identical Newton matrices give
    /// identical step sequences, which a misplaced band entry would change.
    func testAsymmetricBandMatchesDense() throws {
        let n = 12
        func entry(_ i: Int, _ j: Int) -> Double {
            switch j - i {
            case -1: return -1
            case 0: return -4 - Double(i) / 4
            case 1: return 1
            case 2: return 0.5
            default: return 0
            }
        }
        func problem(_ structure: JacobianStructure) -> ODEProblem {
            ODEProblem(dimension: n, jacobianStructure: structure, jacobian: { _, _, _, J in
                for i in 0..<n {
                    for j in max(0, i - 1)...min(n - 1, i + 2) { J[i, j] = entry(i, j) }
                }
            }) { _, y, ydot in
                for i in 0..<n {
                    var sum = 0.0
                    for j in max(0, i - 1)...min(n - 1, i + 2) { sum += entry(i, j) * y[j] }
                    ydot[i] = sum
                }
            }
        }
        let y0 = (0..<n).map { cos(Double($0)) }
        let dense = try problem(.dense).solve(from: 0, to: 3, initialState: y0, output: .evenlySpaced(count: 4),
                                              options: options)
        let banded = try problem(.banded(upper: 2, lower: 1)).solve(
            from: 0, to: 3, initialState: y0, output: .evenlySpaced(count: 4), options: options)
        XCTAssertEqual(banded.statistics.steps, dense.statistics.steps)
        XCTAssertEqual(banded.statistics.nonlinearIterations, dense.statistics.nonlinearIterations)
        XCTAssertEqual(banded.statistics.jacobianEvaluations, dense.statistics.jacobianEvaluations)
        for (a, b) in zip(dense.states, banded.states) {
            XCTAssertLessThan(zip(a, b).map { abs($0 - $1) }.max()!, 1e-12)
        }
    }
}
