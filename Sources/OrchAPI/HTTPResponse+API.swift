import Foundation
import OrchHTTPServer

extension HTTPResponse {
    /// A JSON answer of the API. Keys are sorted: Foundation's encoder on Linux writes an object's keys in
    /// hash order, which differs between two encodings of the same value, so the same answer would read
    /// differently each time (and a page that compares answers would redraw on every poll). The large answers
    /// (runs pages, the grid) are ``FastJSON`` and write their keys in a fixed order themselves. An encoding
    /// failure becomes a 500.
    static func api<T: Encodable>(_ value: T) -> HTTPResponse { api(200, value) }

    static func api<T: Encodable>(_ status: Int, _ value: T) -> HTTPResponse {
        if let fast = value as? FastJSON {
            var writer = JSONWriter()
            fast.write(to: &writer)
            return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: writer.bytes)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return .json(status, try encoder.encode(value))
        } catch {
            return .error(500, "could not encode the response as JSON: \(error)")
        }
    }
}
