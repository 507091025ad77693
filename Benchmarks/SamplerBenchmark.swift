import ArgumentParser
import Dispatch
import Foundation
import GaussNet

/// `frg-bench sampler`: the embedded sampler against the NumPy peer on the same work, plus the
/// machine's ceiling for this work (normal draws and `exp` per second on all cores).
struct SamplerBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sampler",
        abstract: "GaussNet sampler vs the NumPy peer (shared/bench/numpy_gaussnet.py), also ReLU- and Erf-nets; machine ceiling.")

    @Option(help: "Path of numpy_gaussnet.py (default: ../shared/bench/numpy_gaussnet.py from the repo root).")
    var numpy: String = "../shared/bench/numpy_gaussnet.py"
    @Option(help: "Python interpreter.") var python: String = "python3"
    @Option(help: "NumPy networks at width 1000 (the peer's reference run uses 4000).") var numpyNets1000: Int = 4000
    @Option(help: "NumPy networks at width 10.") var numpyNets10: Int = 100_000
    @Option(help: "Swift networks at width 1000 (per bag).") var swiftNets1000: Int = 60_000
    @Option(help: "Swift networks at width 10 (per bag).") var swiftNets10: Int = 1_000_000
    @Option(help: "Threads for the Swift sampler (0 = all cores).") var threads: Int = 0
    @Option(help: "Runs of each implementation; the best is reported.") var repeats: Int = 3
    @Flag(help: "Skip the NumPy runs.") var skipNumpy = false
    @Option(help: "Error per second: repetitions (seeds 1 … R) of each estimator.") var errorRepetitions: Int = 40
    @Option(help: "Error per second: bags per repetition.") var errorBags: Int = 10
    @Option(help: "Error per second: direct networks per bag.") var errorDirectNets: Int = 30_000
    @Option(help: "Error per second: importance networks per bag.") var errorImportanceNets: Int = 3_000
    @Flag(help: "Skip the error-per-second comparison.") var skipErrors = false
    @Option(help: "Activation networks to time against the NumPy peer with the same activation (comma-separated; empty: none).")
    var architectures: String = "relu,erf"
    @Option(help: "NumPy networks at width 1000 for the activation networks.") var numpyActivationNets1000: Int = 2000
    @Option(help: "Swift networks at width 1000 for the activation networks (per bag).") var swiftActivationNets1000: Int = 20_000

    struct Throughput {
        let nets: Double
        let seconds: Double
        let width: Int
        var netsPerSecond: Double { nets / seconds }
        var neuronsPerSecond: Double { nets * Double(width) / seconds }
    }

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("frg-bench sampler — \(cores) cores, inputs: the paper's six points, σ_W = σ_b = 1, d = 1")
        print("each row: the best of \(repeats) runs, NumPy and Swift interleaved (the machine is shared; the")
        print("best run is the least disturbed one); the median is shown beside it")
        print("")
        let ceiling = measureCeiling()
        print(String(format: "machine ceiling (all cores): %.3g normal draws/s (vectorized ziggurat, what the sampler uses),", ceiling.normals))
        print(String(format: "                             %.3g exp/s (vectorized), %.3g exp/s (libm, scalar)", ceiling.exps, ceiling.libmExps))
        // A direct Gauss-net neuron needs 3 normals (W0, b0, W1) and 2 exp (equally spaced inputs).
        let neuronCeiling = 1 / (3 / ceiling.normals + 2 / ceiling.exps)
        print(String(format: "  ⇒ a direct Gauss-net neuron, 3 normals (W0, b0, W1) + 2 exp at these rates, one after the other: %.3g neurons/s", neuronCeiling))
        print(String(format: "    (the normal draws alone: %.3g neurons/s)", ceiling.normals / 3))
        print("")
        print("width   implementation           networks   best s   median s     networks/s      neurons/s   ratio  of parts")
        for (width, numpyNets, swiftNets) in [(1000, numpyNets1000, swiftNets1000), (10, numpyNets10, swiftNets10)] {
            var numpyRuns: [Throughput] = []
            var swiftRuns = [Estimator: [Throughput]]()
            for _ in 0..<repeats {
                if !skipNumpy, let t = try runNumpy(width: width, nets: numpyNets) { numpyRuns.append(t) }
                for estimator in Estimator.allCases {
                    swiftRuns[estimator, default: []].append(try runSwift(width: width, nets: swiftNets, estimator: estimator))
                }
            }
            let peer = numpyRuns.min { $0.seconds < $1.seconds }
            if !numpyRuns.isEmpty { row(width, "NumPy (peer)", numpyRuns, ratio: nil, ceiling: neuronCeiling) }
            for estimator in Estimator.allCases {
                let runs = swiftRuns[estimator]!
                let best = runs.min { $0.seconds < $1.seconds }!
                let label = estimator == .direct ? "Swift direct" : "Swift \(estimator)*"
                // Normal draws per neuron: direct 3 (W0, b0, W1), conditional 2 (W0, b0), marginal 1
                // (W0), importance 6 on average (W0, ε, and k + 1 = 1, 3, 5, 7 for z) and 3 exp.
                let normalsPerNeuron: Double
                switch estimator {
                case .direct: normalsPerNeuron = 3
                case .conditional: normalsPerNeuron = 2
                case .marginal: normalsPerNeuron = 1
                case .importance: normalsPerNeuron = 6
                }
                let expsPerNeuron: Double = estimator == .importance ? 3 : 2
                row(width, label, runs, ratio: peer.map { best.netsPerSecond / $0.netsPerSecond },
                    ceiling: 1 / (normalsPerNeuron / ceiling.normals + expsPerNeuron / ceiling.exps))
            }
        }
        print("")
        print("ratio = Swift networks/s ÷ NumPy networks/s on the same measurement (G^(2,4,6) over all 609")
        print("combinations), best run against best run. *conditional integrates W1, b1 out; marginal also b0")
        print("(not like-for-like with NumPy: different estimators with far smaller errors per network;")
        print("conditional: 2 normals + 21 products per neuron, marginal: 1 normal + 63 power sums per neuron;")
        print("both 2023 moment products per network). importance samples whole networks like direct, from a")
        print("tilted proposal with per-neuron weights: 6 normals (average), 1 uniform, 3 exp and 111 power sums")
        print("per neuron, and an 11 087-operation multiset recursion per network.")
        print("of parts = neurons/s ÷ the rate of (normals per neuron: 3 direct and NumPy, 2 conditional, 1 marginal,")
        print("6 importance) normal draws + 2 exp (importance 3) per neuron at the ceiling rates, taken one after the other. The rest of the work")
        print("(products, sums, the per-network combinations that dominate at width 10) pulls a row below 100 %; the")
        print("direct kernel can pass 100 % because its table-bound normal draws and arithmetic-bound exponentials")
        print("overlap in the processor.")
        try activationRows()
        if !skipErrors { try errorPerSecond() }
    }

    /// ReLU-net and Erf-net: the direct estimator against the NumPy peer run with the same
    /// `--activation`, at HMS's inputs for that architecture (σ_W = 1; σ_b = 0 for ReLU as in HMS, 1
    /// for erf), widths 1000 and 10, best of `repeats` interleaved runs.
    func activationRows() throws {
        let kinds = architectures.split(separator: ",").compactMap { ArchitectureKind(rawValue: String($0)) }
        guard !kinds.isEmpty else { return }
        print("")
        print("activation networks, direct estimator vs NumPy (--activation), each at its HMS inputs, σ_W = 1,")
        print("σ_b = 0 (relu) or 1 (erf); the kernels' erf per neuron and input (6 inputs)")
        print("width   implementation           networks   best s   median s     networks/s      neurons/s   ratio")
        for kind in kinds {
            let type = kind.architectureType
            let sigmaB = kind == .reluNet ? 0.0 : 1.0
            let points = type.defaultInputs.map { "\($0[0])" }.joined(separator: ",")
            for (width, numpyNets, swiftNets) in [(1000, numpyActivationNets1000, swiftActivationNets1000),
                                                  (10, numpyNets10 / 2, swiftNets10 / 2)] {
                var numpyRuns: [Throughput] = [], swiftRuns: [Throughput] = []
                for _ in 0..<repeats {
                    if !skipNumpy, let t = try runNumpy(width: width, nets: numpyNets,
                                                        extra: ["--activation", kind.rawValue, "--sigma-b", "\(sigmaB)",
                                                                "--points=\(points)"]) {
                        numpyRuns.append(t)
                    }
                    let settings = SamplerSettings(architecture: kind, sigmaB: sigmaB, width: width, inputs: type.defaultInputs,
                                                   netsPerBag: swiftNets, bags: 2, seed: 7, threads: threads)
                    swiftRuns.append(try runSwift(settings))
                }
                let peer = numpyRuns.min { $0.seconds < $1.seconds }
                let best = swiftRuns.min { $0.seconds < $1.seconds }!
                if !numpyRuns.isEmpty { row(width, "NumPy \(kind.rawValue)", numpyRuns, ratio: nil, ceiling: nil) }
                row(width, "Swift \(kind.rawValue) direct", swiftRuns, ratio: peer.map { best.netsPerSecond / $0.netsPerSecond },
                    ceiling: nil)
            }
        }
    }

    /// One repetition of an estimator at the paper's setting: its measured ū4, ū6 with their reported
    /// standard errors, and the seconds spent sampling the bags (the analysis not included).
    struct Repetition {
        let u4: Double, u4Error: Double, u6: Double, u6Error: Double, seconds: Double
    }

    /// Error per second against direct at σ_W = σ_b = 1, N = 10, the paper's six inputs: R
    /// repetitions (seeds 1 … R) of each estimator; per coupling the mean reported standard error,
    /// the true spread of the estimates over repetitions, the pulls against the exact value, and
    /// both scaled to one second of sampling (σ·√t, t the seconds per repetition).
    func errorPerSecond() throws {
        let cores = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        print("")
        print("error per second — σ_W = σ_b = 1, N = 10, the paper's six inputs, \(errorRepetitions) repetitions (seeds 1 … \(errorRepetitions)),")
        print("\(errorBags) bags each, \(cores) threads; t = seconds of sampling per repetition (bags only)")
        var results: [Estimator: [Repetition]] = [:]
        var exact = (u4: 0.0, u6: 0.0)
        for estimator in [Estimator.direct, .importance] {
            let nets = estimator == .direct ? errorDirectNets : errorImportanceNets
            for seed in 1...errorRepetitions {
                let settings = SamplerSettings(width: 10, netsPerBag: nets, bags: errorBags, seed: UInt64(seed),
                                               threads: threads, estimator: estimator)
                let sampler = try GaussNetSampler(settings: settings)
                let start = DispatchTime.now().uptimeNanoseconds
                let bags = (0..<settings.bags).map { sampler.sampleBag($0) }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
                let m = try Measurement(settings: settings, bags: bags)
                exact = (m.u4.exactMean, m.u6.exactMean)
                results[estimator, default: []].append(
                    Repetition(u4: m.u4.mean, u4Error: m.u4.standardError, u6: m.u6.mean, u6Error: m.u6.standardError,
                               seconds: seconds))
            }
        }
        print("estimator   coupling  nets/bag     t [s]   mean reported SE   true spread   rms error   mean pull  pull std   SE·√t   spread·√t")
        var perSecond: [Estimator: [(reported: Double, spread: Double, rms: Double)]] = [:]
        for estimator in [Estimator.direct, .importance] {
            let runs = results[estimator]!
            let t = runs.map(\.seconds).reduce(0, +) / Double(runs.count)
            for (name, value, error, truth) in [("u4", runs.map(\.u4), runs.map(\.u4Error), exact.u4),
                                                ("u6", runs.map(\.u6), runs.map(\.u6Error), exact.u6)] {
                let r = Double(value.count)
                let mean = value.reduce(0, +) / r
                let spread = (value.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (r - 1)).squareRoot()
                let rms = (value.reduce(0) { $0 + ($1 - truth) * ($1 - truth) } / r).squareRoot()
                let reported = error.reduce(0, +) / r
                let pulls = zip(value, error).map { ($0 - truth) / $1 }
                let pullMean = pulls.reduce(0, +) / r
                let pullSpread = (pulls.reduce(0) { $0 + ($1 - pullMean) * ($1 - pullMean) } / (r - 1)).squareRoot()
                perSecond[estimator, default: []].append((reported * t.squareRoot(), spread * t.squareRoot(),
                                                           rms * t.squareRoot()))
                let nets = estimator == .direct ? errorDirectNets : errorImportanceNets
                let label = "\(estimator)".padding(toLength: 10, withPad: " ", startingAt: 0)
                    + "  " + name.padding(toLength: 8, withPad: " ", startingAt: 0)
                print(label + String(format: "  %8d  %8.3f  %17.4g  %12.4g  %10.4g  %+9.2f  %8.2f  %7.4g  %10.4g",
                                     nets, t, reported, spread, rms, pullMean, pullSpread, reported * t.squareRoot(),
                                     spread * t.squareRoot()))
            }
        }
        print(String(format: "exact: ū4 = %.6g, ū6 = %.6g", exact.u4, exact.u6))
        for (k, name) in ["u4", "u6"].enumerated() {
            let d = perSecond[.direct]![k], i = perSecond[.importance]![k]
            print(name + String(format: ": importance reaches a given error %.3g× sooner than direct by the reported SEs, %.3g× by the true spreads, %.3g× by the rms errors",
                                pow(d.reported / i.reported, 2), pow(d.spread / i.spread, 2), pow(d.rms / i.rms, 2)))
        }
        print("σ·√t is the error one second of sampling gives; the time to a given error scales as (σ·√t)².")
        print("The true spread is the standard deviation of the R estimates; the rms error against the exact value")
        print("also counts a bias. A heavy tail shows as a pull std ≫ 1 and a mean pull > 0: direct's reported SE")
        print("understates its error and its typical estimate lies low; that bias dominates its rms error and does")
        print("not shrink as 1/√t, so the rms-based ratio holds at this run length only.")
    }

    func row(_ width: Int, _ label: String, _ runs: [Throughput], ratio: Double?, ceiling: Double?) {
        let sorted = runs.sorted { $0.seconds < $1.seconds }
        let t = sorted[0]
        let median = sorted[sorted.count / 2].seconds
        let r = ratio.map { String(format: "%6.1f×", $0) } ?? "      –"
        let padded = label.padding(toLength: 22, withPad: " ", startingAt: 0)
        print(String(format: "%5d   ", width) + padded + String(format: " %9.0f  %7.3f  %8.3f  %13.4g  %13.4g  ", t.nets,
              t.seconds, median, t.netsPerSecond, t.neuronsPerSecond) + r
              + (ceiling.map { String(format: "  %5.0f%%", 100 * t.neuronsPerSecond / $0) } ?? ""))
    }

    func runSwift(width: Int, nets: Int, estimator: Estimator) throws -> Throughput {
        try runSwift(SamplerSettings(width: width, netsPerBag: nets, bags: 2, seed: 7, threads: threads,
                                     estimator: estimator))
    }

    func runSwift(_ settings: SamplerSettings) throws -> Throughput {
        let (width, nets) = (settings.width, settings.netsPerBag)
        let sampler = try GaussNetSampler(settings: settings)
        _ = sampler.sampleBag(0)  // warm-up (tables, pages)
        let start = DispatchTime.now().uptimeNanoseconds
        for bag in 0..<settings.bags { _ = sampler.sampleBag(bag) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        return Throughput(nets: Double(nets * settings.bags), seconds: seconds, width: width)
    }

    func runNumpy(width: Int, nets: Int, extra: [String] = []) throws -> Throughput? {
        let script = URL(fileURLWithPath: numpy).standardizedFileURL
        guard FileManager.default.fileExists(atPath: script.path) else {
            print("NumPy peer not found at \(script.path) (use --numpy PATH)")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script.path, "--width", "\(width)", "--nets", "\(nets)", "--bags", "2"] + extra
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let wall = object["wallSeconds"] as? Double else {
            print("NumPy peer failed (status \(process.terminationStatus))")
            return nil
        }
        return Throughput(nets: Double(nets * 2), seconds: wall, width: width)
    }

    /// Normal draws and exp evaluations per second, on all cores, each the best of three runs.
    func measureCeiling() -> (normals: Double, exps: Double, libmExps: Double) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let perCore = 30_000_000
        func timed(_ body: @escaping @Sendable (Int) -> Double) -> Double {
            let sink = UnsafeMutablePointer<Double>.allocate(capacity: cores)
            defer { sink.deallocate() }
            nonisolated(unsafe) let output = sink
            var best = 0.0
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                DispatchQueue.concurrentPerform(iterations: cores) { output[$0] = body($0) }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
                if (0..<cores).reduce(0, { $0 + sink[$1] }).isNaN { print("") }  // keep the work alive
                best = max(best, Double(perCore * cores) / seconds)
            }
            return best
        }
        // Normals in blocks of 3000, as the sampler draws a width-1000 network.
        let normals = timed { core in
            var stream = CounterRandomStream(seed: 1, stream: UInt64(core))
            let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 3000)
            defer { buffer.deallocate() }
            var s = 0.0
            for _ in 0..<(perCore / 3000) {
                stream.fillNormals(buffer, count: 3000)
                s += buffer[7]
            }
            return s
        }
        let exps = timed { core in
            let x = UnsafeMutablePointer<Double>.allocate(capacity: 2000)
            let y = UnsafeMutablePointer<Double>.allocate(capacity: 2000)
            defer { x.deallocate(); y.deallocate() }
            for i in 0..<2000 { x[i] = -1 + Double(i) * 1e-3 + Double(core) * 1e-7 }
            var s = 0.0
            for _ in 0..<(perCore / 2000) {
                vectorExp(x, into: y, count: 2000)
                s += y[11]
            }
            return s
        }
        let libmExps = timed { core in
            var s = 0.0
            var x = -0.5 + Double(core) * 1e-3
            for _ in 0..<perCore {
                s += Foundation.exp(x)
                x += 1e-9
            }
            return s
        }
        return (normals, exps, libmExps)
    }
}
