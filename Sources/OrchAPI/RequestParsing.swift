import Foundation
import OrchCore
import OrchHTTPServer

/// Reading query parameters, path parameters and JSON bodies, each failure a 400 naming the parameter.
extension HTTPRequest {
    /// A path parameter captured by the route (always present for the routes that declare it).
    func path(_ name: String) -> String {
        pathParameters[name] ?? ""
    }

    /// An integer query parameter within `range`, or `defaultValue` when absent.
    func intQuery(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = query[name] else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.badRequest("query parameter '\(name)' must be an integer from \(range.lowerBound) to "
                + "\(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// A date query parameter (ISO 8601 or YYYY-MM-DD), or nil when absent.
    func dateQuery(_ name: String) throws -> Date? {
        guard let text = query[name] else { return nil }
        do { return try ISODate.parse(text) } catch {
            throw APIError.badRequest("query parameter '\(name)': \(error)")
        }
    }

    /// A comma-separated list of enum values, e.g. `state=failed,running`; empty when absent.
    func enumListQuery<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type) throws -> [E]
    where E.RawValue == String {
        guard let text = query[name], !text.isEmpty else { return [] }
        return try text.split(separator: ",").map { part in
            guard let value = E(rawValue: String(part)) else {
                let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.badRequest("query parameter '\(name)' has unknown value '\(part)'; use \(allowed)")
            }
            return value
        }
    }

    /// A positive integer path parameter (try numbers, alert ids).
    func intPath(_ name: String) throws -> Int {
        let text = path(name)
        guard let value = Int(text), value >= 1 else {
            throw APIError.badRequest("path parameter '\(name)' must be a positive integer, got '\(text)'")
        }
        return value
    }

    /// The body as a JSON object; an empty body is an empty object.
    func jsonObject() throws -> [String: JSONValue] {
        if body.isEmpty || body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw APIError.badRequest("request body is not UTF-8 text; send a JSON object")
        }
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch {
            throw APIError.badRequest("request body is not valid JSON (\(error)); send a JSON object like {\"conf\": {}}")
        }
        guard let object = value.objectValue else {
            throw APIError.badRequest("request body must be a JSON object, like {\"conf\": {}}")
        }
        return object
    }
}

/// Field access on a decoded JSON body, with 400s naming the field.
extension Dictionary where Key == String, Value == JSONValue {
    func rejectUnknown(allowed: Set<String>) throws {
        for key in keys where !allowed.contains(key) {
            throw APIError.badRequest("unknown field '\(key)' in the request body; allowed: "
                + allowed.sorted().joined(separator: ", "))
        }
    }

    func string(_ name: String) throws -> String? {
        guard let value = self[name], value != .null else { return nil }
        guard let s = value.stringValue else { throw APIError.badRequest("field '\(name)' must be a string") }
        return s
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = self[name], value != .null else { return nil }
        guard let b = value.boolValue else { throw APIError.badRequest("field '\(name)' must be true or false") }
        return b
    }

    func object(_ name: String) throws -> [String: JSONValue]? {
        guard let value = self[name], value != .null else { return nil }
        guard let o = value.objectValue else { throw APIError.badRequest("field '\(name)' must be a JSON object") }
        return o
    }

    func stringArray(_ name: String) throws -> [String]? {
        guard let value = self[name], value != .null else { return nil }
        guard let a = value.arrayValue, a.allSatisfy({ $0.stringValue != nil }) else {
            throw APIError.badRequest("field '\(name)' must be an array of strings")
        }
        return a.compactMap(\.stringValue)
    }
}
