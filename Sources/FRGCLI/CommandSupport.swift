import ArgumentParser
import Foundation

/// Exit codes of every `frg` subcommand.
public enum ExitStatus {
    /// Bad flags, impossible combinations, invalid configuration files.
    public static let usage: Int32 = 2
    /// The run itself failed (for example a CVODE error).
    public static let failure: Int32 = 1
}

/// Prints `frg <command>: error: <message>` on stderr and returns the exit code to throw.
func fail(_ command: String, _ message: String, status: Int32) -> ExitCode {
    fflush(stdout)
    FileHandle.standardError.write(Data("frg \(command): error: \(message)\n".utf8))
    return ExitCode(status)
}

/// Writes a line to stderr (progress and notes, never results).
func note(_ message: String) {
    // Results printed so far reach the terminal first.
    fflush(stdout)
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Whether stderr is a terminal (progress lines are only drawn there).
var stderrIsTerminal: Bool { isatty(FileHandle.standardError.fileDescriptor) != 0 }
