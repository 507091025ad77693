import ArgumentParser

/// `swift run -c release frg-bench <name>`: benchmarks, run in release mode.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frg-bench",
        abstract: "frg benchmarks (run with -c release).",
        subcommands: [ODEBenchmark.self, TruncationBenchmark.self, FlowBenchmark.self, SamplerBenchmark.self,
                      FullPotentialBenchmark.self, StudiesBenchmark.self, Derivative2Benchmark.self]
    )
}

Bench.main()
