import CCurl
import Foundation

/// libcurl, loaded and its global state set up once, thread-safely, before the first handle is made (on first use,
/// not at process start: CCurl/shim.h). nil once ready, else why it cannot be used.
private let curlUnavailable: String? = {
    if let failure = orch_curl_open() { return String(cString: failure) }
    return orch_curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK ? nil : "curl_global_init failed"
}()

/// A blocking HTTP/1.1 client over libcurl, safe to use from many threads at once.
///
/// Each call borrows an easy handle from a small pool (so keep-alive connections are reused) and returns it
/// afterwards; a handle is only ever used by one thread at a time. Redirects are not followed, only http and https
/// are allowed, no signals are used (`CURLOPT_NOSIGNAL`), and a response body larger than `maxResponseBytes` fails
/// with a clear error. Request headers are never logged.
///
/// It is `@unchecked Sendable` because the pool of C handles is a mutable array guarded by `lock`.
public final class HTTPClient: @unchecked Sendable {
    /// Largest accepted response body.
    public let maxResponseBytes: Int
    private let lock = NSLock()
    private var idleHandles: [CurlEasyHandle] = []
    private let maxIdleHandles = 8

    public init(maxResponseBytes: Int = 64 << 20) {
        self.maxResponseBytes = maxResponseBytes
    }

    /// Sends `request` and waits for the complete response.
    /// Throws ``HTTPClientError`` when there is no complete response; an HTTP error status is not thrown.
    public func send(_ request: HTTPClientRequest) throws -> HTTPClientResponse {
        if let curlUnavailable {
            throw HTTPClientError(kind: .other, message: "cannot use libcurl: \(curlUnavailable)")
        }
        try RequestValidation.check(request)
        let handle = try checkOut()
        var reusable = false
        defer { checkIn(handle, reusable: reusable) }
        let response = try handle.perform(request, maxResponseBytes: maxResponseBytes)
        reusable = true
        return response
    }

    private func checkOut() throws -> CurlEasyHandle {
        if let handle = lock.withLock({ idleHandles.popLast() }) { return handle }
        guard let handle = CurlEasyHandle() else {
            throw HTTPClientError(kind: .other, message: "libcurl could not create a handle (out of memory?)")
        }
        return handle
    }

    private func checkIn(_ handle: CurlEasyHandle, reusable: Bool) {
        guard reusable else { return }  // a failed transfer's handle is dropped with its connection
        lock.withLock {
            if idleHandles.count < maxIdleHandles { idleHandles.append(handle) }
        }
    }
}

/// Checks what libcurl would otherwise reject obscurely or, worse, send as written (header injection).
enum RequestValidation {
    static func check(_ request: HTTPClientRequest) throws {
        let lower = request.url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw HTTPClientError(kind: .invalidURL,
                                  message: "URL '\(redacted(request.url))' must start with http:// or https://")
        }
        guard !request.method.isEmpty, request.method.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw HTTPClientError(kind: .other, message: "HTTP method '\(request.method)' must be letters only")
        }
        for (name, value) in request.headers {
            let nameOK = !name.isEmpty && name.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }
            guard nameOK, !value.contains("\r"), !value.contains("\n") else {
                throw HTTPClientError(kind: .other,
                                      message: "request header '\(name)' has an invalid name or a line break")
            }
        }
    }

    /// The URL without its query, which may carry secrets.
    static func redacted(_ url: String) -> String {
        url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }
}
