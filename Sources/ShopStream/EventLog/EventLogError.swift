/// Why the event log refused or failed an operation. The message names the topic, partition and file involved.
public struct EventLogError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A system call failed (open, write, fsync, ...).
        case io
        /// A stored record failed its checksum or framing check.
        case corrupt
        /// The caller asked for something that does not exist or is out of range.
        case invalidArgument
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
