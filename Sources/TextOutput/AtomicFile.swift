import Diagnostics
import Foundation

/// Why an output file could not be written.
public struct FileWriteError: UserFacingError, Equatable {
    public var path: String
    public var reason: String
    public var category: ErrorCategory

    public init(path: String, reason: String, category: ErrorCategory = .runFailed) {
        self.path = path
        self.reason = reason
        self.category = category
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

/// One file on disk whatever the spelling of its path: its device and inode. `a.yaml`,
/// `./a.yaml`, a hard link to it and a symbolic link to it are the same file.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    /// The file `path` names (symbolic links followed: the file a reader gets), nil when there is none.
    public init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        self.init(status)
    }

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}

/// Where frg may write, and writing there so that a reader never sees half of a file. Every file
/// frg writes goes through here; the policy:
///
/// - A destination is a new name or an existing regular file. A symbolic link, a folder, a
///   device, a FIFO or a socket is refused, never replaced nor written through.
/// - A destination is never a file the run reads (`inputs`: the same device and inode, so any
///   spelling or hard link of an input is caught), nor a file in a folder the run reads.
/// - Missing folders on the way are created when the nearest existing one is a folder the user
///   can write, but never at the filesystem root. The folders created are returned: this is a
///   library and says nothing, the command line tells the user.
/// - The bytes go to a temporary file in the destination's folder, which is then renamed over the
///   destination (`rename(2)` is atomic within a file system).
///
/// A refused destination is `.invalidInput` (the user names another path), as are a missing
/// permission and a read-only file system; a write that fails underway (no space left on the
/// device) is `.runFailed`. Every reason is one plain phrase (the system's own words for an
/// errno), never a Foundation error.
public enum AtomicFile {
    /// Checks that `path` may be written, touching nothing; returns the folders writing it would
    /// create. `inputs` are the files (or saved run folders) the run reads.
    @discardableResult
    public static func check(_ path: String, inputs: [String] = []) throws -> [String] {
        func refused(_ reason: String) -> FileWriteError { FileWriteError(path: path, reason: reason, category: .invalidInput) }
        var status = stat()
        guard lstat(path, &status) == 0 else {
            let code = errno
            guard code == ENOENT || code == ENOTDIR else { throw failure(path, code) }
            return try missingFolders(from: parent(of: path), for: path)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            // `-o /dev/stdout` is how other tools spell stdout; frg's spelling is `-`.
            let stream = ["/dev/stdout", "/dev/stderr", "/dev/fd/1", "/dev/fd/2", "/proc/self/fd/1", "/proc/self/fd/2"].contains(path)
            throw refused("it is \(kind(status) ?? "not a regular file"), which frg never replaces; give a regular file or a new name"
                          + (stream ? " (for standard output: -o -)" : ""))
        }
        let identity = FileIdentity(status)
        let folder = FileIdentity(path: parent(of: path))
        for input in inputs {
            let read = FileIdentity(path: input)
            if read == identity {
                throw refused((input == path ? "it is" : "it is \(input),") + " a file this run reads; choose another output file")
            }
            if let folder, read == folder {
                throw refused("it is in the folder \(input), which this run reads; choose another output file")
            }
        }
        guard access(path, W_OK) == 0 else { throw failure(path, errno) }
        return try missingFolders(from: parent(of: path), for: path)
    }

    /// Writes `text` as UTF-8 under the policy above; returns the folders it created.
    @discardableResult
    public static func write(_ text: String, to path: String, inputs: [String] = []) throws -> [String] {
        try write(Data(text.utf8), to: path, inputs: inputs)
    }

    /// Writes `data` under the policy above; returns the folders it created.
    @discardableResult
    public static func write(_ data: Data, to path: String, inputs: [String] = []) throws -> [String] {
        let created = try makeFolders(try check(path, inputs: inputs), for: path)
        let temporary = parent(of: path) + "/.\(name(of: path)).\(UUID().uuidString).tmp"
        if let code = writeNewFile(temporary, data) {
            unlink(temporary)
            throw failure(path, code)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw failure(path, code)
        }
        return created
    }

    /// Checks a folder frg writes files into (`--csv`, `--output-dir`, state and cache folders),
    /// touching nothing: an existing folder the user can write (a symbolic link to one is fine: its
    /// files are what is written), or a new one under the rules above. Returns the folders it
    /// would create, itself included.
    @discardableResult
    public static func checkFolder(_ path: String) throws -> [String] {
        let path = trimmed(path)
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            guard code == ENOENT || code == ENOTDIR else { throw failure(path, code) }
            return try missingFolders(from: path, for: path)
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw FileWriteError(path: path, reason: "it is \(kind(status) ?? "a file"), not a folder; give a folder or a new name",
                                 category: .invalidInput)
        }
        guard access(path, W_OK | X_OK) == 0 else { throw failure(path, errno) }
        return []
    }

    /// Makes sure the folder `path` exists, by the rules of `checkFolder`; returns the folders it
    /// created.
    @discardableResult
    public static func createFolder(_ path: String) throws -> [String] {
        try makeFolders(try checkFolder(path), for: trimmed(path))
    }

    // MARK: The rules

    /// What a file is, for messages ("a folder"); nil for a kind without a name.
    static func kind(_ status: stat) -> String? {
        switch status.st_mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFLNK: return "a symbolic link"
        case S_IFDIR: return "a folder"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFSOCK: return "a socket"
        default: return nil
        }
    }

    /// The folders from `folder` up to the nearest existing one that are missing, outermost first,
    /// when frg may create them; throws when it may not or when a file is in the way.
    static func missingFolders(from folder: String, for path: String) throws -> [String] {
        func refused(_ reason: String) -> FileWriteError { FileWriteError(path: path, reason: reason, category: .invalidInput) }
        var missing: [String] = []
        var current = folder
        var status = stat()
        while stat(current, &status) != 0 {
            let code = errno
            guard code == ENOENT || code == ENOTDIR else { throw failure(path, code) }
            if lstat(current, &status) == 0 { throw refused("\(current) is a symbolic link to nothing") }
            missing.insert(current, at: 0)
            let up = parent(of: current)
            guard up != current else { throw failure(path, code) }
            current = up
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw refused("\(current) is \(kind(status) ?? "a file"), not a folder") }
        guard let outermost = missing.first else {
            guard access(current, W_OK | X_OK) == 0 else {
                let code = errno
                throw FileWriteError(path: path, reason: "cannot write in the folder \(current) (\(plain(code)))", category: category(code))
            }
            return []
        }
        if FileIdentity(status) == FileIdentity(path: "/") {
            throw refused("the folder \(outermost) does not exist, and frg does not create folders at the filesystem root")
        }
        guard access(current, W_OK | X_OK) == 0 else {
            let reason = plain(errno)
            throw refused("the folder \(outermost) does not exist and cannot be created in \(current) (\(reason))")
        }
        return missing
    }

    /// Creates `folders` in order; returns them.
    static func makeFolders(_ folders: [String], for path: String) throws -> [String] {
        for folder in folders where mkdir(folder, 0o777) != 0 && errno != EEXIST {
            let code = errno
            throw FileWriteError(path: path, reason: "cannot create the folder \(folder): \(plain(code))",
                                 category: category(code))
        }
        return folders
    }

    /// The error for a system call that failed on `path` with `code`.
    static func failure(_ path: String, _ code: Int32) -> FileWriteError {
        FileWriteError(path: path, reason: plain(code), category: category(code))
    }

    /// Permissions, read-only file systems and impossible names are the user's to change; anything
    /// else (no space left, an I/O error) is a run that failed.
    static func category(_ code: Int32) -> ErrorCategory {
        [EACCES, EPERM, EROFS, ENAMETOOLONG, ENOTDIR, EISDIR, ELOOP, EEXIST].contains(code) ? .invalidInput : .runFailed
    }

    /// The folder a path is in (`.` for a bare name).
    static func parent(of path: String) -> String {
        let path = trimmed(path)
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : trimmed(String(path[..<slash]))
    }

    /// The last component of a path.
    static func name(of path: String) -> String {
        let path = trimmed(path)
        return path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }

    /// The path without trailing slashes (the root stays `/`).
    static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }
}

/// The system's words for an errno, as a phrase: "no space left on device".
func plain(_ code: Int32) -> String {
    let text = String(cString: strerror(code))
    return text.prefix(1).lowercased() + text.dropFirst()
}

/// Creates the file `path` (it must not exist) holding `data`; returns the errno of a failure.
private func writeNewFile(_ path: String, _ data: Data) -> Int32? {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { return errno }
    var failed: Int32?
    data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failed = errno
                return
            }
            offset += written
        }
    }
    // A full disk may only show when the file is closed.
    if close(descriptor) != 0, failed == nil { failed = errno }
    return failed
}
