import Foundation
import XCTest
import ODE

/// CVODE's error handler is replaced by the shim's: messages land in the errors and the
/// solution, never on stderr.
final class MessageCaptureTests: XCTestCase {
    /// Runs `body` with file descriptor 2 redirected to a temporary file; returns what was written.
    private func capturingStandardError(_ body: () throws -> Void) rethrows -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("frg-stderr-\(UUID().uuidString)").path
        let file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        precondition(file >= 0, "cannot create \(path)")
        let saved = dup(STDERR_FILENO)
        fflush(stderr)
        dup2(file, STDERR_FILENO)
        defer {
            fflush(stderr)
            dup2(saved, STDERR_FILENO)
            close(saved)
            close(file)
        }
        unlink(path)
        try body()
        fflush(stderr)
        // Read back with POSIX calls: Foundation's String(contentsOfFile:) leaks a 4 KiB buffer
        // on an empty file, which scripts/leak-check would report.
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        lseek(file, 0, SEEK_SET)
        while case let count = read(file, &chunk, chunk.count), count > 0 {
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func testErrorsAndWarningsAreCapturedNotPrinted() throws {
        var failure: CVodeFailure?
        var solution: ODESolution?
        let printed = try capturingStandardError {
            // BDF in CV_NORMAL mode, where CVODE itself enforces mxstep and writes the message.
            var budget = ODEOptions(tolerances: ODETolerances(relative: 1e-8, absolute: 1e-12), method: .bdf)
            budget.maxSteps = 5
            do {
                _ = try oscillator(omega: 1).solve(from: 0, to: 100, initialState: [1, 0],
                                                   output: .evenlySpaced(count: 2), options: budget)
            } catch ODEError.solverFailed(let f) {
                failure = f
            }
            // A root function that is zero at t0 and stays zero: CVODE warns that it is inactive.
            let flat = ODEEvent("always zero") { _, _ in 0 }
            solution = try oscillator(omega: 1).solve(
                from: 0, to: 1, initialState: [1, 0], output: .evenlySpaced(count: 2), events: [flat],
                options: ODEOptions(tolerances: ODETolerances(relative: 1e-8, absolute: 1e-12)))
        }
        XCTAssertEqual(printed, "", "CVODE printed to stderr")
        XCTAssertEqual(failure?.flagName, "CV_TOO_MUCH_WORK")
        XCTAssertEqual(failure?.message.hasPrefix("CVode: At t = "), true, failure?.message ?? "")
        XCTAssertEqual(solution?.warningCount, 1)
        XCTAssertEqual(solution?.lastWarning?.contains("identically 0"), true, solution?.lastWarning ?? "none")
        XCTAssertEqual(solution?.termination, .reachedEnd)
    }
}
