import Foundation

/// What can be wrong with a run of `frg`; a case passes when it has none.
enum Problem: String, CaseIterable {
    case crash = "crashes"
    case hang = "hangs"
    case outOfMemory = "OOM"
    case badExitStatus = "bad exit status"
    case nanLeak = "NaN leaks"
    case dataLoss = "data losses"
    case badMessage = "bad error messages"
}

/// How a case ended and what the checks found.
struct Verdict {
    var status: Int32?
    var problems: [(problem: Problem, detail: String)] = []
    var seconds: Double = 0
    var stderr = ""
}

/// Runs one case in a sandbox of its own and checks it:
/// - it ends by itself within the time bound (else a hang) and the memory bound (`ulimit -v`;
///   a signal with an allocation failure on stderr, or SIGKILL, is OOM), without a signal (crash),
///   with status 0, 1 or 2;
/// - on 1 or 2, stderr ends in exactly one `frg …: error: …` line and nowhere shows a Foundation
///   error, a Swift runtime failure or a backtrace;
/// - on 0, stdout and every file written hold no NaN or infinity (as a number: `nan`, `inf`,
///   `infinity` standing alone, any case) outside the lines that echo the config;
/// - every file that was there before (the configs, the files they read, a symlink, a folder, a
///   FIFO) is there afterwards, of the same kind, with the same bytes or target (else data loss).
struct Runner {
    var executable: String
    var timeout: Double
    /// Bound on the address space, in KiB (`ulimit -v`), and on a written file, in 512-byte blocks.
    var memoryKiB = 4_000_000
    var fileBlocks = 400_000

    static let forbidden = ["Error Domain=", "NSCocoaErrorDomain", "UserInfo=", "Fatal error", "Swift runtime failure",
                            "Stack dump", "Current stack trace", "backtrace", "Optional(", "💣"]

    /// Creates the case's sandbox in `directory` (a fresh folder): its files and the special files.
    static func materialize(_ fuzzCase: FuzzCase, in directory: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        for (path, data) in fuzzCase.files {
            let url = directory.appendingPathComponent(path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try Data("precious: an existing file that no output may write through a symlink\n".utf8)
            .write(to: directory.appendingPathComponent(Corpus.linkTarget))
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent(Corpus.link).path, withDestinationPath: Corpus.linkTarget)
        try manager.createDirectory(at: directory.appendingPathComponent(Corpus.folder), withIntermediateDirectories: true)
        guard mkfifo(directory.appendingPathComponent(Corpus.fifo).path, 0o644) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    func run(_ fuzzCase: FuzzCase, in caseDirectory: URL) throws -> Verdict {
        let sandbox = caseDirectory.appendingPathComponent("sandbox")
        try Self.materialize(fuzzCase, in: sandbox)
        let before = Snapshot(sandbox)
        let stdoutURL = caseDirectory.appendingPathComponent("stdout.txt"), stderrURL = caseDirectory.appendingPathComponent("stderr.txt")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        let stdout = try FileHandle(forWritingTo: stdoutURL), stderr = try FileHandle(forWritingTo: stderrURL)
        defer { try? stdout.close(); try? stderr.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v \(memoryKiB); ulimit -f \(fileBlocks); ulimit -c 0; exec \"$0\" \"$@\"", executable]
            + fuzzCase.arguments
        process.currentDirectoryURL = sandbox
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        let start = Date()
        try process.run()
        let timedOut = finished.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        var verdict = Verdict()
        verdict.seconds = Date().timeIntervalSince(start)
        let output = Self.text(stdoutURL), errors = Self.text(stderrURL)
        verdict.stderr = errors

        if timedOut {
            verdict.problems.append((.hang, "killed after \(Int(timeout)) s"))
        } else if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            let fatal = errors.split(separator: "\n").first { $0.contains("Fatal error") || $0.contains("alloc") }.map(String.init)
            let memory = signal == SIGKILL || errors.contains("alloc") || errors.contains("out of memory")
            verdict.problems.append((memory ? .outOfMemory : .crash, "signal \(signal)" + (fatal.map { ": " + $0 } ?? "")))
        } else {
            verdict.status = process.terminationStatus
            switch process.terminationStatus {
            case 0:
                if let line = Self.forbiddenLine(errors) ?? errors.split(separator: "\n").first(where: { $0.contains(": error:") }).map(String.init) {
                    verdict.problems.append((.badMessage, "exit 0 with: " + line))
                }
            case 1, 2:
                if let reason = Self.badErrorOutput(errors) { verdict.problems.append((.badMessage, reason)) }
            default:
                verdict.problems.append((.badExitStatus, "exit \(process.terminationStatus)"))
            }
        }
        let after = Snapshot(sandbox, reading: before.paths)
        for loss in before.losses(comparedWith: after) { verdict.problems.append((.dataLoss, loss)) }
        if verdict.status == 0 {
            if let leak = Self.nonFinite(in: output) { verdict.problems.append((.nanLeak, "stdout: " + leak)) }
            for path in after.newFiles(since: before) {
                if let leak = Self.nonFinite(in: Self.text(sandbox.appendingPathComponent(path))) {
                    verdict.problems.append((.nanLeak, path + ": " + leak))
                }
            }
        }
        return verdict
    }

    static func text(_ url: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        return String(decoding: (try? handle.read(upToCount: 32 << 20)) ?? Data(), as: UTF8.self)
    }

    static func forbiddenLine(_ text: String) -> String? {
        text.split(separator: "\n").first { line in forbidden.contains { line.contains($0) } }.map(String.init)
    }

    /// Why the stderr of a failed run is not one `frg …: error: …` line, or nil if it is.
    static func badErrorOutput(_ text: String) -> String? {
        if let line = forbiddenLine(text) { return line }
        let lines = text.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let errorLines = lines.filter { $0.contains(": error:") }
        guard let last = lines.last else { return "no message on stderr" }
        guard errorLines.count == 1 else { return "\(errorLines.count) error lines: " + lines.joined(separator: " | ") }
        guard last.range(of: #"^frg( [a-z-]+)?: error: \S"#, options: .regularExpression) != nil else {
            return "last line is not frg's error line: " + last
        }
        return nil
    }

    private static let nonFinitePattern = try! NSRegularExpression(
        pattern: #"(?<![A-Za-z0-9_.])[-+]?(nan|inf|infinity)(?![A-Za-z0-9_]|\.[A-Za-z])"#, options: [.caseInsensitive])

    /// The first line with a NaN or infinity written as a number. Lines echoing the config
    /// (`config| …`) are the user's text, not results, and are not searched.
    static func nonFinite(in text: String) -> String? {
        text.split(separator: "\n").map(String.init).first { line in
            !line.contains("config|") && nonFinitePattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
        }.map { String($0.prefix(160)) }
    }
}

/// Every entry under a folder, with its kind and content (files), target (symlinks).
struct Snapshot {
    enum Entry: Equatable {
        case file(Data), directory, symlink(String), fifo, other
    }

    var entries: [(path: String, entry: Entry)] = []
    var paths: Set<String> { Set(entries.map(\.path)) }

    /// Reads the contents of the files in `reading` (all when nil); the others are recorded empty.
    init(_ root: URL, reading: Set<String>? = nil) {
        walk(root, "", reading)
    }

    private mutating func walk(_ root: URL, _ prefix: String, _ reading: Set<String>?) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(prefix).path)) ?? []).sorted()
        for name in names {
            let path = prefix.isEmpty ? name : prefix + "/" + name
            let url = root.appendingPathComponent(path)
            var status = stat()
            guard lstat(url.path, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                let read = reading?.contains(path) ?? true
                entries.append((path, .file(read ? (try? Data(contentsOf: url)) ?? Data() : Data())))
            case S_IFDIR: entries.append((path, .directory)); walk(root, path, reading)
            case S_IFLNK: entries.append((path, .symlink((try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) ?? "")))
            case S_IFIFO: entries.append((path, .fifo))
            default: entries.append((path, .other))
            }
        }
    }

    /// Entries of this snapshot that are missing or different in `later`.
    func losses(comparedWith later: Snapshot) -> [String] {
        entries.compactMap { path, entry in
            guard let now = later.entries.first(where: { $0.path == path })?.entry else { return "\(path) was deleted" }
            guard now != entry else { return nil }
            switch (entry, now) {
            case (.file, .file): return "\(path) was overwritten"
            case (.symlink, .symlink): return "\(path) points elsewhere"
            default: return "\(path) (\(entry.kind)) was replaced by a \(now.kind)"
            }
        }
    }

    /// Regular files of this snapshot that `earlier` does not have.
    func newFiles(since earlier: Snapshot) -> [String] {
        let old = earlier.paths
        return entries.compactMap { path, entry in
            guard case .file = entry, !old.contains(path) else { return nil }
            return path
        }
    }
}

extension Snapshot.Entry {
    var kind: String {
        switch self {
        case .file: return "file"
        case .directory: return "folder"
        case .symlink: return "symlink"
        case .fifo: return "FIFO"
        case .other: return "special file"
        }
    }
}
