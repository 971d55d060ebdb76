import CCurl

/// The owner of one `CURL *` easy handle. Used by one thread at a time (the pool hands it out); reset before
/// each transfer so no option leaks from one request to the next, while its connection cache is kept.
final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init?() {
        guard let handle = orch_curl_easy_init() else { return nil }
        self.handle = handle
    }

    deinit {
        orch_curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    func perform(_ request: HTTPClientRequest, maxResponseBytes: Int) throws -> HTTPClientResponse {
        orch_curl_easy_reset(handle)
        errorBuffer[0] = 0
        let sink = ResponseSink(maxBodyBytes: maxResponseBytes)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { orch_curl_slist_free_all(headerList) }

        let method = request.method.uppercased()
        var hasContentType = false
        for (name, value) in request.headers {
            if name.lowercased() == "content-type" { hasContentType = true }
            headerList = orch_curl_slist_append(headerList, value.isEmpty ? "\(name):" : "\(name): \(value)")
        }
        if request.body != nil && !hasContentType {
            headerList = orch_curl_slist_append(headerList, "Content-Type:")  // no guessed form encoding
        }

        var setup = CURLE_OK
        func set(_ code: CURLcode) { if setup == CURLE_OK { setup = code } }
        set(orch_curl_setopt_string(handle, CURLOPT_URL, request.url))
        set(orch_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(orch_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(orch_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        set(orch_curl_setopt_long(handle, CURLOPT_PATH_AS_IS, 1))
        set(orch_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(request.timeoutSeconds)))
        set(orch_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(request.connectTimeoutSeconds)))
        set(orch_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        set(orch_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
        set(orch_curl_setopt_write_callback(handle, curlWriteBody))
        set(orch_curl_setopt_header_callback(handle, curlWriteHeader))
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        set(orch_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer))
        set(orch_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer))
        if method == "HEAD" {
            set(orch_curl_setopt_long(handle, CURLOPT_NOBODY, 1))
        } else if let body = request.body ?? (method == "POST" ? [] : nil) {
            set(orch_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            if body.isEmpty {
                set(orch_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                set(body.withUnsafeBytes { bytes in  // COPYPOSTFIELDS copies: the buffer need not outlive this call
                    orch_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS,
                                             UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                })
            }
            if method != "POST" { set(orch_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)) }
        } else if method != "GET" {
            set(orch_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method))
        }
        guard setup == CURLE_OK else {
            throw HTTPClientError(kind: .other, message: "libcurl rejected an option: \(describe(setup))")
        }

        let result = withExtendedLifetime(sink) { orch_curl_easy_perform(handle) }
        if result != CURLE_OK {
            throw error(for: result, request: request, sink: sink)
        }
        var status = 0
        var duration = 0.0
        _ = orch_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        _ = orch_curl_getinfo_double(handle, CURLINFO_TOTAL_TIME, &duration)
        return HTTPClientResponse(status: status, headers: sink.headers, body: sink.body, durationSeconds: duration)
    }

    private func milliseconds(_ seconds: Double) -> Int {
        seconds.isFinite && seconds > 0 ? max(1, Int((seconds * 1000).rounded())) : 0
    }

    private func describe(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: orch_curl_easy_strerror(code)) : detail
    }

    private func error(for code: CURLcode, request: HTTPClientRequest, sink: ResponseSink) -> HTTPClientError {
        let target = "\(request.method.uppercased()) \(RequestValidation.redacted(request.url))"
        if sink.bodyTooLarge {
            return HTTPClientError(kind: .other,
                                   message: "\(target): response body exceeded the limit of \(sink.maxBodyBytes) bytes")
        }
        let kind: HTTPClientError.Kind
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            kind = .connectionFailed
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            kind = .invalidURL
        default:
            kind = .other
        }
        return HTTPClientError(kind: kind, message: "\(target): \(describe(code))")
    }
}
