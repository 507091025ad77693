import ArgumentParser
import Dispatch
import Foundation
import ODE

/// `swift run -c release frg-bench ode`: wall-clock time of whole CVODE solves through the
/// Swift ODE module.
///
/// - Robertson: SUNDIALS' cvRoberts_dns setup (stiff, BDF, dense exact Jacobian, two root
///   functions, 12 outputs) from t = 0 to 4e10.
/// - LPA flow: the three-coupling Wetterich LPA flow of PHYSICS.md (Litim regulator, d = 3),
///   ū2, ū4, ū6, run 10 e-folds toward the infrared (t = 0 → −10) with the exact Jacobian,
///   101 outputs, and the events 1 + ū2 = 0 and max |ū| = 1e12.
/// - The same LPA solves spread over all cores, to show that independent solves scale.
struct ODEBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ode", abstract: "Time CVODE solves (Robertson, a 3-coupling LPA flow).")

    @Option(help: "Solves per measurement.")
    var repetitions = 200

    func run() throws {
        print("frg-bench ode: \(repetitions) solves per case, times per solve (min / median)")
        let robertson = try measure { try RobertsonProblem.solve() }
        report("Robertson 0 → 4e10 (BDF, dense, exact J, 2 roots)", robertson)
        let flow = try measure { try Self.lpaFlow() }
        report("LPA ū2,ū4,ū6, d = 3, t = 0 → −10 (rtol 1e-10)", flow)

        let cores = ProcessInfo.processInfo.activeProcessorCount
        let start = DispatchTime.now().uptimeNanoseconds
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: cores) { _ in
            for _ in 0..<repetitions {
                do { _ = try Self.lpaFlow() } catch { failures.record(error) }
            }
        }
        if let error = failures.first { throw error }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        let serial = flow.median * Double(repetitions * cores)
        print(String(format: "  LPA flow, %d × %d solves on %d cores: %.3f s (serial estimate %.3f s, speed-up %.2f)",
                     cores, repetitions, cores, elapsed, serial, serial / elapsed))
    }

    struct Measurement {
        var min: Double
        var median: Double
        var solution: ODESolution
    }

    func measure(_ solve: () throws -> ODESolution) throws -> Measurement {
        var seconds: [Double] = []
        var last: ODESolution?
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            last = try solve()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        seconds.sort()
        return Measurement(min: seconds[0], median: seconds[seconds.count / 2], solution: last!)
    }

    func report(_ name: String, _ m: Measurement) {
        let s = m.solution.statistics
        let perCall = m.median / Double(s.rightHandSideEvaluations)
        var ending = "reached end"
        if case .event(let event) = m.solution.termination {
            ending = "stopped by event \(event.name) at t = \(event.time)"
        }
        print("  \(name): " + String(format: "%.1f µs / %.1f µs", m.min * 1e6, m.median * 1e6))
        print("    \(s.steps) steps, \(s.rightHandSideEvaluations) f evals, \(s.jacobianEvaluations) J evals, "
              + String(format: "%.0f ns per f eval incl. solver; ", perCall * 1e9) + ending)
    }

    /// ∂_t ū2 = −2ū2 − K ū4/(1+ū2)², ∂_t ū4 = −(4−d)ū4 − K ū6/(1+ū2)² + 6K ū4²/(1+ū2)³,
    /// ∂_t ū6 = −(6−2d)ū6 + 30K ū4ū6/(1+ū2)³ − 90K ū4³/(1+ū2)⁴, K = K_d (PHYSICS.md §1).
    static func lpaFlow() throws -> ODESolution {
        let d = 3.0
        let k = pow(Double.pi, d / 2) / (tgamma(d / 2 + 1) * pow(2 * Double.pi, d))
        let problem = ODEProblem(dimension: 3, jacobian: { _, u, _, J in
            let a = 1 / (1 + u[0])
            let a2 = a * a, a3 = a2 * a, a4 = a3 * a, a5 = a4 * a
            J[0, 0] = -2 + 2 * k * u[1] * a3
            J[0, 1] = -k * a2
            J[1, 0] = 2 * k * u[2] * a3 - 18 * k * u[1] * u[1] * a4
            J[1, 1] = -(4 - d) + 12 * k * u[1] * a3
            J[1, 2] = -k * a2
            J[2, 0] = -90 * k * u[1] * u[2] * a4 + 360 * k * u[1] * u[1] * u[1] * a5
            J[2, 1] = 30 * k * u[2] * a3 - 270 * k * u[1] * u[1] * a4
            J[2, 2] = -(6 - 2 * d) + 30 * k * u[1] * a3
        }) { _, u, du in
            let a = 1 / (1 + u[0])
            let a2 = a * a, a3 = a2 * a, a4 = a3 * a
            du[0] = -2 * u[0] - k * u[1] * a2
            du[1] = -(4 - d) * u[1] - k * u[2] * a2 + 6 * k * u[1] * u[1] * a3
            du[2] = -(6 - 2 * d) * u[2] + 30 * k * u[1] * u[2] * a3 - 90 * k * u[1] * u[1] * u[1] * a4
        }
        let events = [
            ODEEvent("1 + ū2 = 0") { _, u in 1 + u[0] },
            ODEEvent("max |ū| = 1e12") { _, u in max(abs(u[0]), abs(u[1]), abs(u[2])) - 1e12 },
        ]
        let options = ODEOptions(tolerances: ODETolerances(relative: 1e-10, absolute: 1e-12), maxSteps: 10_000)
        return try problem.solve(from: 0, to: -10, initialState: [0.05, 0.1, 0.0],
                                 output: .evenlySpaced(count: 101), events: events, options: options)
    }
}

/// First error from the parallel solves.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var first: (any Error)?
    func record(_ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        if first == nil { first = error }
    }
}
