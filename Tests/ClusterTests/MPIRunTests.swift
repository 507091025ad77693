import Foundation
import XCTest

/// The `frg` binary under Open MPI's `mpirun` (oversubscribed, root allowed: CI runs as root on
/// two cores): the output files of `frg sample` and `frg compare` are byte-identical to a single
/// process for 2 and 3 ranks; a killed rank ends the job within seconds and the job resumes under
/// any number of ranks; a rank that fails ends the job with its message; invalid input is reported
/// once. Each case samples for about a second.
final class MPIRunTests: XCTestCase {
    /// The binary `swift test` builds beside the test bundle (as `FuzzTests` finds it).
    private var executable: String {
        if let path = ProcessInfo.processInfo.environment["FRG_FUZZ_FRG"] { return path }
        return Bundle.main.bundleURL.appendingPathComponent("frg").path
    }

    /// `mpirun` from PATH (Debian's openmpi-bin, installed by scripts/install-deps).
    private func mpirun() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/mpirun") {
            return "\(folder)/mpirun"
        }
        XCTFail("no mpirun on PATH: scripts/install-deps installs Debian's openmpi-bin")
        throw XCTSkip("no mpirun")
    }

    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frg-mpi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    struct Run {
        var status: Int32
        var out: String
        var err: String
        var seconds: Double
    }

    /// The environment of every run: the caller's without any launcher's variables (the tests may
    /// themselves run under one), plus Open MPI's consent to run as root.
    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("OMPI_") && !key.hasPrefix("PMIX_") && !key.hasPrefix("PMI_")
        }
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        return environment
    }

    /// `frg arguments` in `directory`, on `ranks` ranks (nil: plain `frg`, no launcher).
    /// `whileRunning` is called with the launcher's process once it has started.
    private func frg(_ arguments: [String], ranks: Int?, in directory: URL, timeout: Double = 120,
                     whileRunning: ((Process) throws -> Void)? = nil) throws -> Run {
        let process = Process()
        if let ranks {
            process.executableURL = URL(fileURLWithPath: try mpirun())
            process.arguments = ["--oversubscribe", "-np", "\(ranks)", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        process.environment = environment
        let outURL = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        let start = Date()
        try process.run()
        try whileRunning?(process)
        if ended.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            ended.wait()
            XCTFail("frg \(arguments.joined(separator: " ")) on \(ranks.map(String.init) ?? "no") ranks did not end within \(Int(timeout)) s")
        }
        try out.close()
        try err.close()
        return Run(status: process.terminationStatus, out: try String(contentsOf: outURL, encoding: .utf8),
                   err: try String(contentsOf: errURL, encoding: .utf8), seconds: Date().timeIntervalSince(start))
    }

    /// Files below `directory` (relative path → bytes), without the runs' captured streams.
    private func files(_ directory: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for path in try FileManager.default.subpathsOfDirectory(atPath: directory.path) where !path.hasPrefix(".std") {
            var isFolder: ObjCBool = false
            let url = directory.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                result[path] = try Data(contentsOf: url)
            }
        }
        return result
    }

    /// 7 bags (uneven over 3 ranks): the JSON document, the CSV and its sidecar, and every saved
    /// bag are the same bytes on 1, 2 and 3 ranks (each run in its own folder with the same
    /// arguments, so the sidecar's recorded command line is the same too).
    func testSampleOutputsAreIdenticalOnAnyNumberOfRanks() throws {
        let sample = ["sample", "--width", "20", "--nets", "256", "--bags", "7"]
        var reference: [String: Data]?
        for ranks in [nil, 2, 3] {
            let directory = try folder()
            let json = try frg(sample + ["--state", "state-json", "--format", "json", "-o", "out.json"], ranks: ranks, in: directory)
            XCTAssertEqual(json.status, 0, json.err)
            let csv = try frg(sample + ["--state", "state-csv", "--format", "csv", "-o", "out.csv"], ranks: ranks, in: directory)
            XCTAssertEqual(csv.status, 0, csv.err)
            // Rank 0 alone reports: one summary, one "wrote" line per run.
            XCTAssertEqual(json.out.components(separatedBy: "frg sample —").count, 2, json.out)
            XCTAssertEqual(json.err.components(separatedBy: "wrote out.json").count, 2, json.err)
            if let ranks {
                // threads 0 (the default): each rank's share of the node, so that ranks × threads
                // stays within the cores (one thread each when there are more ranks than cores).
                let cores = ProcessInfo.processInfo.activeProcessorCount
                let match = json.out.firstMatch(of: #/(\d+) MPI ranks × (\d+) threads?/#)
                let threads = match.flatMap { Int($0.2) }
                XCTAssertEqual(match.flatMap { Int($0.1) }, ranks, json.out)
                XCTAssertTrue(threads.map { (1...max(1, cores / ranks)).contains($0) } ?? false, json.out)
            }
            let written = try files(directory)
            XCTAssertEqual(written.keys.filter { $0.hasSuffix(".json") && $0.contains("bag-") }.count, 14)
            XCTAssertNotNil(written["out.csv.meta.json"])
            if let reference {
                XCTAssertEqual(written.keys.sorted(), reference.keys.sorted(), "\(ranks!) ranks")
                for (path, bytes) in reference {
                    XCTAssertEqual(written[path], bytes, "\(path) differs on \(ranks!) ranks")
                }
            } else {
                reference = written
            }
        }
    }

    /// A width sweep with a companion estimator (6 measurements, each a job over the ranks): the
    /// JSON document and the cache are the same bytes on 1, 2 and 3 ranks.
    func testCompareOutputsAreIdenticalOnAnyNumberOfRanks() throws {
        let config = """
            sampler: {sigmaB: 0.5, netsPerBag: 64, bags: 5, estimator: conditional, inputs: [-0.3, -0.1, 0.1, 0.3]}
            sweep: {widths: [2, 3, 4]}
            companion: direct
            observables: [u4, m4]
            """
        var reference: [String: Data]?
        for ranks in [nil, 2, 3] {
            let directory = try folder()
            try config.write(to: directory.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
            let run = try frg(["compare", "c.yaml", "--cache", "cache", "--format", "json", "-o", "out.json"], ranks: ranks, in: directory)
            XCTAssertEqual(run.status, 0, run.err)
            XCTAssertEqual(run.err.components(separatedBy: "[6/6] sampled").count, 2, run.err)
            let written = try files(directory)
            XCTAssertEqual(written.keys.filter { $0.contains("bag-") }.count, 30)
            if let reference {
                XCTAssertEqual(written, reference, "\(ranks!) ranks")
            } else {
                reference = written
            }
        }
    }

    /// Rank 1 of a running 2-rank job is killed (SIGKILL) once a few bags are saved: mpirun ends
    /// nonzero within 20 s (generous for a loaded machine: it ends the job as soon as it sees the
    /// rank gone). The saved bags resume the job on 3 ranks, and (a copy of them) on one process
    /// without mpirun; both give the uninterrupted run's bytes.
    func testKilledRankEndsTheJobAndTheJobResumesOnAnyNumberOfRanks() throws {
        // About 0.1–0.3 s per bag in a debug build on one thread: the kill lands mid-run.
        let sample = ["sample", "--width", "100", "--nets", "4096", "--bags", "16", "--threads", "1",
                      "--state", "state", "--format", "json", "-o", "out.json"]
        let reference = try folder()
        let whole = try frg(sample, ranks: nil, in: reference)
        XCTAssertEqual(whole.status, 0, whole.err)
        let expected = try Data(contentsOf: reference.appendingPathComponent("out.json"))

        let directory = try folder()
        let state = directory.appendingPathComponent("state")
        func savedBags() -> Int {
            let runs = (try? FileManager.default.contentsOfDirectory(atPath: state.path)) ?? []
            return runs.reduce(0) { count, run in
                count + ((try? FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent(run).path)) ?? [])
                    .filter { $0.hasPrefix("bag-") && $0.hasSuffix(".json") }.count
            }
        }
        var killedAt: Date?
        let killed = try frg(sample, ranks: 2, in: directory) { launcher in
            let deadline = Date().addingTimeInterval(60)
            while savedBags() < 3, launcher.isRunning, Date() < deadline { usleep(20_000) }
            guard launcher.isRunning, let rank1 = Self.child(of: launcher.processIdentifier, rank: 1) else { return }
            killedAt = Date()
            kill(rank1, SIGKILL)
        }
        guard let killedAt else { return XCTFail("the job ended (status \(killed.status)) before rank 1 could be killed: \(killed.err)") }
        XCTAssertNotEqual(killed.status, 0)
        let afterKill = Date().timeIntervalSince(killedAt)
        XCTAssertLessThan(afterKill, 20, "mpirun took \(afterKill) s to end after its rank 1 was killed")
        let saved = savedBags()
        XCTAssertGreaterThanOrEqual(saved, 3)
        XCTAssertLessThan(saved, 16, "the kill came too late to test resuming")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.json").path))

        let copy = try folder()
        try FileManager.default.copyItem(at: state, to: copy.appendingPathComponent("state"))
        for (ranks, place) in [(3, directory), (nil, copy)] as [(Int?, URL)] {
            let resumed = try frg(sample, ranks: ranks, in: place)
            XCTAssertEqual(resumed.status, 0, resumed.err)
            XCTAssertTrue(resumed.out.contains("\(saved) bags resumed from state"), resumed.out)
            XCTAssertEqual(try Data(contentsOf: place.appendingPathComponent("out.json")), expected,
                           "resumed on \(ranks.map(String.init) ?? "no") ranks")
        }
    }

    /// A worker that cannot save its bag (its file's path is a folder: a bad disk seen by one rank
    /// only) ends the job at once with status 1 and its message naming the rank.
    func testFailingRankEndsTheJobWithItsMessage() throws {
        let directory = try folder()
        // The run key of these settings, from a tiny run of the same settings on one process.
        let sample = ["sample", "--width", "20", "--nets", "256", "--bags", "6"]
        XCTAssertEqual(try frg(sample + ["--state", "probe", "-o", "probe.json"], ranks: nil, in: directory).status, 0)
        let run = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("probe").path).first)
        // Round-robin over 2 ranks: bag 1 is rank 1's first.
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("state/\(run)/bag-0001.json"),
                                                withIntermediateDirectories: true)
        let failed = try frg(sample + ["--state", "state", "-o", "out.json"], ranks: 2, in: directory, timeout: 60)
        XCTAssertEqual(failed.status, 1, failed.err)
        let lines = failed.err.split(separator: "\n").filter { $0.hasPrefix("frg sample: error:") }
        XCTAssertEqual(lines.count, 1, failed.err)
        XCTAssertTrue(lines.first?.hasPrefix("frg sample: error: rank 1: cannot write ") == true, failed.err)
        XCTAssertTrue(failed.err.contains("bag-0001.json: it is a folder"), failed.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.json").path))
    }

    /// Invalid input is found alike on every rank: one message (rank 0's), exit 2, for a value
    /// the library judges, a flag the parser rejects and a config on stdin (which only rank 0
    /// would read); a launcher whose process count MPI
    /// does not see (here: its variables without the launcher) is one sentence, exit 2.
    func testInvalidInputIsReportedOnce() throws {
        let directory = try folder()
        for (arguments, fragment) in [(["sample", "--width", "0", "--nets", "256"], "width N must be ≥ 1"),
                                      (["sample", "--bogus"], "Unknown option '--bogus'"),
                                      (["sample", "-"], "a config from stdin ('-') reaches only rank 0 of the 3 MPI ranks")] {
            let run = try frg(arguments, ranks: 3, in: directory, timeout: 60)
            XCTAssertEqual(run.status, 2, run.err)
            let lines = run.err.split(separator: "\n").filter { $0.hasPrefix("frg sample: error:") }
            XCTAssertEqual(lines.count, 1, run.err)
            XCTAssertTrue(lines.first?.contains(fragment) == true, run.err)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["sample", "--width", "5", "--nets", "256", "--bags", "2", "--state", "s", "-o", "x.json"]
        process.currentDirectoryURL = directory
        process.environment = environment.merging(["PMI_SIZE": "2", "PMI_RANK": "0"]) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 2, text)
        XCTAssertTrue(text.hasPrefix("frg sample: error: a PMI launcher (srun --mpi=pmi2, MPICH's mpiexec) started 2 processes but frg's MPI"), text)
        XCTAssertEqual(text.split(separator: "\n").count, 1, text)
    }

    /// The child of `parent` that is MPI rank `rank` (its environment says so).
    static func child(of parent: pid_t, rank: Int) -> pid_t? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                  let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  status.split(separator: "\n").contains(where: { $0 == "PPid:\t\(parent)" }),
                  let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
        }
        return nil
    }
}
