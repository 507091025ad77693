import ArgumentParser
import Dispatch
import Flows
import Foundation
import Truncation

/// `swift run -c release frg-bench flow`: the passive flow as `frg flow` runs it — derived
/// order-6 Wetterich LPA beta functions (Litim, d = 3) integrated by CVODE (BDF, exact Jacobian,
/// threshold and runaway events, 101 outputs) over ten e-folds, t = 0 → −10, rtol 1e-10.
///
/// Reports the time of one flow (min / median of `repetitions`) and of a thousand flows from
/// different starting points, serially and spread over all cores.
struct FlowBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow", abstract: "Time order-6 passive flows over ten e-folds (one, and a thousand).")

    @Option(help: "Repetitions of the single-flow measurement.")
    var repetitions = 200

    @Option(help: "Flows in the batch measurement.")
    var batch = 1000

    func run() throws {
        let beta = try BetaFunctions(TruncationSpec(dimension: 3, order: 6))
        // Symmetric-phase starts near the Wilson–Fisher point: ū2* = −1/7, ū4* = 12.43, ū6* = 540.8.
        func flow(_ index: Int) -> PassiveFlow<BetaFunctions> {
            let shift = 0.001 + 0.05 * Double(index % 1000) / 1000
            var f = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions,
                                initialCouplings: [-1.0 / 7 + shift, 12.4305, 540.81], tEnd: -10)
            f.runawayBound = 1e30
            return f
        }
        let probe = try flow(0).run()
        print("frg-bench flow: \(describeSpec(beta.spec)), t = 0 → −10, rtol \(FlowSolverSettings().relativeTolerance), BDF, exact Jacobian")
        print("  one flow: \(probe.statistics.steps) steps, \(probe.statistics.rightHandSideEvaluations) β evaluations, \(probe.statistics.jacobianEvaluations) Jacobians, ending: \(probe.ending)")

        var times: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try flow(0).run()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        times.sort()
        print(String(format: "  one flow: min %.0f µs, median %.0f µs (%d repetitions)", times[0] * 1e6, times[times.count / 2] * 1e6, repetitions))

        var start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<batch { _ = try flow(i).run() }
        let serial = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9

        let cores = ProcessInfo.processInfo.activeProcessorCount
        let errors = UnsafeMutableBufferPointer<String?>.allocate(capacity: batch)
        errors.initialize(repeating: nil)
        defer { errors.deallocate() }
        start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: batch) { i in
            do { _ = try flow(i).run() } catch { errors[i] = "\(error)" }
        }
        let parallel = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        if let failure = errors.compactMap({ $0 }).first { throw ValidationError(failure) }
        print(String(format: "  %d flows: %.3f s serial, %.3f s on %d cores (speed-up %.2f)", batch, serial, parallel, cores, serial / parallel))
    }
}

private func describeSpec(_ spec: TruncationSpec) -> String {
    "\(spec.scheme.rawValue) \(spec.truncation.rawValue) about φ = 0, order \(spec.order), d = \(spec.dimension), \(spec.regulator.rawValue)"
}
