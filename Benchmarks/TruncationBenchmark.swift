import ArgumentParser
import Foundation
import Truncation

/// `frg-bench truncation`: derivation time for each order up to 40 (derivative2: up to
/// `--max-derivative2-order`), the time to compile an already derived truncation for another `d`,
/// and the cost of one β and one Jacobian evaluation at order 6 (the hot path of CVODE and Newton).
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
                let first = try time { _ = try BetaFunctions(spec) }
                let again = try time { _ = try BetaFunctions(other) }
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
            let beta = try BetaFunctions(spec)
            let n = beta.count
            let calls = spec.regulator == .exponential ? self.calls / 10 : self.calls
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
            print(name.padding(toLength: 36, withPad: " ", startingAt: 0)
                  + String(format: "%11.1f  %13.1f", tb / Double(calls) * 1e9, tj / Double(calls) * 1e9)
                  + (sink.isFinite ? "" : " (non-finite)"))
        }
    }

    private func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }
}
