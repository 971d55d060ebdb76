import Foundation
import OrchHTTPClient

/// Fetches DummyJSON list resources page by page (`limit`/`skip` until `total`), with retries.
///
/// Retried: 429 (waiting `Retry-After` seconds, capped by ``FetchConfiguration/maxRetryAfterSeconds``), 408 and
/// 5xx, timeouts and connection errors (exponential backoff). Not retried: other 4xx and malformed pages, which a
/// retry cannot fix. After the last attempt the error names the resource, URL and reason.
public struct SourceFetcher: Sendable {
    public let configuration: FetchConfiguration
    private let client: HTTPClient
    private let sleep: @Sendable (Double) -> Void
    private let log: @Sendable (String) -> Void

    /// - Parameters:
    ///   - sleep: waits between attempts (tests pass a recorder; the default sleeps the thread).
    ///   - log: one line per retry, for the task log.
    public init(configuration: FetchConfiguration, client: HTTPClient = HTTPClient(),
                sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) },
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.client = client
        self.sleep = sleep
        self.log = log
    }

    /// All records of one resource, and its validated pages in order.
    public func fetchAll(_ resource: SourceResource) throws -> [SourcePage] {
        var pages: [SourcePage] = []
        var skip = 0
        var seen = Set<Int>()
        var total: Int?
        repeat {
            let page = try fetchPage(resource, skip: skip)
            if let t = total, t != page.total {
                throw SourceError(.malformedPage,
                                  "\(resource.rawValue) page skip=\(skip): 'total' changed from \(t) to \(page.total) during the fetch")
            }
            total = page.total
            for record in page.records where !seen.insert(record.id).inserted {
                throw SourceError(.malformedPage,
                                  "\(resource.rawValue) page skip=\(skip): record id \(record.id) was already on an earlier page")
            }
            pages.append(page)
            if page.records.isEmpty, skip < page.total {
                throw SourceError(.malformedPage,
                                  "\(resource.rawValue) page skip=\(skip): no records although total is \(page.total)")
            }
            skip += page.records.count
        } while skip < (total ?? 0)
        return pages
    }

    /// One validated page, retrying transient failures.
    public func fetchPage(_ resource: SourceResource, skip: Int) throws -> SourcePage {
        let url = "\(configuration.baseURL)/\(resource.rawValue)?limit=\(configuration.pageSize)&skip=\(skip)"
        var lastReason = ""
        for attempt in 1...max(1, configuration.maxAttempts) {
            var wait: Double
            do {
                let response = try client.send(HTTPClientRequest(
                    method: "GET", url: url, headers: [("Accept", "application/json")],
                    timeoutSeconds: configuration.timeoutSeconds))
                switch response.status {
                case 200:
                    return try SourcePage.validate(Data(response.body), resource: resource, requestedSkip: skip)
                case 429:
                    lastReason = "HTTP 429 (rate limited)"
                    wait = retryAfter(response.headers["retry-after"]) ?? configuration.backoff(retry: attempt)
                case 408, 500...599:
                    lastReason = "HTTP \(response.status) \(excerpt(response.body))"
                    wait = configuration.backoff(retry: attempt)
                default:
                    throw SourceError(.rejected, "fetch \(resource.rawValue): GET \(url) answered HTTP \(response.status) "
                        + "\(excerpt(response.body)); not retried. Check the source URL (SHOPSTREAM_SOURCE_URL).")
                }
            } catch let error as HTTPClientError where error.kind == .timeout || error.kind == .connectionFailed {
                lastReason = error.kind == .timeout
                    ? "timed out after \(configuration.timeoutSeconds) s (\(error.message))" : error.message
                wait = configuration.backoff(retry: attempt)
            } catch let error as HTTPClientError {
                throw SourceError(.rejected, "fetch \(resource.rawValue): GET \(url) failed: \(error.message)")
            }
            guard attempt < configuration.maxAttempts else { break }
            log("fetch \(resource.rawValue): GET \(url): \(lastReason); retry \(attempt) of "
                + "\(configuration.maxAttempts - 1) in \(wait) s")
            sleep(wait)
        }
        throw SourceError(.unavailable, "fetch \(resource.rawValue) failed after \(configuration.maxAttempts) attempts: "
            + "GET \(url): \(lastReason). Is the source up? (SHOPSTREAM_SOURCE_URL)")
    }

    /// `Retry-After` in seconds (the delta-seconds form), capped; nil when absent or not a number.
    private func retryAfter(_ value: String?) -> Double? {
        guard let value, let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else {
            return nil
        }
        return min(seconds, configuration.maxRetryAfterSeconds)
    }

    private func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.isEmpty ? "" : "(\(text))"
    }
}
