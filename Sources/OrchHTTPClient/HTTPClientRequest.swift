/// A request for ``HTTPClient/send(_:)``.
public struct HTTPClientRequest: Sendable {
    /// The method, e.g. `GET`, `POST`, `DELETE` (letters only).
    public var method: String = "GET"
    /// An absolute `http://` or `https://` URL, sent as written (dot segments are not removed).
    public var url: String
    /// Headers in order. An empty value removes a header curl would add itself (e.g. `("Expect", "")`).
    public var headers: [(String, String)]
    /// The body, or nil for none.
    public var body: [UInt8]?
    /// Whole-exchange limit; past it the call fails with ``HTTPClientError/Kind-swift.enum/timeout``.
    public var timeoutSeconds: Double = 30
    /// Limit for establishing the TCP connection.
    public var connectTimeoutSeconds: Double = 10

    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                timeoutSeconds: Double = 30, connectTimeoutSeconds: Double = 10) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }
}
