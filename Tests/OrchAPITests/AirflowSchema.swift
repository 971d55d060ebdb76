import Foundation
import OrchCore

/// Checks JSON values against the OpenAPI 3.1 schemas of a document (Airflow's style: `anyOf` with
/// `{"type": "null"}` for nullable fields). Required fields must be present, present fields must match, and a
/// field the schema does not describe is reported (Airflow's client models are strict).
struct AirflowSchema {
    let document: [String: Any]

    var paths: [String: [String: Any]] { document["paths"] as? [String: [String: Any]] ?? [:] }

    func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String else { return schema }
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        return schemas?[String(ref.split(separator: "/").last ?? "")] as? [String: Any] ?? [:]
    }

    /// The schema of `method path`'s `status` answer.
    func responseSchema(_ method: String, _ path: String, _ status: Int) -> [String: Any]? {
        let op = paths[path]?[method] as? [String: Any]
        let response = (op?["responses"] as? [String: Any])?[String(status)] as? [String: Any]
        let content = (response?["content"] as? [String: Any])?["application/json"] as? [String: Any]
        return content?["schema"] as? [String: Any]
    }

    /// The problems of `value` against `schema` (empty when it matches).
    func problems(_ value: JSONValue, _ schema: [String: Any], at place: String = "$") -> [String] {
        let schema = resolve(schema)
        if let options = schema["anyOf"] as? [[String: Any]] {
            let all = options.map { problems(value, $0, at: place) }
            return all.contains(where: \.isEmpty) ? [] : ["\(place) matches no anyOf option: \(Array(all.joined().prefix(3)))"]
        }
        if let allowed = schema["enum"] as? [String] {
            guard let text = value.stringValue, allowed.contains(text) else { return ["\(place) = \(value) is not one of \(allowed)"] }
        }
        switch (schema["type"] as? String, value) {
        case ("null", .null), ("string", .string), ("boolean", .bool), ("number", .number): return []
        case ("integer", .number(let n)) where n.rounded() == n: return []
        case ("array", .array(let array)):
            guard let items = schema["items"] as? [String: Any] else { return [] }
            return array.enumerated().flatMap { problems($1, items, at: "\(place)[\($0)]") }
        case ("object", .object(let object)):
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            var out = (schema["required"] as? [String] ?? []).filter { object[$0] == nil }.map { "\(place) lacks '\($0)'" }
            for (name, field) in object {
                if let fieldSchema = properties[name] {
                    out += problems(field, fieldSchema, at: "\(place).\(name)")
                } else if !properties.isEmpty, schema["additionalProperties"] == nil {
                    out.append("\(place) has undocumented field '\(name)'")
                }
            }
            return out
        case (nil, _): return []
        case (let type?, _): return ["\(place) = \(value) is not of type \(type)"]
        }
    }
}
