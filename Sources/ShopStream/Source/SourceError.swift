/// Why fetching or reading the source failed. The message names the resource, URL or file and the reason.
public struct SourceError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The server kept failing (5xx, 429, timeouts, connection errors) until attempts ran out.
        case unavailable
        /// The server answered with a status that retrying cannot fix (e.g. 404).
        case rejected
        /// A page was not the documented shape.
        case malformedPage
        /// A landed file is missing or does not match its manifest.
        case landing
        /// The caller passed a bad argument (e.g. a date that is not YYYY-MM-DD).
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
