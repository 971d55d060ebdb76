import Foundation
import OrchStore

/// Where orch sends OpenLineage run events: off unless a URL is configured. Built from `ORCH_HOME/orch.json`
/// (`"openlineage": {"url": "…", "api_key": "…", "namespace": "…"}`) with the environment over it key by key
/// (`ORCH_OPENLINEAGE_URL`, `ORCH_OPENLINEAGE_API_KEY`, `ORCH_OPENLINEAGE_NAMESPACE`). The API key travels as
/// `Authorization: Bearer <key>` (what OpenLineage's HTTP transport sends); it is never stored in the outbox,
/// logged, or shown by ``description``.
public struct OpenLineageConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// The full endpoint, e.g. `http://marquez:5000/api/v1/lineage`; nil = off.
    public var url: String?
    public var apiKey: String?
    /// The namespace of orch's jobs (each task is the job `<dag>.<task>` in it).
    public var namespace: String

    public static let defaultNamespace = "orch"

    public init(url: String? = nil, apiKey: String? = nil, namespace: String = OpenLineageConfiguration.defaultNamespace) {
        self.url = url
        self.apiKey = apiKey
        self.namespace = namespace
    }

    public var isEnabled: Bool { url != nil }

    /// The headers a POST to `target` carries besides orch's own: the API key, only to the configured URL.
    public func headers(for target: String) -> [(String, String)] {
        guard let apiKey, target == url else { return [] }
        return [("Authorization", "Bearer \(apiKey)")]
    }

    public var description: String {
        guard let url else { return "openlineage: off" }
        return "openlineage: \(redactedWebhookTarget(url)), namespace \(namespace), api key \(apiKey == nil ? "not set" : "set")"
    }

    /// Reads the file's `"openlineage"` object (when the file exists), then the environment; validated.
    public static func load(environment env: [String: String], configFile: String?) throws -> OpenLineageConfiguration {
        var c = OpenLineageConfiguration()
        if let configFile, let data = FileManager.default.contents(atPath: configFile) {
            try c.apply(file: data, path: configFile)
        }
        if let v = env["ORCH_OPENLINEAGE_URL"] { c.url = v.isEmpty ? nil : v }
        if let v = env["ORCH_OPENLINEAGE_API_KEY"], !v.isEmpty { c.apiKey = v }
        if let v = env["ORCH_OPENLINEAGE_NAMESPACE"], !v.isEmpty { c.namespace = v }
        try c.validate()
        return c
    }

    mutating func apply(file data: Data, path: String) throws {
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw AlertConfigurationError("\(path) is not a JSON object; fix its syntax (it holds orch's settings)")
        }
        guard let value = root["openlineage"] else { return }
        guard let o = value as? [String: Any] else {
            throw AlertConfigurationError("\"openlineage\" in \(path) must be an object like {\"url\": \"http://…/api/v1/lineage\"}")
        }
        let known: Set<String> = ["url", "api_key", "namespace"]
        if let unknown = o.keys.first(where: { !known.contains($0) }) {
            throw AlertConfigurationError("unknown key \"openlineage.\(unknown)\" in \(path); known keys: \(known.sorted().joined(separator: ", "))")
        }
        for key in known where o[key] != nil && !(o[key] is String) {
            throw AlertConfigurationError("\"openlineage.\(key)\" in \(path) must be a string")
        }
        url = (o["url"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        apiKey = o["api_key"] as? String
        if let n = o["namespace"] as? String { namespace = n }
    }

    public func validate() throws {
        if let url { try AlertConfiguration.checkURL(url, setting: "OpenLineage URL (ORCH_OPENLINEAGE_URL or openlineage.url)") }
        if let apiKey, apiKey.isEmpty || apiKey.contains(where: { $0.isNewline }) {
            throw AlertConfigurationError("the OpenLineage API key is empty or spans lines; unset it or give one line (ORCH_OPENLINEAGE_API_KEY or openlineage.api_key)")
        }
        if namespace.trimmingCharacters(in: .whitespaces).isEmpty {
            throw AlertConfigurationError("the OpenLineage namespace is empty; leave it out for \"orch\" (ORCH_OPENLINEAGE_NAMESPACE or openlineage.namespace)")
        }
    }
}
