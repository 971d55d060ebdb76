import Foundation

/// What a handler answers. ``HTTPServer`` adds `Content-Length` itself and `X-Content-Type-Options: nosniff`
/// unless the handler set it.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Response headers by name. Names are sent as written here.
    public var headers: [String: String]
    public var body: [UInt8]
    /// Set by ``deferred(_:)``: the real answer comes later (status, headers and body here are not sent).
    public var deferred: DeferredResponse?

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response from already encoded bytes.
    public static func json(_ status: Int = 200, _ data: Data) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: [UInt8](data))
    }

    /// A JSON response encoding `value` (keys sorted, so output is stable). An encoding failure becomes a 500.
    public static func json<T: Encodable>(_ status: Int = 200, encoding value: T) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return json(status, try encoder.encode(value))
        } catch {
            return .error(500, "could not encode the response as JSON: \(error)")
        }
    }

    /// A plain-text UTF-8 response.
    public static func text(_ status: Int, _ s: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(s.utf8))
    }

    /// A JSON error body `{"message": ..., "status": ...}`.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
        json(status, encoding: ErrorBody(status: status, message: message))
    }

    /// The value of the header `name`, matched case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.key.lowercased() == lower }?.value
    }
}

private struct ErrorBody: Encodable {
    let status: Int
    let message: String
}
