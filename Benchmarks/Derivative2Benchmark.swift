import ArgumentParser
import Dispatch
import FixedPoints
import Foundation
import LapackRuntime
import Truncation

/// `swift run -c release frg-bench derivative2`: the cost of the O(∂²) quadrature path (moment
/// thresholds, `--regulator exponential`) against Litim's closed forms, Wetterich derivative2 about
/// the minimum, d = 3, as a markdown table.
///
/// Each row (regulator × order) runs in a fresh child process (`--row`), so that it pays for its
/// own derivations and, for the exponential regulator, for building its quadrature rules, as
/// `frg fixed-points` would. Per row:
/// - derive: `BetaFunctions` at the row's order, cold (symbolic projection, exact Jacobian,
///   compilation; for the exponential regulator the threshold quadrature rules too);
/// - branch: the Wilson–Fisher point at that order as `frg fixed-points --convergence 4:2n` finds it
///   (`TruncationStudies.wilsonFisherByOrder`: 400-start search at φ⁴, then Newton order by order;
///   the lower orders' derivations included, the row's own already cached);
/// - β, J: microseconds per β and per Jacobian call at that fixed point (the hot path of Newton and
///   of CVODE), where the exponential regulator sums its quadrature nodes on every call;
/// - ν, η of the point, so that the row is seen to time the right computation.
struct Derivative2Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "derivative2",
        abstract: "O(∂²) with quadrature thresholds (exponential) vs closed forms (Litim): derivation, first fixed point, evaluation.")

    @Option(help: "Orders 2n (comma-separated, even, 4 … 36).")
    var orders = "8,12,16,20"

    @Option(help: "Evaluation calls per β / Jacobian timing (the exponential regulator's rows use a tenth).")
    var calls = 20_000

    @Option(help: ArgumentHelp("One row in this process, printed as JSON (used by the parent run).", visibility: .hidden))
    var row: String?

    func validate() throws {
        guard calls >= 10 else { throw ValidationError("--calls must be at least 10") }
        for order in try orderList() where order % 2 != 0 || !(4...TruncationSpec.maximumDerivative2Order).contains(order) {
            throw ValidationError("order \(order): an even order 4 … \(TruncationSpec.maximumDerivative2Order)")
        }
    }

    func run() throws {
        if let row {
            let fields = row.split(separator: ":")
            guard fields.count == 2, let regulator = RegulatorKind(rawValue: String(fields[0])), let order = Int(fields[1]) else {
                throw ValidationError("--row: '\(row)' is not REGULATOR:ORDER")
            }
            let result = try Derivative2Row.measure(regulator: regulator, order: order, calls: calls)
            print("derivative2-row: " + String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
            return
        }
        print("frg-bench derivative2 — Wetterich derivative2 about the minimum, d = 3; each row in a fresh process; wall times")
        print("\n| regulator | 2n | derive [s] | branch φ⁴→φ²ⁿ [s] | β [µs] | J [µs] | ν | η |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for order in try orderList() {
            for regulator in [RegulatorKind.litim, .exponential] {
                do {
                    let r = try child(regulator: regulator, order: order)
                    print("| \(regulator.rawValue) | \(order) | " + String(format: "%.3f | %.3f | %.2f | %.2f | %.5f | %.5f |",
                                                                        r.derive, r.branch, r.beta, r.jacobian, r.nu, r.eta))
                } catch {
                    print("| \(regulator.rawValue) | \(order) | – | – | – | – | – | failed: \(error) |")
                }
            }
        }
    }

    private func orderList() throws -> [Int] {
        try orders.split(separator: ",").map {
            guard let o = Int($0.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--orders: '\($0)' is not an integer") }
            return o
        }
    }

    private func child(regulator: RegulatorKind, order: Int) throws -> Derivative2Row {
        try childRow(["derivative2", "--row", "\(regulator.rawValue):\(order)", "--calls", "\(calls)"], prefix: "derivative2-row: ")
    }
}

private struct Derivative2Row: Codable {
    var derive: Double
    var branch: Double
    var beta: Double
    var jacobian: Double
    var nu: Double
    var eta: Double

    static func measure(regulator: RegulatorKind, order: Int, calls: Int) throws -> Derivative2Row {
        try Lapack.load()
        let spec = TruncationSpec(truncation: .derivative2, expansion: .minimum, dimension: 3, order: order, regulator: regulator)
        var beta: BetaFunctions?
        let derive = try wallSeconds { beta = try BetaFunctions(spec) }
        var steps: [ContinuationStep] = []
        let branch = try wallSeconds { steps = try TruncationStudies.wilsonFisherByOrder(spec, starts: 400, seed: 1) }
        guard let point = steps.last?.fixedPoint, Int(steps.last!.parameter) == order,
              let nu = point.nu, let eta = point.eta else {
            throw ChildRowFailure(description: "no Wilson–Fisher point with ν and η at φ^\(order)")
        }
        let n = regulator == .exponential ? max(10, calls / 10) : calls
        let (b, j) = evaluationMicroseconds(beta!, at: point.couplings, calls: n)
        return Derivative2Row(derive: derive, branch: branch, beta: b, jacobian: j, nu: nu, eta: eta)
    }

    private static func evaluationMicroseconds(_ beta: BetaFunctions, at point: [Double], calls: Int) -> (Double, Double) {
        var u = point
        var out = [Double](repeating: 0, count: beta.count)
        var jac = [Double](repeating: 0, count: beta.count * beta.count)
        var sink = 0.0
        let tb = u.withUnsafeMutableBufferPointer { ub in
            out.withUnsafeMutableBufferPointer { ob in
                wallSeconds {
                    for i in 0..<calls {
                        ub[0] = point[0] * (1 + 1e-12 * Double(i & 7))   // defeat hoisting
                        beta.evaluate(UnsafeBufferPointer(ub), into: ob)
                        sink += ob[0]
                    }
                }
            }
        }
        let tj = u.withUnsafeMutableBufferPointer { ub in
            jac.withUnsafeMutableBufferPointer { jb in
                wallSeconds {
                    for i in 0..<calls {
                        ub[0] = point[0] * (1 + 1e-12 * Double(i & 7))
                        beta.jacobian(UnsafeBufferPointer(ub), into: jb)
                        sink += jb[0]
                    }
                }
            }
        }
        precondition(sink.isFinite, "non-finite β or Jacobian at the fixed point")
        return (tb / Double(calls) * 1e6, tj / Double(calls) * 1e6)
    }
}

