// stdio's `stdout` is a C global that Swift 6 sees as shared mutable state; it is only read here,
// once, after the command has run, on the main thread.
@preconcurrency import Glibc

/// Flushes stdout and says why results written to it were lost (a full disk, a closed pipe), or
/// nil when everything reached it: stdio reports a failed write only through the stream's error
/// flag and the flush's return value.
func standardOutputFailure() -> String? {
    let flushFailed = fflush(stdout) != 0
    let code = errno
    guard flushFailed || ferror(stdout) != 0 else { return nil }
    switch code {
    case ENOSPC: return "no space left on device"
    case EPIPE: return "the reader closed the pipe"
    default: return String(cString: strerror(code))
    }
}

/// Clears stdout's error flag (tests that write to a full device reuse the stream afterwards).
func clearStandardOutputError() {
    clearerr(stdout)
}
