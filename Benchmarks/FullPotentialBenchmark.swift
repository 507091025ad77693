import ArgumentParser
import ComplexModule
import Dispatch
import Foundation
import FullPotential

/// `swift run -c release frg-bench full-potential`: wall-clock time of the full-potential LPA
/// solvers.
///
/// - Scaling solution (d = 3, or `--dimensions 2.2,2.5,3,3.5`), Wetterich–Litim and Polchinski, with
///   the error estimate: the first solve that sets the domain, then the basis growing by 3/2 (each
///   size beside a shorter-domain solve on the other core) until ν, ω and the next three
///   eigenvalues have converged to 1e-8 relative.
/// - The Polchinski O(∂²) scaling solution of the whole v, z with the exponential cutoff (same
///   dimensions, `z(0) = 1`): the LPA start, the continuation in σ, then the same basis growth.
/// - Flows: a d = 3 broken-phase flow to the convexity floor (301 points) and a d = 1 flow of a
///   network-like potential (ū2 > 0, ū4 < 0, ū6 > 0) eight e-folds into the infrared (1201 points).
struct FullPotentialBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "full-potential", abstract: "Time LPA scaling solutions (ν to ten digits) and full-potential flows.")

    @Option(help: "Solves per measurement.")
    var repetitions = 20

    @Option(parsing: .unconditional, help: "Dimensions of the scaling-solution timings, comma-separated.")
    var dimensions = "3"

    @Flag(help: "Also print ν and ω against the number of Chebyshev nodes (no timing).")
    var convergence = false

    func run() throws {
        if convergence {
            print("convergence of the d = 3 exponents with the basis size N (default domains):")
            for scheme in LPAScheme.allCases {
                for n in [20, 30, 40, 60, 80] {
                    let s = try scalingSolution(ScalingSolutionSpec(scheme: scheme, dimension: 3, basisSize: n, estimatesError: false))
                    print(String(format: "  %-10@ N = %3d   ν = %.15f   ω = %.15f", scheme.description, n, s.nu, s.omega))
                }
            }
        }
        print("frg-bench full-potential: \(repetitions) solves per case, times per solve (min / median)")
        for d in dimensions.split(separator: ",").compactMap({ Double($0) }) {
            for scheme in LPAScheme.allCases {
                let spec = ScalingSolutionSpec(scheme: scheme, dimension: d)
                var solution: ScalingSolution?
                let (low, median) = try measure { solution = try scalingSolution(spec) }
                let s = solution!
                print(String(format: "  scaling solution d = %g, %@ (N = %d, ρ_max = %.3g): %.4f s / %.4f s", d, scheme.description,
                             s.basisSize, s.domainLength, low, median))
                print(String(format: "    ν = %.12f ± %.1e   ω = %.12f ± %.1e%@", s.nu, s.nuError ?? 0, s.omega, s.omegaError ?? 0,
                             s.shortfall == nil ? "" : "   (not converged)"))
                print("    eigenvalues: " + zip(s.eigenvalues, s.eigenvalueErrors ?? []).map { String(format: "%.10f ± %.0e", $0.real, $1) }.joined(separator: ", "))
            }
        }
        for d in dimensions.split(separator: ",").compactMap({ Double($0) }) {
            var solution: PolchinskiDerivative2Solution?
            let (low, median) = try measure {
                solution = try polchinskiDerivative2Solution(PolchinskiDerivative2Spec(dimension: d, cutoff: .exponential))
            }
            let s = solution!
            print(String(format: "  Polchinski O(∂²) whole functions d = %g, exponential cutoff (N = %d, ρ_max = %.3g): %.4f s / %.4f s",
                         d, s.basisSize, s.domainLength, low, median))
            print(String(format: "    ν = %.12f ± %.1e   η = %.12f ± %.1e   ω = %.12f ± %.1e%@", s.nu, s.nuError ?? 0, s.eta,
                         s.etaError ?? 0, s.omega, s.omegaError ?? 0, s.shortfall == nil ? "" : "   (not converged)"))
        }
        let broken = FullPotentialFlowSpec(dimension: 3, fieldMax: 3, gridPoints: 301, tEnd: -8, outputCount: 17)
        var ending: FullPotentialFlowEnding?
        let brokenTimes = try measure {
            ending = try FullPotentialFlow(spec: broken, initialPotential: .couplings([-0.2, 1])).run().ending
        }
        print(String(format: "  flow d = 3 broken phase (301 points): %.4f s / %.4f s, ended: %@", brokenTimes.0, brokenTimes.1,
                     String(describing: ending!)))
        let cutoff = 300.0
        let nn = FullPotentialFlowSpec(dimension: 1, fieldMax: 8 * cutoff.squareRoot(), gridPoints: 1201,
                                       tEnd: -8 - log(cutoff), outputCount: 9)
        let couplings = [0.1, -1, 10].enumerated().map { $0.1 / pow(cutoff, Double($0.0) + 2) }
        var mass = 0.0
        let nnTimes = try measure {
            mass = try FullPotentialFlow(spec: nn, initialPotential: .couplings(couplings)).run().snapshots.last!.massSquared
        }
        print(String(format: "  flow d = 1 network-like potential (1201 points): %.4f s / %.4f s, U''(0)·Λ² = %.6f",
                     nnTimes.0, nnTimes.1, mass * cutoff * cutoff))
    }

    private func measure(_ body: () throws -> Void) throws -> (Double, Double) {
        var seconds: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        seconds.sort()
        return (seconds[0], seconds[seconds.count / 2])
    }
}
