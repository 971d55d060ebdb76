/// One HTTP request as a handler sees it: the body is fully read, the path is percent-decoded and valid UTF-8.
public struct HTTPRequest: Sendable {
    /// The method as sent, e.g. `GET`.
    public var method: String
    /// The percent-decoded path without the query, e.g. `/api/v1/dags/a b`.
    public var path: String
    /// Query parameters, decoded (`+` is a space). A repeated name joins its values with commas (`a,b`).
    public var query: [String: String]
    /// Request headers with lower-cased names. Repeated headers are joined with `", "`.
    public var headers: [String: String]
    /// The request body (empty when there is none).
    public var body: [UInt8]
    /// Values captured by a ``Router`` pattern such as `{dag_id}`.
    public var pathParameters: [String: String]
    /// The peer's IP address, when known.
    public var remoteAddress: String?

    public init(method: String = "GET", path: String, query: [String: String] = [:], headers: [String: String] = [:],
                body: [UInt8] = [], pathParameters: [String: String] = [:], remoteAddress: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = [:]
        for (name, value) in headers { self.headers[name.lowercased()] = value }
        self.body = body
        self.pathParameters = pathParameters
        self.remoteAddress = remoteAddress
    }

    /// The value of the header `name`, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}
