/// Why ``HTTPClient/send(_:)`` produced no response.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// Could not resolve or connect, or the connection broke before a complete response.
        case connectionFailed
        /// The connect or overall timeout passed.
        case timeout
        /// The URL is malformed or not http/https.
        case invalidURL
        /// Anything else (bad header, response too large, TLS, ...); see `message`.
        case other
    }

    public let kind: Kind
    public let message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "HTTP client error (\(kind)): \(message)" }
}
