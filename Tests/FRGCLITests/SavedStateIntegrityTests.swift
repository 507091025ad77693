import Foundation
import GaussNet
import XCTest
@testable import FRGCLI

/// `frg sample`'s state and `frg compare`'s cache: an edited or unverifiable saved bag is sampled
/// again and the run says so on stderr; settings that make the error bars meaningless and flags
/// that contradict each other or would be ignored are refused (exit 2).
final class SavedStateIntegrityTests: XCTestCase {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frg-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Runs `frg arguments` with stdout and stderr sent to files; returns the status and both texts.
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let dir = try scratch()
        let outURL = dir.appendingPathComponent("stdout"), errURL = dir.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        fflush(nil)
        let (savedOut, savedErr) = (dup(1), dup(2))
        dup2(out.fileDescriptor, 1)
        dup2(err.fileDescriptor, 2)
        let status = FRG.run(arguments)
        fflush(nil)
        dup2(savedOut, 1)
        dup2(savedErr, 2)
        close(savedOut)
        close(savedErr)
        try out.close()
        try err.close()
        return (status, try String(contentsOf: outURL, encoding: .utf8), try String(contentsOf: errURL, encoding: .utf8))
    }

    /// The bag files under `root` (one run folder), sorted.
    func bagFiles(_ root: URL) throws -> [URL] {
        let folders = try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil)
        return try folders.flatMap { folder in
            try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.lastPathComponent.hasPrefix("bag-") }
        }.sorted { $0.path < $1.path }
    }

    /// Multiplies the first six-point value of a saved bag by 1.5, as a hand edit would.
    func editNumber(in file: URL) throws {
        var text = try String(contentsOf: file, encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: #"(?<="sixPoint":\[)[^,\]]+"#, options: .regularExpression))
        let value = try XCTUnwrap(Double(text[range]))
        text.replaceSubrange(range, with: "\(value * 1.5)")
        try text.write(to: file, atomically: true, encoding: .utf8)
    }

    func testSampleRecomputesEditedAndLegacyBagsAndSaysSo() throws {
        let dir = try scratch()
        let state = dir.appendingPathComponent("state")
        let tiny = ["sample", "--width", "2", "--nets", "50", "--bags", "4", "--threads", "1", "--state", state.path]
        let first = try run(tiny + ["--format", "json", "--output", dir.appendingPathComponent("a.json").path])
        XCTAssertEqual(first.status, 0)
        XCTAssertEqual(first.stderr, "created folder \(state.path)/\nwrote \(dir.appendingPathComponent("a.json").path)\n")
        let reference = try Data(contentsOf: dir.appendingPathComponent("a.json"))

        let bags = try bagFiles(state)
        XCTAssertEqual(bags.count, 4)
        try editNumber(in: bags[1])
        // bags 2 and 3 as frg wrote them before checksums: a plain BagResult.
        for file in bags[2...] {
            let legacy = try JSONDecoder().decode(BagResult.self, from: Data(contentsOf: file))
            try JSONEncoder().encode(legacy).write(to: file)
        }
        let second = try run(tiny + ["--format", "json", "--output", dir.appendingPathComponent("b.json").path])
        XCTAssertEqual(second.status, 0)
        XCTAssertEqual(second.stderr, """
            bag 1: checksum mismatch (edited or corrupted), recomputed
            bags 2–3: no checksum (saved by an older frg), cannot be verified, recomputed
            wrote \(dir.appendingPathComponent("b.json").path)

            """)
        XCTAssertTrue(second.stdout.contains("(1 bag resumed from state)"), second.stdout)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("b.json")), reference,
                       "the recomputed bags give the fresh run's measurement")
        let third = try run(tiny)
        XCTAssertEqual(third.stderr, "", "the recomputed bags were saved with their checksums")
    }

    func testCompareRecomputesAnEditedCachedBagAndSaysSo() throws {
        let dir = try scratch()
        let config = dir.appendingPathComponent("c.yaml")
        try """
            sampler: {sigmaB: 0.5, netsPerBag: 20, bags: 2, threads: 1, estimator: conditional, inputs: [-0.3, -0.1, 0.1, 0.3]}
            sweep: {widths: [2, 3, 4]}
            observables: [u4]
            output: {directory: out}
            """.write(to: config, atomically: true, encoding: .utf8)
        let cache = dir.appendingPathComponent("cache")
        let arguments = ["compare", config.path, "--cache", cache.path]
        let first = try run(arguments)
        XCTAssertEqual(first.status, 0)
        XCTAssertTrue(first.stdout.contains("measurements: 0 of 3 reused from the cache"), first.stdout)
        let report = try String(contentsOf: dir.appendingPathComponent("out/report.md"), encoding: .utf8)

        let bags = try bagFiles(cache)
        XCTAssertEqual(bags.count, 6)
        try editNumber(in: bags[0])
        let second = try run(arguments)
        XCTAssertEqual(second.status, 0)
        XCTAssertTrue(second.stdout.contains("measurements: 2 of 3 reused from the cache"), second.stdout)
        XCTAssertTrue(second.stderr.contains("bag 0: checksum mismatch (edited or corrupted), recomputed"), second.stderr)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("out/report.md"), encoding: .utf8), report)
    }

    /// A state folder that is a file is the user's to change, said in plain words (no Foundation
    /// error domain).
    func testUncreatableStateFolderIsSaidPlainly() throws {
        let file = try scratch().appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let result = try run(["sample", "--width", "2", "--nets", "10", "--bags", "2", "--state", file.path])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.hasSuffix("cannot write \(file.path): it is a regular file, not a folder; give a folder or a new name\n"), result.stderr)
        XCTAssertFalse(result.stderr.contains("Domain"), result.stderr)
    }

    /// The fewest networks per bag, from flags and from both kinds of config, with the key and why.
    func testTooFewNetworksPerBagAreRefused() throws {
        let minimum = SamplerSettings.minimumNetsPerBag
        let flag = try run(["sample", "--nets", "1"])
        XCTAssertEqual(flag.status, 2)
        XCTAssertTrue(flag.stderr.hasPrefix("frg sample: error: --nets: at least \(minimum) networks per bag are needed, got 1: "),
                      flag.stderr)
        let dir = try scratch()
        let sample = dir.appendingPathComponent("s.yaml")
        try "width: 10\nnetsPerBag: 1\n".write(to: sample, atomically: true, encoding: .utf8)
        let fromFile = try run(["sample", sample.path])
        XCTAssertEqual(fromFile.status, 2)
        XCTAssertTrue(fromFile.stderr.contains("s.yaml:2:1: 'netsPerBag': at least \(minimum) networks per bag"), fromFile.stderr)
        let compare = dir.appendingPathComponent("c.yaml")
        try "sampler: {netsPerBag: 3, bags: 2}\nsweep: {widths: [2, 3, 4]}\n".write(to: compare, atomically: true, encoding: .utf8)
        let sweep = try run(["compare", compare.path, "--no-cache"])
        XCTAssertEqual(sweep.status, 2)
        XCTAssertTrue(sweep.stderr.contains("'sampler.netsPerBag': at least \(minimum) networks per bag are needed, got 3"), sweep.stderr)
    }

    /// Flags that contradict each other, or one that would be silently ignored, are usage errors.
    func testContradictoryOrIgnoredFlagsAreRefused() throws {
        let dir = try scratch()
        let config = dir.appendingPathComponent("c.yaml")
        try "sampler: {netsPerBag: 10, bags: 2}\nsweep: {widths: [2, 3, 4]}\n".write(to: config, atomically: true, encoding: .utf8)
        let cache = try run(["compare", config.path, "--cache", dir.appendingPathComponent("x").path, "--no-cache"])
        XCTAssertEqual(cache.status, 2)
        XCTAssertTrue(cache.stderr.contains("--no-cache contradict each other"), cache.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x").path))

        let dimension = try run(["sample", "--dimension", "2"])
        XCTAssertEqual(dimension.status, 2)
        XCTAssertTrue(dimension.stderr.contains("--dimension needs --grid"), dimension.stderr)
        // With --grid it sets the axes; with --points it is a checked statement of their dimension.
        XCTAssertEqual(try SampleCommand.parse(["--grid", "0:1:2", "--dimension", "2"]).makeSettings().inputDimension, 2)
        XCTAssertEqual(try SampleCommand.parse(["--points", "0.1,0.2", "--dimension", "1"]).makeSettings().inputDimension, 1)
    }
}
