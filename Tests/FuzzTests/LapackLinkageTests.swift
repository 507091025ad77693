import Foundation
import XCTest

/// The thread policy seen from outside, on the real `frg` binary: LAPACK (and with it OpenBLAS and
/// its thread pool) is not among the libraries loaded at start-up, and a LAPACK that cannot be
/// loaded is one typed error (exit 1) naming the library and the package, not a crash or a search
/// that silently finds nothing.
final class LapackLinkageTests: XCTestCase {
    /// The binary `swift test` builds beside the test bundle (as `FuzzTests` finds it).
    private var executable: String {
        if let path = ProcessInfo.processInfo.environment["FRG_FUZZ_FRG"] { return path }
        return Bundle.main.bundleURL.appendingPathComponent("frg").path
    }

    private func run(_ arguments: [String], environment extra: [String: String]) throws -> (status: Int32, out: String, err: String) {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: executable), "no frg binary at \(executable)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outText = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, outText, errText)
    }

    func testNoBLASOrLAPACKIsLoadedAtStartUp() throws {
        // LD_TRACE_LOADED_OBJECTS makes the dynamic loader list what it loads and stop (ldd's
        // mechanism): the libraries every start pays for.
        let (status, out, _) = try run(["beta", "--dimension", "3"], environment: ["LD_TRACE_LOADED_OBJECTS": "1"])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(out.contains("libsundials"), "not a loader listing: \(out.prefix(200))")
        for library in ["lapack", "blas", "gfortran"] {
            XCTAssertFalse(out.contains(library), "\(library) is loaded at start-up:\n\(out)")
        }
    }

    func testUnloadableLapackIsATypedError() throws {
        // An empty file named liblapacke.so.3 first on the search path: dlopen finds and rejects it.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frg-lapack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertTrue(FileManager.default.createFile(atPath: folder.appendingPathComponent("liblapacke.so.3").path, contents: Data()))
        let (status, out, err) = try run(["fixed-points", "--dimension", "3", "--order", "4"],
                                         environment: ["LD_LIBRARY_PATH": folder.path])
        XCTAssertEqual(status, 1)
        XCTAssertEqual(out, "", "no table without LAPACK")
        let lines = err.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, err)
        XCTAssertTrue(err.hasPrefix("frg fixed-points: error: cannot load LAPACK (liblapacke.so.3)"), err)
        XCTAssertTrue(err.contains("liblapacke-dev"), err)
    }
}
