import Foundation

/// Named connections, as Airflow has them: tasks and dashboards name a connection (`warehouse`), the operator says
/// where it points, and the secret stays in one place.
///
/// Where a name is looked up, first match wins:
/// 1. the environment variable `ORCH_CONN_<NAME>` (upper case, `-` read as `_`), e.g. `ORCH_CONN_WAREHOUSE`;
/// 2. `ORCH_HOME/connections.json`: `{"warehouse": "postgresql://…"}` or `{"warehouse": {"url": "postgresql://…"}}`;
/// 3. for `warehouse` only, `ORCH_WAREHOUSE_DSN` (the variable earlier versions read);
/// 4. the default the DAG bundle declares for local development (``ConnectionDefault``).
///
/// The URL is a libpq connection string (URL or `key=value` form). It is a secret: ``redacted(_:)`` is the only
/// form that may reach the browser, an API answer or a log line. Pure: the environment and the file's bytes are
/// parameters.
public struct NamedConnections: Sendable {
    public struct Resolved: Sendable, Equatable {
        public let name: String
        /// The connection string. Secret.
        public let url: String
        /// Where it came from, e.g. `env ORCH_CONN_WAREHOUSE`, safe to show.
        public let source: String
    }

    private let entries: [String: Resolved]

    /// `configFile` is the content of `ORCH_HOME/connections.json` (nil when there is none).
    public init(environment: [String: String], configFile: Data? = nil,
                defaults: [ConnectionDefault] = []) throws(ConnectionsError) {
        var entries: [String: Resolved] = [:]
        for d in defaults {
            entries[d.name] = Resolved(name: d.name, url: d.url, source: "default declared by the DAG bundle")
        }
        if let legacy = environment["ORCH_WAREHOUSE_DSN"], !legacy.isEmpty {
            entries["warehouse"] = Resolved(name: "warehouse", url: legacy, source: "env ORCH_WAREHOUSE_DSN")
        }
        if let configFile {
            for (name, url) in try Self.parse(configFile) {
                entries[name] = Resolved(name: name, url: url, source: "ORCH_HOME/connections.json")
            }
        }
        for (key, value) in environment where key.hasPrefix("ORCH_CONN_") && key.count > 10 && !value.isEmpty {
            let raw = String(key.dropFirst(10))
            // ORCH_CONN_WAREHOUSE names `warehouse`; an existing name of another spelling keeps its spelling.
            let name = entries.keys.first { Self.envKey($0) == key } ?? raw.lowercased()
            entries[name] = Resolved(name: name, url: value, source: "env \(key)")
        }
        self.entries = entries
    }

    /// The connection called `name`, or nil.
    public func resolve(_ name: String) -> Resolved? { entries[name] }

    /// Every name known, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The environment variable that names `name`.
    public static func envKey(_ name: String) -> String {
        "ORCH_CONN_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// A connection string with its password hidden (URL and key=value forms), for messages.
    public static func redacted(_ url: String) -> String { SecretMask.maskText(url) }

    static func parse(_ data: Data) throws(ConnectionsError) -> [(String, String)] {
        guard let object = try? JSONSerialization.jsonObject(with: data), let dict = object as? [String: Any] else {
            throw ConnectionsError("ORCH_HOME/connections.json is not a JSON object of name → connection string")
        }
        var out: [(String, String)] = []
        for (name, value) in dict.sorted(by: { $0.key < $1.key }) {
            if let url = value as? String {
                out.append((name, url))
            } else if let entry = value as? [String: Any], let url = entry["url"] as? String {
                out.append((name, url))
            } else {
                throw ConnectionsError("ORCH_HOME/connections.json: '\(name)' must be a connection string or "
                    + "{\"url\": \"…\"}")
            }
        }
        return out
    }
}

/// A connection a DAG bundle uses, with the URL to try when the operator configured none (local development).
public struct ConnectionDefault: Sendable, Codable, Equatable {
    public var name: String
    public var url: String
    public init(_ name: String, url: String) {
        self.name = name
        self.url = url
    }
}

public struct ConnectionsError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
