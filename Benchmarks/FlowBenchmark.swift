import ArgumentParser
import Dispatch
import FRGConfig
import FixedPoints
import Flows
import Foundation
import ODE
import Runs
import Truncation

/// `swift run -c release frg-bench flow`: passive polynomial flows exactly as `frg flow` runs them
/// (the shipped configs in `flows/`, derived Wetterich LPA beta functions, exact Jacobian,
/// threshold / runaway / range events, the configs' outputs and tolerances), integrated with each
/// CVODE method (`auto`, `adams`, `bdf`).
///
/// Per case and method it prints the in-process time of one integration (`PassiveFlow.run()`,
/// median and minimum of repeated runs; the truncation is derived and compiled once, outside the
/// timing), the step counts, right-hand-side and Jacobian evaluations, how the flow ended, and how
/// far its final state lies from the BDF one in units of the local tolerance
/// (`max_i |Δy_i| / (rtol |y_i| + atol)`, a global error, so O(10–1000) is agreement).
///
/// `--export FILE` writes the same problems (equations as `frg beta --format json` gives them,
/// initial data, t range, outputs, tolerances, events, and frg's end states) for the SciPy peer
/// `Benchmarks/peers/flow_scipy.py`; `Benchmarks/flow-vs-scipy` runs both interleaved.
struct FlowBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow", abstract: "Time passive polynomial flows per CVODE method (and export them for the SciPy peer).")

    @Option(help: "Cases, comma-separated: a config of flows/ without .yaml, optionally @order (e.g. wf-d3-broken@24).")
    var cases = FlowCase.defaultNames.joined(separator: ",")

    @Option(help: "Methods, comma-separated: auto, adams (Newton), adams-fp (fixed-point iteration), bdf.")
    var methods = "auto,adams,bdf"

    @Option(help: "Timed repetitions per case and method (at least; more until --min-seconds).")
    var repetitions = 11

    @Option(help: "Keep repeating until this many seconds were spent on a case and method.")
    var minSeconds = 0.3

    @Option(help: "Write the problems (and frg's results) as JSON for Benchmarks/peers/flow_scipy.py.")
    var export: String?

    @Flag(help: "Print one JSON object per case and method instead of the table.")
    var json = false

    @Option(help: "Also time this many order-6 d = 3 flows from different starts, serially and on all cores.")
    var batch = 0

    func run() throws {
        let chosen = try methods.split(separator: ",").map { try FlowMethod(String($0)) }
        let flowCases = try cases.split(separator: ",").map { try FlowCase(String($0)) }
        if !json {
            print("frg-bench flow: in-process time of one PassiveFlow.run() (median, min over ≥ \(repetitions) runs); Δ = max |y − y_bdf|/(rtol|y| + atol) at the end")
            print("case                    method  median µs     min µs  steps (BDF)  switch   f evals  J evals  Δ vs bdf  ending")
        }
        var exported: [[String: Any]] = []
        for flowCase in flowCases {
            var reference: FlowResult?
            var results: [String: FlowResult] = [:]
            // BDF first: it is the reference the others are compared with.
            for method in [FlowMethod.bdf] + chosen.filter({ $0 != .bdf }) {
                var flow = flowCase.flow
                flow.solver.method = method.method
                flow.solver.iteration = method.iteration
                let result = try flow.run()
                results[method.name] = result
                if method == .bdf { reference = result }
                guard chosen.contains(method) else { continue }
                let times = try timings(of: flow)
                let deviation = reference.map { flowCase.deviation(result, from: $0) } ?? 0
                report(flowCase, method: method, result: result, times: times, deviation: deviation)
            }
            if export != nil { exported.append(flowCase.exported(results: results)) }
        }
        if let export {
            let data = try JSONSerialization.data(withJSONObject: ["cases": exported], options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: export))
            if !json { print("wrote \(export)") }
        }
        if batch > 0 { try batchTimings() }
    }

    /// Seconds of each timed run: at least `repetitions`, and on until `minSeconds` have passed.
    func timings(of flow: PassiveFlow<BetaFunctions>) throws -> [Double] {
        var times: [Double] = []
        var spent = 0.0
        while times.count < repetitions || spent < minSeconds {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try flow.run()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            times.append(seconds)
            spent += seconds
        }
        return times.sorted()
    }

    func report(_ flowCase: FlowCase, method: FlowMethod, result: FlowResult, times: [Double], deviation: Double) {
        let s = result.statistics
        let median = times[times.count / 2]
        if json {
            let object: [String: Any] = [
                "case": flowCase.name, "method": method.name, "medianSeconds": median, "minSeconds": times[0],
                "runs": times.count, "steps": s.steps, "bdfSteps": s.bdfSteps, "switches": s.methodSwitches,
                "rhsEvaluations": s.rightHandSideEvaluations, "jacobianEvaluations": s.jacobianEvaluations,
                "deviationFromBDF": deviation, "ending": "\(result.ending)", "finalT": result.t.last!,
                "finalState": result.dimensionless.last!,
            ]
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let ending: String
        switch result.ending {
        case .completed: ending = "completed"
        case .leftDomain(let c, _, let t): ending = String(format: "%@ at t = %.4f", c, t)
        case .runaway(let c, let t): ending = String(format: "runaway %@ at t = %.4f", c, t)
        case .outOfRange(let q, let t): ending = String(format: "%@ out of range at t = %.4f", q, t)
        }
        print(String(format: "%-23@ %-6@ %10.1f %10.1f %6d (%4d) %6d %9d %8d %9.3g  %@",
                     flowCase.name, method.name, median * 1e6, times[0] * 1e6, s.steps, s.bdfSteps,
                     s.methodSwitches, s.rightHandSideEvaluations, s.jacobianEvaluations, deviation, ending))
    }

    /// The previous benchmark's batch: order-6 d = 3 flows from starts near the Wilson–Fisher point.
    func batchTimings() throws {
        let beta = try BetaFunctions(TruncationSpec(dimension: 3, order: 6))
        func flow(_ index: Int) -> PassiveFlow<BetaFunctions> {
            let shift = 0.001 + 0.05 * Double(index % 1000) / 1000
            var f = PassiveFlow(equations: beta, canonicalDimensions: beta.canonicalDimensions,
                                initialCouplings: [-1.0 / 7 + shift, 12.4305, 540.81], tEnd: -10)
            f.runawayBound = 1e30
            return f
        }
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
        print(String(format: "%d order-6 flows (t = 0 → −10, method auto): %.3f s serial, %.3f s on %d cores (speed-up %.2f)",
                     batch, serial, parallel, cores, serial / parallel))
    }
}

/// A CVODE method as the benchmark names it.
struct FlowMethod: Equatable {
    var name: String
    var method: ODEMethod
    var iteration: ODEIteration?

    static let bdf = FlowMethod(name: "bdf", method: .bdf, iteration: nil)

    init(name: String, method: ODEMethod, iteration: ODEIteration?) {
        self.name = name
        self.method = method
        self.iteration = iteration
    }

    init(_ name: String) throws {
        switch name {
        case "auto": self.init(name: name, method: .auto, iteration: nil)
        case "adams": self.init(name: name, method: .adams, iteration: nil)
        case "adams-fp": self.init(name: name, method: .adams, iteration: .fixedPoint)
        case "bdf": self = .bdf
        default: throw ValidationError("unknown method '\(name)' (auto, adams, adams-fp, bdf)")
        }
    }
}

/// One benchmark problem: a shipped flow config, optionally at another truncation order.
struct FlowCase {
    /// The README's main job, its stabilized variant, and the UV → IR and d = 3 flows at orders
    /// 6, 12, 24 (the broken-phase one runs into the threshold pole 1 + ū2 → 0). At orders other
    /// than the config's, the couplings it does not list start at 0, except that the d = 3 flows
    /// start at that order's Wilson–Fisher point with ū2 shifted by ±0.01, as the configs do at φ⁶.
    static let defaultNames = [
        "nn-d1", "nn-d1-stabilized",
        "nn-d1-uv-to-ir@6", "nn-d1-uv-to-ir@12", "nn-d1-uv-to-ir@24",
        "wf-d3-symmetric@6", "wf-d3-symmetric@12", "wf-d3-symmetric@24",
        "wf-d3-broken@6", "wf-d3-broken@12", "wf-d3-broken@24",
    ]

    static let flowsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("flows")

    let name: String
    let config: String
    let flow: PassiveFlow<BetaFunctions>

    init(_ name: String) throws {
        self.name = name
        let parts = name.split(separator: "@", maxSplits: 1).map(String.init)
        config = "flows/\(parts[0]).yaml"
        let order = try parts.count > 1 ? Int(parts[1]) ?? { throw ValidationError("bad order in '\(name)'") }() : nil
        let loaded = try FlowConfig.load(path: Self.flowsFolder.appendingPathComponent("\(parts[0]).yaml").path)
        let passive: PassiveFlowRun
        switch loaded.run {
        case var measured as MeasuredFlow:
            if let order { measured.spec.order = order }
            passive = try measured.passiveRun()
        case var run as PassiveFlowRun:
            if let order, order != run.spec.order {
                run.spec.order = order
                if parts[0].hasPrefix("wf-d3-") {
                    // As the config does at φ⁶: start at this order's Wilson–Fisher point with ū2
                    // shifted by ±0.01 toward the symmetric or the broken phase.
                    let wf = try TruncationStudies.wilsonFisherByOrder(run.spec).last!.fixedPoint
                    let beta = try BetaFunctions(run.spec)
                    let shift = parts[0] == "wf-d3-broken" ? -0.01 : 0.01
                    run.couplings = zip(beta.couplingNames, wf.couplings).enumerated().map { i, pair in
                        (pair.0, pair.1 + (i == 0 ? shift : 0))
                    }
                    // The fixed point's own higher couplings are large (ū12 ~ 10⁷ at φ²⁴): the
                    // config's bound 1e8 would stop the flow on a brief excursion of one of them,
                    // which event detection between steps (SciPy's) may or may not see.
                    run.runawayBound = 1e30
                }
            }
            passive = run
        default:
            throw ValidationError("\(config) is not a passive polynomial flow")
        }
        flow = try passive.passiveFlow()
    }

    /// `max_i |a_i − b_i| / (rtol |b_i| + atol)` at the end; infinity when the flows ended at
    /// different times (the comparison is then meaningless).
    func deviation(_ a: FlowResult, from b: FlowResult) -> Double {
        let rtol = flow.solver.relativeTolerance, atol = flow.solver.absoluteTolerance
        let scale = max(abs(a.t.last!), abs(b.t.last!), 1)
        guard abs(a.t.last! - b.t.last!) <= 1e-6 * scale else { return .infinity }
        return zip(a.dimensionless.last!, b.dimensionless.last!).map { abs($0 - $1) / (rtol * abs($1) + atol) }.max() ?? 0
    }

    /// The problem for the SciPy peer, and frg's results per method.
    func exported(results: [String: FlowResult]) -> [String: Any] {
        let beta = flow.equations
        let equations = try! beta.jsonObject()
        var object: [String: Any] = [
            "name": name, "config": config, "beta": equations,
            "couplings": beta.couplingNames, "canonicalDimensions": flow.canonicalDimensions,
            "tStart": flow.tStart, "tEnd": flow.tEnd, "logScale": log(flow.uvScale),
            "initial": flow.initialCouplings,
            "outputTimes": outputTimes, "relativeTolerance": flow.solver.relativeTolerance,
            "absoluteTolerance": flow.solver.absoluteTolerance,
            "thresholdStop": beta.thresholdStopLevel, "thresholdCoupling": beta.hasThresholds ? "u2" : NSNull(),
        ]
        if let bounds = flow.dimensionfulRunawayBounds {
            object["dimensionfulRunawayBounds"] = bounds
        } else {
            object["runawayBound"] = flow.runawayBound
        }
        object["frg"] = Dictionary(uniqueKeysWithValues: results.map { method, r in
            (method, ["finalT": r.t.last!, "finalState": r.dimensionless.last!, "ending": "\(r.ending)",
                               "steps": r.statistics.steps, "rhsEvaluations": r.statistics.rightHandSideEvaluations,
                               "jacobianEvaluations": r.statistics.jacobianEvaluations] as [String: Any])
        })
        return object
    }

    /// The output times the flow records (its sampling in `t`).
    var outputTimes: [Double] {
        switch flow.sampling {
        case .evenlySpaced(let count):
            let step = (flow.tEnd - flow.tStart) / Double(count - 1)
            return (0..<count).map { $0 == count - 1 ? flow.tEnd : flow.tStart + Double($0) * step }
        case .scales(let scales):
            return scales.map { log($0 / flow.uvScale) }
        }
    }
}
