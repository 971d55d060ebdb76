import Foundation

extension AlertConfiguration {
    /// Reads the `"alerts"` object of `configFile` (when the file exists), then lets the environment override
    /// it key by key: `ORCH_ALERT_WEBHOOKS` (comma-separated URLs), `ORCH_ALERT_SECRET`, `ORCH_ALERT_TIMEOUT`
    /// (seconds), `ORCH_ALERT_MAX_AGE_HOURS`, `ORCH_BASE_URL`. The result is validated.
    ///
    /// File form: `{"alerts": {"webhooks": ["https://…"], "secret": "…", "timeout_seconds": 10,
    /// "max_age_hours": 24, "base_url": "http://127.0.0.1:8080"}}`.
    public static func load(environment: [String: String], configFile: String?) throws -> AlertConfiguration {
        var config = AlertConfiguration()
        if let configFile, let data = FileManager.default.contents(atPath: configFile) {
            try config.apply(file: data, path: configFile)
        }
        try config.apply(environment: environment)
        try config.validate()
        return config
    }

    mutating func apply(file data: Data, path: String) throws {
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw AlertConfigurationError("\(path) is not a JSON object; fix its syntax (it holds orch's settings)")
        }
        guard let value = root["alerts"] else { return }
        guard let alerts = value as? [String: Any] else {
            throw AlertConfigurationError("\"alerts\" in \(path) must be an object like {\"webhooks\": [\"https://…\"]}")
        }
        let known: Set<String> = ["webhooks", "secret", "timeout_seconds", "max_age_hours", "base_url"]
        if let unknown = alerts.keys.first(where: { !known.contains($0) }) {
            throw AlertConfigurationError("unknown key \"alerts.\(unknown)\" in \(path); known keys: \(known.sorted().joined(separator: ", "))")
        }
        if let v = alerts["webhooks"] {
            guard let list = v as? [String] else {
                throw AlertConfigurationError("\"alerts.webhooks\" in \(path) must be an array of URL strings")
            }
            webhooks = list
        }
        if let v = alerts["secret"] {
            guard let s = v as? String else { throw AlertConfigurationError("\"alerts.secret\" in \(path) must be a string") }
            secret = s
        }
        if let v = alerts["timeout_seconds"] {
            guard let n = v as? Double else { throw AlertConfigurationError("\"alerts.timeout_seconds\" in \(path) must be a number") }
            timeoutSeconds = n
        }
        if let v = alerts["max_age_hours"] {
            guard let n = v as? Double else { throw AlertConfigurationError("\"alerts.max_age_hours\" in \(path) must be a number") }
            maxAgeHours = n
        }
        if let v = alerts["base_url"] {
            guard let s = v as? String else { throw AlertConfigurationError("\"alerts.base_url\" in \(path) must be a string") }
            baseURL = s
        }
    }

    mutating func apply(environment env: [String: String]) throws {
        if let v = env["ORCH_ALERT_WEBHOOKS"] {
            webhooks = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let v = env["ORCH_ALERT_SECRET"], !v.isEmpty { secret = v }
        if let v = env["ORCH_ALERT_TIMEOUT"], !v.isEmpty {
            guard let n = Double(v) else {
                throw AlertConfigurationError("ORCH_ALERT_TIMEOUT='\(v)' is not a number of seconds; use e.g. ORCH_ALERT_TIMEOUT=10")
            }
            timeoutSeconds = n
        }
        if let v = env["ORCH_ALERT_MAX_AGE_HOURS"], !v.isEmpty {
            guard let n = Double(v) else {
                throw AlertConfigurationError("ORCH_ALERT_MAX_AGE_HOURS='\(v)' is not a number of hours; use e.g. ORCH_ALERT_MAX_AGE_HOURS=24")
            }
            maxAgeHours = n
        }
        if let v = env["ORCH_BASE_URL"], !v.isEmpty { baseURL = v }
    }
}
