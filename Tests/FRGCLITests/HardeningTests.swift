import ArgumentParser
import FixedPoints
import Diagnostics
import Foundation
import Truncation
import XCTest
@testable import FRGCLI

/// Issue 16's rows on limits and on searches that find little: each input is refused before
/// anything is allocated, or the run says what it found and why.
final class HardeningTests: XCTestCase {
    /// The message `frg` prints for `arguments` (the parser's, a command's `validate()` or the
    /// library's), or nil when the command would run. Nothing here runs a computation.
    private func refusal<C: ParsableCommand>(_ command: C.Type, _ arguments: [String]) -> String? {
        do {
            _ = try command.parse(arguments)
            return nil
        } catch {
            return command.message(for: error)
        }
    }

    /// Rows 2 and 3: a billion starts and a 3·10⁹-point dimension sweep are refused by name, with
    /// the limit, at parse time (they used to allocate 24 GB).
    func testStartsAndSweepLengthAreLimitedBeforeAllocating() {
        XCTAssertEqual(refusal(FixedPointsCommand.self, ["--dimension", "3", "--starts", "1000000000"]),
                       "--starts must be from 1 to \(FixedPointCensus.maximumStarts), got 1000000000")
        XCTAssertEqual(refusal(FixedPointsCommand.self, ["--dimension-sweep", "3.99:1:1e-9"]),
                       "--dimension-sweep: the dimension sweep 3.99:1.0:1e-09 has 2.99e+09 points; at most 100000 are followed")
    }

    /// Row 4: orders beyond what the exact derivation can do in reasonable time and memory are
    /// refused with the reason (φ¹⁰⁰ used to run for minutes with its memory climbing).
    func testOrdersAboveTheLimitAreRefusedWithTheReason() throws {
        for arguments in [["--dimension", "3", "--order", "100"], ["--dimension", "3", "--order", "66"]] {
            let message = try XCTUnwrap(refusal(BetaCommand.self, arguments))
            XCTAssertTrue(message.hasPrefix("--order must be an even integer from 2 to 64"), message)
            XCTAssertTrue(message.contains("grows about as n^10"), message)
        }
        XCTAssertNil(refusal(BetaCommand.self, ["--dimension", "3", "--order", "64"]))
        let convergence = try XCTUnwrap(refusal(FixedPointsCommand.self, ["--dimension", "3", "--convergence", "4:80"]))
        XCTAssertTrue(convergence.contains("orders stop at 64"), convergence)
        XCTAssertThrowsError(try TruncationSpec(dimension: 3, order: 100).validate())
    }

    /// Negative numbers are values, not unknown flags: `--width -1` is judged by the range check
    /// (it used to say "Missing value for '--width <width>'").
    func testNegativeNumbersReachTheRangeChecks() throws {
        XCTAssertEqual(try SampleMessages.settings(["--width", "-1"]), "width N must be ≥ 1, got -1")
        XCTAssertEqual(refusal(FixedPointsCommand.self, ["--dimension", "3", "--starts", "-5"]),
                       "--starts must be from 1 to \(FixedPointCensus.maximumStarts), got -5")
        XCTAssertEqual(refusal(FixedPointsCommand.self, ["--dimension", "3", "--width", "-2"]),
                       "--width must be in (0, 1e6], got -2.0")
    }

    /// Where the equations are not finite, the message says why: about the minimum at λ̄2 = 0
    /// the projection divides by λ̄2 (it used to say "threshold pole?" with 1+w = 1).
    func testNonFiniteBetaSaysWhy() throws {
        let beta = try BetaFunctions(TruncationSpec(expansion: .minimum, dimension: 2, order: 6))
        XCTAssertTrue(beta.nonFiniteReason(at: [0, 0, 1]).hasPrefix("the expansion about the minimum divides by lambda2"))
        XCTAssertTrue(beta.nonFiniteReason(at: [1, -1, 0]).hasPrefix("the point is on or beyond the threshold pole (1+w = -1.0"))
        XCTAssertThrowsError(try BetaCommand.parse(["--dimension", "2", "--expansion", "minimum", "--at", "kappa=0,lambda2=0,lambda3=1"]).output()) {
            XCTAssertTrue("\($0)".contains("divides by lambda2"), "\($0)")
        }
    }

    /// Found by the fuzz test: a coupling of 1e-300 beside ordinary ones put the symmetric-log
    /// axis end at infinity, and the plot crashed converting it to an integer tick.
    func testPlotOfTinyBesideOrdinaryValues() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frg-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("tiny.yaml")
        try """
            flow: passive
            truncation: {dimension: 3, order: 6}
            initial: {couplings: {u2: 1e-300, u4: 12.43, u6: 540.8}}
            range: {tEnd: -1, samples: 11}
            """.write(to: config, atomically: true, encoding: .utf8)
        let plot = folder.appendingPathComponent("p.svg").path
        XCTAssertEqual(FRG.run(["flow", config.path, "--plot", plot]), 0)
        XCTAssertTrue(try String(contentsOfFile: plot, encoding: .utf8).hasPrefix("<svg"))
    }

    /// Found by the fuzz test: `--dimension 1e300` printed K_d = -nan (Γ(d/2) and 2^{d−1} overflow).
    func testDimensionAboveTheLimitIsRefused() throws {
        let message = try XCTUnwrap(refusal(BetaCommand.self, ["--dimension", "1e300", "--order", "4"]))
        XCTAssertEqual(message, "--dimension must be a real number with 0 < d ≤ 64, got 1e+300")
        XCTAssertThrowsError(try TruncationSpec(dimension: 65, order: 4).validate())
        XCTAssertNoThrow(try TruncationSpec(dimension: 64, order: 4).validate())
    }

    /// Row 8: at φ¹⁴ in d = 3 the Wilson–Fisher point lies outside the default box (u6 ≈ 1009,
    /// u14 ≈ −2.2e12), so random starts never keep it; the branch followed from φ⁴ is listed
    /// (it used to be dropped with the box's other outside roots, leaving only the Gaussian point).
    func testTheContinuedWilsonFisherPointIsListedOutsideTheBox() throws {
        let census = try FixedPointCensus(TruncationSpec(dimension: 3, order: 14), starts: 50)
        let wf = try XCTUnwrap(census.points.first { $0.kind == .wilsonFisher })
        // ν at φ¹⁴ from the order-by-order study (`frg fixed-points --dimension 3 --convergence 4:14`).
        XCTAssertEqual(try XCTUnwrap(wf.nu), 0.6518867859, accuracy: 1e-9)
        XCTAssertNil(census.shortfall)
        // Issue 18: Newton in natural units brings random starts from inside the box to it (before,
        // only the followed branch reached it at φ¹⁴–φ⁴⁰): nothing missed, nothing to say.
        XCTAssertTrue(census.missedBySampling.isEmpty)
        XCTAssertNil(census.searchMissed)
        // Random starts drawn in a box far too small (the branch is still found at φ⁴, where the
        // study searches the default box) miss it, and the census says so and why.
        let sparse = try FixedPointCensus(TruncationSpec(dimension: 3, order: 14), starts: 10, width: 0.001)
        XCTAssertEqual(sparse.missedBySampling.map(\.kind), [.wilsonFisher])
        let missed = try XCTUnwrap(sparse.searchMissed)
        XCTAssertEqual(missed, "the wilson-fisher point (ν = 0.651887) was reached only by following the branch from φ^4: it lies outside the search box (a coupling at 51 natural units, the box ±0.001), where random starts are not drawn")
    }

    /// Issue 18: the multi-start search finds the Wilson–Fisher point the branch continuation finds,
    /// at every order, about zero and about the minimum.
    func testRandomStartsFindTheWilsonFisherPointAtHighOrders() throws {
        for (expansion, order) in [(ExpansionPoint.zero, 24), (.minimum, 48)] {
            let census = try FixedPointCensus(TruncationSpec(expansion: expansion, dimension: 3, order: order), starts: 200)
            let wf = try XCTUnwrap(census.points.first { $0.kind == .wilsonFisher }, "\(expansion) φ^\(order)")
            XCTAssertNil(census.searchMissed, "\(expansion) φ^\(order)")
            XCTAssertGreaterThan(wf.basin, 10, "\(expansion) φ^\(order)")
        }
    }

    /// Rows 8 and 9: a census that finds no interacting point says why, in text and JSON.
    func testACensusThatFindsNothingSaysWhy() throws {
        // A box too small for Wilson–Fisher at φ⁴ (ū4* ≈ 7.76): its roots fall outside.
        let census = try FixedPointCensus(TruncationSpec(dimension: 3, order: 4), starts: 20, width: 0.01)
        XCTAssertEqual(census.points.map(\.kind), [.gaussian])
        let shortfall = try XCTUnwrap(census.shortfall)
        XCTAssertTrue(shortfall.hasPrefix("only the Gaussian fixed point found from 21 Newton starts"), shortfall)
        XCTAssertTrue(shortfall.contains("converged outside the search box (widen it with --width)"), shortfall)
    }
}

/// `frg sample`'s settings message for flags (the library's range checks included).
private enum SampleMessages {
    static func settings(_ arguments: [String]) throws -> String? {
        do {
            _ = try SampleCommand.parse(arguments).makeSettings()
            return nil
        } catch let error as UserFacingError {
            return error.description
        } catch {
            return SampleCommand.message(for: error)
        }
    }
}
