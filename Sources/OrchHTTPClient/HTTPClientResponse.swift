/// A complete response. Any status, including 4xx and 5xx, is a response, not an error.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// Headers with lower-cased names; repeated headers are joined with `", "`.
    public var headers: [String: String]
    public var body: [UInt8]
    /// Wall time of the whole exchange as measured by libcurl.
    public var durationSeconds: Double

    public init(status: Int, headers: [String: String], body: [UInt8], durationSeconds: Double) {
        self.status = status
        self.headers = headers
        self.body = body
        self.durationSeconds = durationSeconds
    }

    /// The value of the header `name`, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}
