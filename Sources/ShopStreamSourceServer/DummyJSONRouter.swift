import Foundation
import OrchCore
import ShopStream
import OrchHTTPServer

/// Answers GET requests the way dummyjson.com's list and single-record endpoints do (see fixtures/dummyjson/README.md):
/// `{"<resource>": [...], "total": N, "skip": S, "limit": <returned>}`, `limit` default 30, `limit=0` all, a negative
/// limit drops that many from the end, `select=a,b` (users, products, posts), `delay=<ms>` (0...5000), 400/404 JSON
/// errors with the API's messages, an HTML 404 for unknown routes and a 301 for a trailing slash.
/// `sortBy` is accepted but not applied (records stay in id order); `order` is validated.
struct DummyJSONRouter: Sendable {
    let store: FixtureStore

    func respond(to request: HTTPRequest) -> HTTPResponse {
        var path = request.path
        if path.count > 1, path.hasSuffix("/") {
            path.removeLast()
            let query = request.query.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "&")
            return HTTPResponse(status: 301, headers: ["Location": query.isEmpty ? path : path + "?" + query])
        }
        let parts = path.split(separator: "/").map(String.init)
        guard request.method == "GET" || request.method == "HEAD",
              (1...2).contains(parts.count), let resource = SourceResource(rawValue: parts[0]) else {
            return Self.notFoundPage(request.method, request.path)
        }
        let limitText = request.query["limit"], skipText = request.query["skip"]
        guard let limit = limitText.map({ Int($0) }) ?? 30 else { return Self.error(400, "Invalid 'limit' - must be a number") }
        guard let skip = skipText.map({ Int($0) }) ?? 0 else { return Self.error(400, "Invalid 'skip' - must be a number") }
        if let order = request.query["order"], order != "asc", order != "desc" {
            return Self.error(400, "Order can be: 'asc' or 'desc'")
        }
        if let delayText = request.query["delay"] {
            guard let delay = Int(delayText) else { return Self.error(400, "Invalid 'delay' - must be a number") }
            guard delay <= 5000 else { return Self.error(400, "Delay cannot be greater than 5 seconds") }
            guard delay >= 0 else { return Self.error(400, "Delay cannot be less than 0") }
            if delay > 0 { Thread.sleep(forTimeInterval: Double(delay) / 1000) }
        }
        let select = resource == .carts ? nil : request.query["select"].map(Self.selectedKeys)
        let collection = store[resource]
        if parts.count == 2 {
            return single(resource, collection, idText: parts[1], select: select)
        }
        var range = 0..<collection.records.count
        if skip > 0 { range = min(skip, range.upperBound)..<range.upperBound }
        if limit > 0 {
            range = range.lowerBound..<min(range.upperBound, range.lowerBound + limit)
        } else if limit < 0 {
            range = range.lowerBound..<max(range.lowerBound, range.upperBound + limit)
        }
        var body = Array("{\"\(resource.rawValue)\":[".utf8)
        for (n, i) in range.enumerated() {
            if n > 0 { body.append(UInt8(ascii: ",")) }
            body += select.map { Self.project(collection.records[i], keys: $0) } ?? collection.records[i]
        }
        body += Array("],\"total\":\(collection.records.count),\"skip\":\(skip),\"limit\":\(range.count)}".utf8)
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json; charset=utf-8"], body: body)
    }

    private func single(_ resource: SourceResource, _ collection: FixtureStore.Collection, idText: String,
                        select: [String]?) -> HTTPResponse {
        let notFound = Self.error(404, "\(resource.singular) with id '\(idText)' not found")
        guard let id = Int(idText) else {
            if resource == .users || resource == .posts {
                return Self.error(400, "Invalid \(resource.singular.lowercased()) id '\(idText)'")
            }
            return notFound
        }
        guard let index = collection.ids.firstIndex(of: id) else { return notFound }
        let record = collection.records[index]
        let body = select.map { Self.project(record, keys: $0) } ?? record
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json; charset=utf-8"], body: body)
    }

    /// `id` plus the selected keys, values copied byte for byte.
    static func project(_ record: [UInt8], keys: [String]) -> [UInt8] {
        guard let members = try? JSONSpans.objectMembers(record, in: 0..<record.count) else { return record }
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        for (name, value) in members where keys.contains(name) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out += Array("\"\(name)\":".utf8) + record[value]
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func selectedKeys(_ text: String) -> [String] {
        ["id"] + text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        let body = (try? JSONSerialization.data(withJSONObject: ["message": message])) ?? Data()
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json; charset=utf-8"],
                            body: [UInt8](body))
    }

    static func notFoundPage(_ method: String, _ path: String) -> HTTPResponse {
        let escaped = path.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        let html = "<!DOCTYPE html><html><head><title>Not found</title></head>"
            + "<body><pre>Cannot \(method) \(escaped)</pre></body></html>"
        return HTTPResponse(status: 404, headers: ["Content-Type": "text/html; charset=utf-8"], body: Array(html.utf8))
    }
}
