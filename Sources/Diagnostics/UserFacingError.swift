/// Whose fault a failure is: the user's input, or the run itself. It decides the exit status of
/// the command line (2 for bad input, 1 for a failed run) and nothing else.
public enum ErrorCategory: Sendable, Equatable {
    /// A value, file, flag or combination the program cannot accept: the user can fix it.
    case invalidInput
    /// Valid input, but the computation failed (a solver gave up, a file could not be written).
    case runFailed

    /// The exit status of `frg` for errors of this category.
    public var exitStatus: Int32 {
        switch self {
        case .invalidInput: return 2
        case .runFailed: return 1
        }
    }
}

/// An error meant to be read by the person who ran the program.
///
/// Library modules throw typed errors that conform to this protocol: the `description` is one
/// self-contained line (what was wrong, where, what was expected) and `category` says whether the
/// input or the run is to blame. Only the command line turns them into messages and exit
/// statuses, in one place.
public protocol UserFacingError: Error, CustomStringConvertible {
    var category: ErrorCategory { get }
}
