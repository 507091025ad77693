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

/// Writes files so that a reader never sees half of one: the bytes go to a temporary file in the
/// destination's folder, which is then renamed over the destination (`rename(2)` is atomic within
/// a file system). Missing folders are created. A destination that exists and is not a regular
/// file (a directory, a device, a FIFO) is refused, never replaced.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        var status = stat()
        if stat(url.path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG {
            throw FileWriteError(path: path, reason: "it exists and is not a regular file", category: .invalidInput)
        }
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw FileWriteError(path: path, reason: "cannot create the folder \(directory.path): \(error.localizedDescription)")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw FileWriteError(path: path, reason: error.localizedDescription)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw FileWriteError(path: path, reason: reason)
        }
    }
}
