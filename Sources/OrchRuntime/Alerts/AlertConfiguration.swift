import Foundation
import OrchStore

/// Where and how alerts are delivered. Built from the environment and/or `ORCH_HOME/orch.json`
/// (see ``AlertConfiguration/load(environment:configFile:)``). Its description never shows the secret.
public struct AlertConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// Webhook URLs (http or https); every alert goes to each of them.
    public var webhooks: [String]
    /// HMAC-SHA256 key for `X-Orch-Signature`; nil sends unsigned.
    public var secret: String?
    /// Limit for one delivery attempt, seconds.
    public var timeoutSeconds: Double
    /// Past this age an undelivered alert is marked failed, hours.
    public var maxAgeHours: Double
    /// Where the dashboard lives, for links in payloads.
    public var baseURL: String

    public static let defaultBaseURL = "http://127.0.0.1:8080"

    public init(webhooks: [String] = [], secret: String? = nil, timeoutSeconds: Double = 10, maxAgeHours: Double = 24,
                baseURL: String = AlertConfiguration.defaultBaseURL) {
        self.webhooks = webhooks
        self.secret = secret
        self.timeoutSeconds = timeoutSeconds
        self.maxAgeHours = maxAgeHours
        self.baseURL = baseURL
    }

    /// True when at least one webhook is configured.
    public var isEnabled: Bool { !webhooks.isEmpty }

    /// Checks every value; the error names the setting and what to do.
    public func validate() throws {
        for url in webhooks { try Self.checkURL(url, setting: "alert webhook") }
        try Self.checkURL(baseURL, setting: "ORCH_BASE_URL / alerts.base_url")
        guard timeoutSeconds.isFinite, timeoutSeconds > 0, timeoutSeconds <= 600 else {
            throw AlertConfigurationError("alert timeout \(timeoutSeconds) is out of range; use seconds between 0 and 600 (ORCH_ALERT_TIMEOUT or alerts.timeout_seconds)")
        }
        guard maxAgeHours.isFinite, maxAgeHours > 0 else {
            throw AlertConfigurationError("alert max age \(maxAgeHours) must be a positive number of hours (ORCH_ALERT_MAX_AGE_HOURS or alerts.max_age_hours)")
        }
        if let secret, secret.isEmpty {
            throw AlertConfigurationError("the alert secret is empty; unset it or give a non-empty value (ORCH_ALERT_SECRET or alerts.secret)")
        }
    }

    /// The host is read as written (`encodedHost`): `host` decodes international names through ICU, whose data
    /// would then be paged into every `orch run` for a check of the default dashboard URL.
    static func checkURL(_ url: String, setting: String) throws {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"),
              let c = URLComponents(string: url), let host = c.encodedHost, !host.isEmpty else {
            throw AlertConfigurationError("\(setting) '\(redactedWebhookTarget(url))' is not an http(s) URL; write it like https://hooks.example.com/path")
        }
    }

    public var description: String {
        "alerts: \(webhooks.count) webhook(s) \(webhooks.map(redactedWebhookTarget)), secret \(secret == nil ? "not set" : "set"), timeout \(timeoutSeconds) s, max age \(maxAgeHours) h, dashboard \(baseURL)"
    }
}

/// A configuration value orch cannot use; the message names it and says what to do.
public struct AlertConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}
