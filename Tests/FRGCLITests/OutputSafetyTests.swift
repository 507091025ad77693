import Diagnostics
import Foundation
import TextOutput
import XCTest
@testable import FRGCLI

/// Where frg writes (issue 16): an output never replaces a file the run reads, a symbolic link, a
/// FIFO or a folder (exit 2, before the run); missing folders are created only where the user can
/// and are named on stderr; a path that cannot be read or written is one plain sentence.
final class OutputSafetyTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A small passive flow (a fraction of a second).
    static let flowConfig = """
        flow: passive
        truncation: {dimension: 3, order: 4}
        initial: {couplings: {u2: 0.1, u4: 1}}
        range: {tEnd: -1, samples: 5}

        """

    func scratch() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frg-outputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// The error a command throws, with what `frg` prints and its exit status.
    func refusal(_ body: () throws -> Void) -> (message: String, status: Int32)? {
        do {
            try body()
        } catch let error as any UserFacingError {
            return (error.description, error.category.exitStatus)
        } catch {
            return ("\(error)", 1)
        }
        return nil
    }

    /// What `body` writes to stderr.
    func stderr(of body: () throws -> Void) throws -> String {
        let file = try scratch() + "/stderr.txt"
        fflush(nil)
        let saved = dup(2)
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        dup2(descriptor, 2)
        close(descriptor)
        defer {
            fflush(nil)
            dup2(saved, 2)
            close(saved)
        }
        try body()
        return contents(file) ?? ""
    }

    // MARK: Row 14: an output never replaces an input

    func testAnOutputNeverReplacesAFileTheRunReads() throws {
        let dir = try scratch()
        // A flow config whose output.file is itself, however spelled; the file is kept as it was.
        let flow = dir + "/flow.yaml"
        let selfWriting = Self.flowConfig + "output: {file: \(dir)/./flow.yaml}\n"
        try write(selfWriting, flow)
        let refused = refusal { try FlowCommand.parse([flow]).run() }
        XCTAssertEqual(refused?.message, "cannot write \(dir)/./flow.yaml: it is \(flow), a file this run reads; choose another output file")
        XCTAssertEqual(refused?.status, 2)
        XCTAssertEqual(contents(flow), selfWriting)
        // --output through a hard link of the config: the same file.
        XCTAssertEqual(link(flow, dir + "/hard.yaml"), 0)
        XCTAssertEqual(FRG.run(["flow", flow, "--output", dir + "/hard.yaml"]), 2)
        XCTAssertEqual(contents(flow), selfWriting)
        // Nor does one output of a run replace another.
        let twice = refusal { try FlowCommand.parse([flow, "--output", dir + "/out.svg", "--plot", dir + "/./out.svg"]).run() }
        XCTAssertEqual(twice?.message, "cannot write \(dir)/./out.svg: it is also another output of this run (\(dir)/out.svg); give each output its own file")
        XCTAssertEqual(twice?.status, 2)

        // The measurement a flow config starts from.
        let measurement = dir + "/m.json"
        try FileManager.default.copyItem(atPath: Self.repository.path + "/examples/nn-passive-flow/measurements/N10.json",
                                         toPath: measurement)
        let original = contents(measurement)
        let measured = dir + "/measured.yaml"
        try write("""
            flow: passive
            truncation: {scheme: wetterich, kind: lpa, expansion: zero, order: 6, dimension: 1, regulator: litim}
            initial: {measured: m.json}
            range: {tEnd: 1, samples: 5}

            """, measured)
        XCTAssertEqual(refusal { try FlowCommand.parse([measured, "--output", measurement]).run() }?.status, 2)
        XCTAssertEqual(contents(measurement), original)

        // A sample config whose output.json is itself: refused before anything is sampled (no state folder).
        let sample = dir + "/sample.yaml"
        let sampleText = "width: 2\nnetsPerBag: 20\nbags: 2\nthreads: 1\noutput: {json: sample.yaml, state: state}\n"
        try write(sampleText, sample)
        XCTAssertEqual(refusal { try SampleCommand.parse([sample]).run() }?.status, 2)
        XCTAssertEqual(contents(sample), sampleText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/state"))
        // A config named as the output of a run that reads none (the fuzz test's `frg sample -o
        // examples/sample.yaml`): frg writes no YAML, so a .yaml destination is refused.
        let typo = refusal { try SampleCommand.parse(["-o", sample, "--width", "2", "--nets", "20", "--bags", "2"]).run() }
        XCTAssertEqual(typo?.status, 2)
        XCTAssertTrue(typo?.message.contains("frg writes no YAML") == true, typo?.message ?? "")
        XCTAssertEqual(contents(sample), sampleText)

        // A compare config whose output folder holds it under the name of the report it writes.
        let report = dir + "/report.md"
        let compareText = """
            sampler: {sigmaB: 0.5, netsPerBag: 20, bags: 2, threads: 1, estimator: conditional, inputs: [-0.3, -0.1, 0.1, 0.3]}
            sweep: {widths: [2, 3, 4]}
            observables: [u4]

            """
        try write(compareText, report)
        XCTAssertEqual(FRG.run(["compare", report, "--no-cache"]), 2)
        XCTAssertEqual(contents(report), compareText)
    }

    // MARK: Row 15: never a symbolic link, FIFO or folder

    func testAnOutputNeverReplacesALinkAFIFOOrAFolder() throws {
        let dir = try scratch()
        let flow = dir + "/flow.yaml"
        try write(Self.flowConfig, flow)
        let target = dir + "/target.csv"
        try write("keep\n", target)
        // SVG names: --plot refuses any other extension before it looks at the file.
        let link = dir + "/link.svg"
        XCTAssertEqual(symlink(target, link), 0)
        let fifo = dir + "/fifo.svg"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let folder = dir + "/folder.svg"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)

        for (path, kind) in [(link, "a symbolic link"), (fifo, "a named pipe (FIFO)"), (folder, "a folder")] {
            for arguments in [[flow, "--output", path], [flow, "--plot", path]] {
                let refused = refusal { try FlowCommand.parse(arguments).run() }
                XCTAssertEqual(refused?.message, "cannot write \(path): it is \(kind), which frg never replaces; give a regular file or a new name")
                XCTAssertEqual(refused?.status, 2)
            }
            XCTAssertEqual(FRG.run(["sample", "--width", "2", "--nets", "20", "--bags", "2", "--state", dir + "/state", "--format", "json", "--output", path]), 2)
            XCTAssertEqual(FRG.run(["fixed-points", "--dimension", "3", "--order", "4", "--convergence", "4:6", "--format", "csv", "--output", path]), 2)
        }
        // Other tools' spelling of stdout is refused like any link or device, and the message says frg's.
        let stdoutRefusal = refusal { try FlowCommand.parse([flow, "--output", "/dev/stdout"]).run() }
        XCTAssertEqual(stdoutRefusal?.status, 2)
        XCTAssertTrue(stdoutRefusal?.message.hasSuffix("(for standard output: -o -)") ?? false, stdoutRefusal?.message ?? "no refusal")
        var status = stat()
        XCTAssertEqual(lstat(link, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFLNK, "the link is still a link")
        XCTAssertEqual(contents(target), "keep\n")
        XCTAssertEqual(lstat(fifo, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFIFO)
        // A regular file is replaced as a whole.
        XCTAssertEqual(FRG.run(["flow", flow, "--output", target]), 0)
        XCTAssertTrue(contents(target)?.hasPrefix("t,k,") ?? false)
    }

    // MARK: Row 16: folders are created only where allowed, and named

    func testMissingFoldersAreCreatedOnlyWhereAllowedAndNamed() throws {
        let dir = try scratch()
        let flow = dir + "/flow.yaml"
        try write(Self.flowConfig, flow)
        let output = dir + "/new/sub/flow.csv"
        let messages = try stderr { XCTAssertEqual(FRG.run(["flow", flow, "--output", output]), 0) }
        XCTAssertTrue(messages.contains("created folders \(dir)/new/, \(dir)/new/sub/\n"), messages)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output))
        // Existing folders: nothing to say.
        XCTAssertFalse(try stderr { XCTAssertEqual(FRG.run(["flow", flow, "--output", output]), 0) }.contains("created"))
        // The state folder of frg sample, asked for (or its default), is created and named too.
        let state = try stderr {
            XCTAssertEqual(FRG.run(["sample", "--width", "2", "--nets", "20", "--bags", "2", "--threads", "1", "--state", dir + "/state"]), 0)
        }
        XCTAssertTrue(state.contains("created folder \(dir)/state/\n"), state)

        // Never at the filesystem root, never through a file.
        let top = "/frg-test-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: top) }
        let atRoot = refusal { try FlowCommand.parse([flow, "--output", top + "/flow.csv"]).run() }
        XCTAssertEqual(atRoot?.message, "cannot write \(top)/flow.csv: the folder \(top) does not exist, and frg does not create folders at the filesystem root")
        XCTAssertEqual(atRoot?.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: top))
        let file = dir + "/a-file"
        try write("x", file)
        let throughFile = refusal { try FlowCommand.parse([flow, "--output", file + "/x/flow.csv"]).run() }
        XCTAssertEqual(throughFile?.message, "cannot write \(file)/x/flow.csv: \(file) is a regular file, not a folder")
        XCTAssertEqual(throughFile?.status, 2)
    }

    // MARK: Messages: one plain sentence, never a Foundation error

    func testUnreadableInputsSayWhatThePathIs() throws {
        let dir = try scratch()
        let file = dir + "/a-file"
        try write("x", file)
        for (path, reason) in [(dir, "it is a folder; expected a YAML configuration file"),
                               (dir + "/missing.yaml", "it does not exist"),
                               (file + "/config.yaml", "a folder on its path is a file")] {
            for command in ["flow", "sample", "compare"] {
                let refused = refusal {
                    var parsed = try FRG.parseAsRoot([command, path])
                    try parsed.run()
                }
                XCTAssertEqual(refused?.message, "cannot read \(path): \(reason)")
                XCTAssertEqual(refused?.status, 2)
            }
        }
    }

    func testAWriteThatFailsUnderwayIsOneSentence() throws {
        let dir = try scratch()
        let path = dir + "/big.json"
        // A file-size limit makes the write fail halfway (EFBIG), as a full disk would (ENOSPC).
        let handler = signal(SIGXFSZ, SIG_IGN)
        let fileSize = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
        var limit = rlimit()
        getrlimit(fileSize, &limit)
        var small = limit
        small.rlim_cur = 4096
        setrlimit(fileSize, &small)
        let refused = refusal { try AtomicFile.write(Data(count: 1 << 20), to: path) }
        setrlimit(fileSize, &limit)
        signal(SIGXFSZ, handler)
        XCTAssertEqual(refused?.message, "cannot write \(path): file too large")
        XCTAssertEqual(refused?.status, 1, "a write that fails underway is a failed run")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "no destination, no temporary file left")
    }
}
