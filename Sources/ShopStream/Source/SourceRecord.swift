import Foundation
import OrchCore

/// One source record: its numeric id and its JSON object exactly as the server sent it.
public struct SourceRecord: Sendable, Hashable {
    public let id: Int
    public let json: Data

    public init(id: Int, json: Data) {
        self.id = id
        self.json = json
    }
}

/// One validated list page.
public struct SourcePage: Sendable {
    public let resource: SourceResource
    public let skip: Int
    public let total: Int
    /// The `limit` field of the response (the number of records returned, in DummyJSON).
    public let limit: Int
    public let records: [SourceRecord]
    /// The page body as received (landed byte for byte).
    public let raw: Data

    /// Checks a list page's shape: a JSON object with the resource array, numeric `total`, `skip` and `limit`,
    /// and every record an object with a numeric `id`. Throws ``SourceError`` (`.malformedPage`) naming the page.
    public static func validate(_ data: Data, resource: SourceResource, requestedSkip: Int) throws -> SourcePage {
        let name = resource.rawValue
        func fail(_ what: String) -> SourceError {
            SourceError(.malformedPage, "\(name) page skip=\(requestedSkip): \(what)")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw fail("not valid JSON (\(data.count) bytes; truncated or not JSON)")
        }
        guard let object = parsed as? [String: Any] else { throw fail("expected a JSON object") }
        guard let items = object[name] as? [Any] else { throw fail("expected key '\(name)' to be an array") }
        func integer(_ key: String) throws -> Int {
            guard let n = object[key] as? NSNumber, let v = Int(exactly: n.doubleValue) else {
                throw fail("expected key '\(key)' to be a whole number")
            }
            return v
        }
        let total = try integer("total"), skip = try integer("skip"), limit = try integer("limit")
        guard skip == requestedSkip else { throw fail("'skip' is \(skip) but \(requestedSkip) was requested") }
        guard total >= 0 else { throw fail("'total' is negative (\(total))") }
        var ids: [Int] = []
        ids.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard let record = item as? [String: Any] else { throw fail("record \(i) is not a JSON object") }
            guard let idNumber = record["id"] as? NSNumber, let id = Int(exactly: idNumber.doubleValue) else {
                throw fail("record \(i) has no numeric 'id'")
            }
            ids.append(id)
        }
        let bytes = [UInt8](data)
        guard let spans = try? JSONSpans.memberArrayElements(bytes, key: name), spans.count == ids.count else {
            throw fail("could not locate the records of '\(name)' in the body")
        }
        let records = zip(ids, spans).map { SourceRecord(id: $0, json: Data(bytes[$1])) }
        return SourcePage(resource: resource, skip: skip, total: total, limit: limit, records: records, raw: data)
    }
}

