import Foundation
import XCTest

/// The fuzz test of issue 16: thousands of mutants of the shipped configs and README command lines
/// (numbers to extremes, keys swapped, structure truncated, flags dropped or given bad values), each
/// run as the real `frg` binary; none may crash, hang, exceed the memory bound, exit with a status
/// other than 0, 1, 2, print a Foundation error or a backtrace, leak NaN or infinity into an output
/// of a successful run, or change a file that was there before.
///
/// Environment:
/// - `FRG_FUZZ_CASES`: number of cases (default 2500: 2½ to 6 minutes on two cores in debug, with the
///   machine idle or busy);
///   a longer campaign: `FRG_FUZZ_CASES=20000 swift test --filter FuzzTests`.
/// - `FRG_FUZZ_SEED`: the seed (default 1); case `i` of a seed is always the same mutant.
/// - `FRG_FUZZ_CASE`: run only this case and print what it did (to reproduce a failure).
/// - `FRG_FUZZ_TIMEOUT` (seconds per case, default 30), `FRG_FUZZ_JOBS` (parallel runs, default 2),
///   `FRG_FUZZ_FRG` (the binary; default the `frg` next to the test bundle), `FRG_FUZZ_OUT` (where
///   failing cases are kept; default `$TMPDIR/frg-fuzz-<seed>`).
final class FuzzTests: XCTestCase {
    static let defaultCases = 2500

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `swift test` builds `frg` beside the test bundle (SwiftPM's products directory).
    private var executable: String {
        if let path = environment["FRG_FUZZ_FRG"] { return path }
        #if os(macOS)
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") } ?? Bundle.main
        return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("frg").path
        #else
        return Bundle.main.bundleURL.appendingPathComponent("frg").path
        #endif
    }

    private func runner() throws -> Runner {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            XCTFail("no frg binary at \(executable); build it (swift build) or set FRG_FUZZ_FRG")
            throw CocoaError(.fileNoSuchFile)
        }
        return Runner(executable: executable, timeout: Double(environment["FRG_FUZZ_TIMEOUT"] ?? "") ?? 30)
    }

    func testCasesAreReproducible() throws {
        let corpus = try Corpus()
        for index in [0, 1, 977] {
            let a = corpus.makeCase(seed: 7, index: index), b = corpus.makeCase(seed: 7, index: index)
            XCTAssertEqual(a.arguments, b.arguments)
            XCTAssertEqual(a.files.map(\.path), b.files.map(\.path))
            XCTAssertEqual(a.files.map(\.data), b.files.map(\.data))
        }
        let cases = (0..<50).map { corpus.makeCase(seed: 7, index: $0) }
        XCTAssertGreaterThan(Set(cases.map { $0.arguments + $0.files.map { String(decoding: $0.data, as: UTF8.self) } }).count, 45)
    }

    /// Every base, unmutated, runs cleanly (so a mutant's failure is the mutation's) and quickly.
    func testUnmutatedBasesRunCleanly() throws {
        let runner = try runner()
        let corpus = try Corpus()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frg-fuzz-bases-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertGreaterThan(corpus.bases.count, 30)
        for (i, base) in corpus.bases.enumerated() {
            var files = base.references
            if let config = base.config, let tree = base.tree { files.append((config, Data(tree.text.utf8))) }
            let fuzzCase = FuzzCase(index: i, base: base.name, arguments: base.arguments, files: files, mutations: [])
            let verdict = try runner.run(fuzzCase, in: folder.appendingPathComponent("base-\(i)"))
            XCTAssertEqual(verdict.status, 0, "\(base.name): \(verdict.stderr)")
            XCTAssertTrue(verdict.problems.isEmpty, "\(base.name): \(verdict.problems)")
            XCTAssertLessThan(verdict.seconds, 5, base.name)
        }
    }

    func testMutantsEndCleanly() throws {
        let runner = try runner()
        let corpus = try Corpus()
        let seed = UInt64(environment["FRG_FUZZ_SEED"] ?? "") ?? 1
        let only = environment["FRG_FUZZ_CASE"].flatMap { Int($0) }
        let indices = only.map { [$0] } ?? Array(0..<(Int(environment["FRG_FUZZ_CASES"] ?? "") ?? Self.defaultCases))
        let jobs = max(1, Int(environment["FRG_FUZZ_JOBS"] ?? "") ?? 2)
        let maximumHangs = max(20, indices.count / 100)
        let out = URL(fileURLWithPath: environment["FRG_FUZZ_OUT"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("frg-fuzz-\(seed)").path)

        var tally = Tally()
        var failures: [(FuzzCase, Verdict)] = []
        var harnessErrors: [String] = []
        let lock = NSLock()
        var next = 0
        let start = Date()
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while true {
                lock.lock()
                let position = next
                next += 1
                // Each hang costs the time bound: past 1 % of the cases (at least 20), the rest of the
                // campaign would mostly repeat them.
                let stop = position >= indices.count || (tally.problems[.hang] ?? 0) >= maximumHangs
                lock.unlock()
                guard !stop else { return }
                let fuzzCase = corpus.makeCase(seed: seed, index: indices[position])
                let directory = out.appendingPathComponent("case-\(fuzzCase.index)")
                try? FileManager.default.removeItem(at: directory)
                do {
                    let verdict = try runner.run(fuzzCase, in: directory)
                    if verdict.problems.isEmpty && only == nil {
                        try? FileManager.default.removeItem(at: directory)
                    } else {
                        try keep(fuzzCase, verdict, in: directory)
                    }
                    lock.lock()
                    tally.add(verdict)
                    if !verdict.problems.isEmpty { failures.append((fuzzCase, verdict)) }
                    lock.unlock()
                } catch {
                    lock.lock()
                    harnessErrors.append("case \(fuzzCase.index): \(error)")
                    lock.unlock()
                }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        failures.sort { $0.0.index < $1.0.index }

        if only != nil {
            let fuzzCase = corpus.makeCase(seed: seed, index: indices[0])
            print(failures.first.map { describe($0.0, $0.1, out: out) }
                ?? "frg fuzz case \(fuzzCase.index) passed: \(reproducer(fuzzCase, out: out))\n  mutations: \(fuzzCase.mutations.joined(separator: "; "))")
        }
        print(tally.summary(seed: seed, seconds: seconds, jobs: jobs))
        if tally.tried < indices.count { print("frg fuzz: stopped after \(maximumHangs) hangs; \(indices.count - tally.tried) cases not run") }
        for (fuzzCase, verdict) in only == nil ? failures : [] {
            print("frg fuzz case \(fuzzCase.index) [\(verdict.problems.map(\.problem.rawValue).joined(separator: ", "))]: frg "
                + fuzzCase.arguments.map(shellQuoted).joined(separator: " "))
        }
        for (signature, members) in only == nil ? group(failures) : [] {
            print("  [\(members.count)×] \(signature)")
            print("      e.g. " + describe(members[0].0, members[0].1, out: out).replacingOccurrences(of: "\n", with: "\n      "))
        }
        XCTAssertTrue(harnessErrors.isEmpty, harnessErrors.joined(separator: "\n"))
        XCTAssertEqual(tally.failing, 0, "\(tally.failing) of \(tally.tried) fuzz cases failed; kept in \(out.path)")
    }

    // MARK: Reporting

    private func reproducer(_ fuzzCase: FuzzCase, out: URL) -> String {
        let sandbox = out.appendingPathComponent("case-\(fuzzCase.index)/sandbox").path
        return "cd \(shellQuoted(sandbox)) && frg " + fuzzCase.arguments.map(shellQuoted).joined(separator: " ")
    }

    private func describe(_ fuzzCase: FuzzCase, _ verdict: Verdict, out: URL) -> String {
        """
        frg fuzz case \(fuzzCase.index): \(reproducer(fuzzCase, out: out))
          base: \(fuzzCase.base)
          mutations: \(fuzzCase.mutations.joined(separator: "; "))
          \(verdict.problems.map { "\($0.problem.rawValue): \($0.detail.prefix(300))" }.joined(separator: "\n  "))
        """
    }

    /// Keeps a failing case: the sandbox as it was before the run (`sandbox/`), as the run left it
    /// (`after-run/`), its output and a README with the reproducer.
    private func keep(_ fuzzCase: FuzzCase, _ verdict: Verdict, in directory: URL) throws {
        let sandbox = directory.appendingPathComponent("sandbox")
        try FileManager.default.moveItem(at: sandbox, to: directory.appendingPathComponent("after-run"))
        try Runner.materialize(fuzzCase, in: sandbox)
        let out = directory.deletingLastPathComponent()
        try Data((describe(fuzzCase, verdict, out: out) + "\n").utf8).write(to: directory.appendingPathComponent("README.txt"))
    }

    /// Failing cases grouped by their first problem and its message, numbers and paths masked.
    private func group(_ failures: [(FuzzCase, Verdict)]) -> [(String, [(FuzzCase, Verdict)])] {
        var groups: [(String, [(FuzzCase, Verdict)])] = []
        for failure in failures {
            guard let (problem, detail) = failure.1.problems.first else { continue }
            let masked = detail.replacingOccurrences(of: #"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+"#, with: "PATH", options: .regularExpression)
                .replacingOccurrences(of: #"[-+]?[0-9][0-9.e+-]*"#, with: "#", options: .regularExpression)
            let signature = problem.rawValue + ": " + masked.prefix(140)
            if let i = groups.firstIndex(where: { $0.0 == signature }) { groups[i].1.append(failure) } else { groups.append((signature, [failure])) }
        }
        return groups
    }

    private func shellQuoted(_ text: String) -> String {
        text.range(of: #"^[A-Za-z0-9_./:=,+-]+$"#, options: .regularExpression) != nil
            ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Counts per outcome and problem.
struct Tally {
    var tried = 0, failing = 0
    var statuses: [Int32: Int] = [:]
    var problems: [Problem: Int] = [:]
    var seconds = 0.0

    mutating func add(_ verdict: Verdict) {
        tried += 1
        seconds += verdict.seconds
        if let status = verdict.status { statuses[status, default: 0] += 1 }
        if !verdict.problems.isEmpty { failing += 1 }
        for problem in Problem.allCases where verdict.problems.contains(where: { $0.problem == problem }) { problems[problem, default: 0] += 1 }
    }

    func summary(seed: UInt64, seconds wall: Double, jobs: Int) -> String {
        let exits = [0, 1, 2].map { "exit \($0): \(statuses[Int32($0)] ?? 0)" }.joined(separator: ", ")
        let counts = Problem.allCases.map { "\($0.rawValue): \(problems[$0] ?? 0)" }.joined(separator: ", ")
        let rate = Double(tried) / max(wall, 1e-9) * 60, perCase = seconds / Double(max(tried, 1))
        return "frg fuzz: seed \(seed), \(tried) cases in \(Int(wall.rounded())) s (\(Int(rate.rounded())) per minute with \(jobs) jobs, "
            + "\(String(format: "%.2f", perCase)) s per case) — \(exits); \(counts)"
    }
}
