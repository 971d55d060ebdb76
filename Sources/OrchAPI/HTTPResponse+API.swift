import Foundation
import OrchHTTPServer

extension HTTPResponse {
    /// A JSON answer of the API. Keys come in declaration order (not sorted: sorting costs more than the rest of
    /// a large grid answer). An encoding failure becomes a 500.
    static func api<T: Encodable>(_ value: T) -> HTTPResponse { api(200, value) }

    static func api<T: Encodable>(_ status: Int, _ value: T) -> HTTPResponse {
        if let fast = value as? FastJSON {
            var writer = JSONWriter()
            fast.write(to: &writer)
            return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: writer.bytes)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            return .json(status, try encoder.encode(value))
        } catch {
            return .error(500, "could not encode the response as JSON: \(error)")
        }
    }
}
