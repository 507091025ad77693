import Diagnostics
import Foundation

/// Why an input file could not be read: always the user's to fix.
public struct FileReadError: UserFacingError, Equatable {
    public var path: String
    public var reason: String
    public var category: ErrorCategory { .invalidInput }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot read \(path): \(reason)" }
}

/// Reading the files frg is given (configurations, measurements) with a plain reason when it
/// cannot: what the path is instead ("it is a folder"), or the system's words ("permission
/// denied"), never a Foundation error.
public enum InputFile {
    /// The largest input frg reads. Its configurations and measurements are kilobytes to
    /// megabytes; anything near this size is a mistaken path, refused before it is read into memory.
    public static let maximumBytes = 1 << 30

    /// The bytes of the regular file at `path`. `expected` names what it should be, for the
    /// messages ("a YAML configuration file"). A folder, device, FIFO or socket is refused without
    /// being opened for reading (a FIFO would block, a device might never end); so is a file of
    /// more than `limit` bytes, before it is read.
    public static func read(_ path: String, expected: String, maximumBytes limit: Int = maximumBytes) throws -> Data {
        func refused(_ reason: String) -> FileReadError { FileReadError(path: path, reason: reason) }
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            throw refused(code == ENOENT ? "it does not exist" : code == ENOTDIR ? "a folder on its path is a file" : plain(code))
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw refused("it is \(AtomicFile.kind(status) ?? "not a regular file"); expected \(expected)")
        }
        guard status.st_size <= limit else {
            throw refused("it has \(status.st_size) bytes, more than the \(limit) frg reads as \(expected)")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw refused(plain(errno)) }
        defer { close(descriptor) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw refused(plain(errno))
            }
            data.append(contentsOf: buffer[0..<count])
            guard data.count <= limit else { throw refused("it grew beyond \(limit) bytes while being read") }
        }
    }
}
