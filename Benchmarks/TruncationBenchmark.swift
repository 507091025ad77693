import ArgumentParser
import Foundation
import Truncation

/// `frg-bench truncation`: derivation time for each order up to 40 (derivative2: up to
/// `--max-derivative2-order`), the time to compile an already derived truncation for another `d`,
/// and the cost of one β and one Jacobian evaluation (the hot path of CVODE and Newton) at order 6
/// for every truncation, and for the LPA by both routes (power series, compiled exact tables) at
/// orders 6 to `--max-evaluation-order`.
struct TruncationBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "truncation",
        abstract: "Derivation and compilation time per order (2…40) and ns per order-6 β / Jacobian call.")

    @Option(help: "Highest order 2n to derive.")
    var maxOrder: Int = 40

    @Option(help: "Highest order 2n of the derivative2 column (its derivation grows steeply: ~1 s at 20, ~30 s at 30).")
    var maxDerivative2Order: Int = 24

    @Option(help: "Evaluation calls per timing.")
    var calls: Int = 2_000_000

    @Option(help: "Highest order of the LPA series-vs-tables evaluation table.")
    var maxEvaluationOrder: Int = 40

    func run() throws {
        // The derivation is cached per process and independent of d: the first BetaFunctions of a
        // truncation derives and compiles, one at another d only compiles.
        print("# first: symbolic projection + Jacobian + compilation at d = 3; new d: compilation only (d = 2.5)")
        print("# Wetterich LPA, Litim")
        print("order  about-zero [ms]  new d  about-minimum [ms]  new d  derivative2 [ms]   new d")
        for order in stride(from: 2, through: maxOrder, by: 2) {
            func column(_ spec: TruncationSpec, width: Int) throws -> String {
                var other = spec
                other.dimension = 2.5
                let first = try time { _ = try BetaFunctions(spec, evaluation: .tables) }
                let again = try time { _ = try BetaFunctions(other, evaluation: .tables) }
                return String(format: "%\(width).2f  %5.2f", first * 1e3, again * 1e3)
            }
            func blank(_ width: Int) -> String { String(repeating: " ", count: width - 1) + "-" + String(repeating: " ", count: 7) }
            let zero = try column(TruncationSpec(dimension: 3, order: order), width: 15)
            let minimum = order >= 4
                ? try column(TruncationSpec(expansion: .minimum, dimension: 3, order: order), width: 18)
                : blank(18)
            let derivative2 = order >= 4 && order <= min(maxDerivative2Order, TruncationSpec.maximumDerivative2Order)
                ? try column(TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 3, order: order), width: 16)
                : blank(16)
            print(String(format: "%5d  ", order) + zero + "  " + minimum + "  " + derivative2)
        }
        print("\n# evaluation at order 6 (allocation-free buffer API), ns per call")
        let cases: [(String, TruncationSpec, [Double])] = [
            ("wetterich lpa zero litim", TruncationSpec(dimension: 3, order: 6), [-0.1, 0.5, 1.0]),
            ("wetterich lpa minimum litim", TruncationSpec(expansion: .minimum, dimension: 3, order: 6), [0.05, 0.8, 1.0]),
            ("wetterich lpa-prime minimum litim", TruncationSpec(truncation: .lpaPrime, expansion: .minimum, dimension: 3, order: 6), [0.05, 0.8, 1.0]),
            ("wetterich derivative2 minimum litim", TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 3, order: 6), [0.035, 5, 50, 1.2, -26]),
            ("polchinski lpa zero", TruncationSpec(scheme: .polchinski, dimension: 3, order: 6), [-0.1, 0.5, 1.0]),
            ("wetterich lpa zero exponential", TruncationSpec(dimension: 3, order: 6, regulator: .exponential), [-0.1, 0.5, 1.0]),
        ]
        print("case                                   beta [ns]  jacobian [ns]")
        for (name, spec, point) in cases {
            let (tb, tj, finite) = evaluationCost(try BetaFunctions(spec), at: point,
                                                      calls: spec.regulator == .exponential ? calls / 10 : calls)
            print(name.padding(toLength: 36, withPad: " ", startingAt: 0)
                  + String(format: "%11.1f  %13.1f", tb, tj) + (finite ? "" : " (non-finite)"))
        }

        // The LPA by its two routes, at the Wilson–Fisher-like point ū of natural size.
        print("\n# Wetterich LPA, Litim, about the minimum: power series vs compiled exact tables, ns per call")
        print("order  series beta  series jacobian  tables beta  tables jacobian  jacobian ratio")
        for order in stride(from: 6, through: maxEvaluationOrder, by: 6) {
            let spec = TruncationSpec(expansion: .minimum, dimension: 3, order: order)
            let point = [0.03] + (2...(order / 2)).map { 7.5 * pow(14.0, Double($0 - 2)) }
            let calls = max(1_000, self.calls / (order * order))
            let series = evaluationCost(try BetaFunctions(spec), at: point, calls: calls)
            let tables = evaluationCost(try BetaFunctions(spec, evaluation: .tables), at: point, calls: calls)
            print(String(format: "%5d  %11.0f  %15.0f  %11.0f  %15.0f  %14.1f", order, series.beta, series.jacobian,
                         tables.beta, tables.jacobian, tables.jacobian / series.jacobian))
        }
    }

    /// Nanoseconds per β and per Jacobian call at `point`, and whether the results were finite.
    private func evaluationCost(_ beta: BetaFunctions, at point: [Double], calls: Int)
        -> (beta: Double, jacobian: Double, finite: Bool) {
        let n = beta.count
        var u = point
        var out = [Double](repeating: 0, count: n)
        var jac = [Double](repeating: 0, count: n * n)
        var sink = 0.0
        let tb = u.withUnsafeMutableBufferPointer { ub -> Double in
            out.withUnsafeMutableBufferPointer { ob in
                time {
                    for i in 0..<calls {
                        ub[0] = point[0] + 1e-9 * Double(i & 7)   // defeat hoisting
                        beta.evaluate(UnsafeBufferPointer(ub), into: ob)
                        sink += ob[0]
                    }
                }
            }
        }
        let tj = u.withUnsafeMutableBufferPointer { ub -> Double in
            jac.withUnsafeMutableBufferPointer { jb in
                time {
                    for i in 0..<calls {
                        ub[0] = point[0] + 1e-9 * Double(i & 7)
                        beta.jacobian(UnsafeBufferPointer(ub), into: jb)
                        sink += jb[0]
                    }
                }
            }
        }
        return (tb / Double(calls) * 1e9, tj / Double(calls) * 1e9, sink.isFinite)
    }

    private func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }
}
