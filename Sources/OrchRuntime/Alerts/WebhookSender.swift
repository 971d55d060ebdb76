import Dispatch
import Foundation
import OrchHTTPClient
import OrchStore

/// The result of one POST: a status, or an error when no response came. `error` never holds the URL's
/// path or query, nor any header.
public struct WebhookAttempt: Sendable, Equatable {
    public var statusCode: Int?
    public var error: String?
    public var durationMs: Double
    public var isSuccess: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
}

/// POSTs one alert body with orch's headers: `Content-Type`, `X-Orch-Delivery`, `X-Orch-Event` and, with a
/// secret, `X-Orch-Signature`. Blocking libcurl work runs on a Dispatch thread, off Swift's cooperative pool.
public struct WebhookSender: Sendable {
    let client: HTTPClient
    let secret: String?
    let timeoutSeconds: Double

    public init(client: HTTPClient = HTTPClient(maxResponseBytes: 1 << 20), secret: String?, timeoutSeconds: Double) {
        self.client = client
        self.secret = secret
        self.timeoutSeconds = timeoutSeconds
    }

    /// The headers for `body`; `signed: false` leaves the signature out (OpenLineage events, whose receivers
    /// authenticate with their own API key, passed in `extra`).
    public func headers(deliveryId: String, event: String, body: [UInt8], signed: Bool = true,
                        extra: [(String, String)] = []) -> [(String, String)] {
        var h = [("Content-Type", "application/json"), ("User-Agent", "orch-alerts/1"),
                 ("X-Orch-Delivery", deliveryId), ("X-Orch-Event", event), ("Expect", "")]
        if signed, let secret { h.append((WebhookSignature.header, WebhookSignature.sign(body: body, secret: secret))) }
        return h + extra
    }

    public func send(url: String, deliveryId: String, event: String, body: String, signed: Bool = true,
                     extraHeaders: [(String, String)] = []) async -> WebhookAttempt {
        let bytes = Array(body.utf8)
        let request = HTTPClientRequest(method: "POST", url: url,
                                        headers: headers(deliveryId: deliveryId, event: event, body: bytes,
                                                         signed: signed, extra: extraHeaders),
                                        body: bytes, timeoutSeconds: timeoutSeconds,
                                        connectTimeoutSeconds: min(timeoutSeconds, 10))
        let client = self.client
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let started = DispatchTime.now()
                let elapsed = { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6 }
                do {
                    let response = try client.send(request)
                    continuation.resume(returning: WebhookAttempt(statusCode: response.status, error: nil,
                                                                  durationMs: elapsed()))
                } catch let e as HTTPClientError {
                    continuation.resume(returning: WebhookAttempt(statusCode: nil, error: Self.describe(e, url: url),
                                                                  durationMs: elapsed()))
                } catch {
                    continuation.resume(returning: WebhookAttempt(statusCode: nil, error: "request failed",
                                                                  durationMs: elapsed()))
                }
            }
        }
    }

    /// `timeout: …`, `connection failed: …` with the URL redacted out of libcurl's message.
    static func describe(_ e: HTTPClientError, url: String) -> String {
        let kind: String
        switch e.kind {
        case .timeout: kind = "timeout"
        case .connectionFailed: kind = "connection failed"
        case .invalidURL: kind = "invalid URL"
        case .other: kind = "error"
        }
        var message = e.message
        let bare = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        for form in [url, bare] { message = message.replacingOccurrences(of: form, with: redactedWebhookTarget(url)) }
        return "\(kind): \(message)"
    }
}
