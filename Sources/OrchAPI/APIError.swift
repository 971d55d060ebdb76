import OrchHTTPServer
import OrchSQLite
import OrchStore

/// An error a handler answers with: an HTTP status and a message that names the thing and what to do.
public struct APIError: Error, CustomStringConvertible, Sendable {
    public let status: Int
    public let message: String

    public init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status): \(message)" }

    static func badRequest(_ message: String) -> APIError { APIError(400, message) }
    static func notFound(_ message: String) -> APIError { APIError(404, message) }
    static func conflict(_ message: String) -> APIError { APIError(409, message) }

    /// The JSON response `{"status": ..., "message": ...}` for any error a handler threw.
    static func response(for error: Error) -> HTTPResponse {
        switch error {
        case let e as APIError:
            return .error(e.status, e.message)
        case let e as StoreError:
            switch e {
            case .notFound: return .error(404, e.description)
            case .conflict: return .error(409, e.description)
            case .invalid: return .error(400, e.description)
            }
        case let e as SQLiteError where e.code & 0xff == 13:
            return .error(507, "not saved: the file system of ORCH_HOME is full (\(e.message)); free space there")
        default:
            return .error(500, "internal error: \(error)")
        }
    }
}
