import CMicroHTTPD
import Foundation

// libmicrohttpd's callbacks. They run on the daemon's pool threads, so they are free functions (nonisolated) and
// find their Swift context through `Unmanaged` pointers: the `ServerContext` is borrowed (the server owns it), each
// `RequestContext` is retained in the URI logger and released in the completion callback.

/// Called once per request with the raw target, before headers are parsed; its result becomes `*con_cls`.
let mhdURILogger: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, OpaquePointer?)
    -> UnsafeMutableRawPointer? = { cls, uri, _ in
    guard let cls else { return nil }
    let server = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    server.lowerThreadPriority()
    server.notePoolThread()
    server.requestStarted()
    let raw = uri.flatMap { String(validatingCString: $0) }
    return Unmanaged.passRetained(RequestContext(rawTarget: raw, rawTargetBytes: uri.map { strlen($0) } ?? 0)).toOpaque()
}

/// Called when a request is finished (answered, or the connection died): frees the per-request context.
let mhdRequestCompleted: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let cls else { return }
    if let conCls, let raw = conCls.pointee {
        Unmanaged<RequestContext>.fromOpaque(raw).release()
        conCls.pointee = nil
    }
    Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().requestFinished()
}

/// The access handler: first call (headers read), then one call per body chunk, then a final call with no data.
let mhdAccessHandler: MHD_AccessHandlerCallback = { cls, connection, _, method, _, uploadData, uploadSize, conCls in
    guard let cls, let connection, let conCls, let raw = conCls.pointee else { return .NO }
    let server = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    let request = Unmanaged<RequestContext>.fromOpaque(raw).takeUnretainedValue()
    let limit = server.maxBodyBytes

    if !request.headersSeen {
        request.headersSeen = true
        // Oversized request heads get the JSON error format here; libmicrohttpd would answer them in HTML, but
        // its memory pool (HTTPServerConfiguration.connectionMemoryBytes) is sized to read them whole first.
        if let refusal = oversizedHead(request, connection, server) {
            return queue(server.refusal(refusal, rawTarget: request.rawTarget), on: connection)
        }
        // A declared body over the limit is refused before the client sends it when it asked first
        // (Expect: 100-continue); otherwise the body is drained without storing it and refused at the end.
        if let declared = lookupHeader(connection, "Content-Length").flatMap({ Int($0) }), declared > limit {
            if lookupHeader(connection, "Expect")?.lowercased() == "100-continue" {
                return queue(server.refusal(tooLarge(limit), rawTarget: request.rawTarget), on: connection)
            }
            request.bodyTooLarge = true
        }
        return .YES
    }
    // Called again after a deferred answer resumed the connection.
    if let suspended = request.suspended {
        guard let answer = suspended.takeAnswer() else { return .YES }
        request.suspended = nil
        server.removeSuspended(suspended)
        return queue(answer, on: connection)
    }
    if let uploadSize, uploadSize.pointee > 0 {
        let count = uploadSize.pointee
        if !request.bodyTooLarge, let uploadData {
            if request.body.count + count > limit {
                request.bodyTooLarge = true
                request.body = []
            } else {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                    request.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
                }
            }
        }
        uploadSize.pointee = 0
        return .YES
    }
    if request.bodyTooLarge {
        return queue(server.refusal(tooLarge(limit), rawTarget: request.rawTarget), on: connection)
    }
    guard let rawTarget = request.rawTarget, let target = RequestTarget(raw: rawTarget) else {
        return queue(server.refusal(.error(400, "the request path or query is not valid: use %XX escapes of UTF-8 bytes"),
                                    rawTarget: request.rawTarget), on: connection)
    }
    let httpRequest = HTTPRequest(
        method: method.map { String(cString: $0) } ?? "GET",
        path: target.path,
        query: target.query,
        headers: requestHeaders(connection),
        body: request.body,
        remoteAddress: clientAddress(connection))
    request.body = []
    // Stopping: the listening socket stays open until the daemon stops (see HTTPServer.stop), new requests are
    // answered at once.
    let response = server.isStopping ? .error(503, "the server is stopping; try again") : server.handler(httpRequest)
    guard let deferred = response.deferred else { return queue(response, on: connection) }
    return suspend(connection, request, server, deferred)
}

/// Suspends the connection until the deferred answer is finished (from any thread), then resumes it.
private func suspend(_ connection: OpaquePointer, _ request: RequestContext, _ server: ServerContext,
                     _ deferred: DeferredResponse) -> MHD_Result {
    // The connection's address as a plain number: libmicrohttpd keeps the connection alive while it is suspended.
    let address = Int(bitPattern: UnsafeMutableRawPointer(connection))
    let suspended = SuspendedRequest(resume: {
        guard let raw = UnsafeMutableRawPointer(bitPattern: address) else { return }
        orch_MHD_resume_connection(OpaquePointer(raw))
    })
    guard server.addSuspended(suspended) else {
        return queue(.error(503, "the server is stopping; try again"), on: connection)
    }
    request.suspended = suspended
    orch_MHD_suspend_connection(connection)
    deferred.start { response in suspended.finish(response) }
    return .YES
}

/// A 414 when the request target is longer than the server takes, a 431 when the headers are; nil otherwise.
private func oversizedHead(_ request: RequestContext, _ connection: OpaquePointer, _ server: ServerContext)
    -> HTTPResponse? {
    if request.rawTargetBytes > server.maxURIBytes {
        return .error(414, "the request target is \(request.rawTargetBytes) bytes long; the limit is "
            + "\(server.maxURIBytes): send long values in a POST body")
    }
    let headerBytes = headerSize(connection)
    if headerBytes > server.maxHeaderBytes {
        return .error(431, "the request headers are \(headerBytes) bytes; the limit is \(server.maxHeaderBytes)")
    }
    return nil
}

/// Bytes of all request headers (names, values and the `: ` and CRLF around each).
private func headerSize(_ connection: OpaquePointer) -> Int {
    var total = 0
    withUnsafeMutablePointer(to: &total) { pointer in
        _ = orch_MHD_get_connection_values(connection, .HEADER_KIND, { cls, _, key, value in
            guard let cls else { return .YES }
            let sum = cls.assumingMemoryBound(to: Int.self)
            sum.pointee += (key.map { strlen($0) } ?? 0) + (value.map { strlen($0) } ?? 0) + 4
            return .YES
        }, UnsafeMutableRawPointer(pointer))
    }
    return total
}

private func tooLarge(_ limit: Int) -> HTTPResponse {
    .error(413, "request body is larger than the limit of \(limit) bytes")
}

private func lookupHeader(_ connection: OpaquePointer, _ name: String) -> String? {
    orch_MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
}

/// Collects headers through libmicrohttpd's iterator (lower-cased names, repeats joined by ", ").
private final class HeaderCollector {
    var headers: [String: String] = [:]
}

private func requestHeaders(_ connection: OpaquePointer) -> [String: String] {
    let collector = HeaderCollector()
    withExtendedLifetime(collector) {
        _ = orch_MHD_get_connection_values(connection, .HEADER_KIND, { cls, _, key, value in
            guard let cls, let key else { return .YES }
            let collector = Unmanaged<HeaderCollector>.fromOpaque(cls).takeUnretainedValue()
            let name = String(cString: key).lowercased()
            let text = value.map { String(cString: $0) } ?? ""
            if let existing = collector.headers[name] {
                collector.headers[name] = existing + ", " + text
            } else {
                collector.headers[name] = text
            }
            return .YES
        }, Unmanaged.passUnretained(collector).toOpaque())
    }
    return collector.headers
}

private func clientAddress(_ connection: OpaquePointer) -> String? {
    var buffer = [CChar](repeating: 0, count: 64)
    guard orch_mhd_client_ip(connection, &buffer, socklen_t(buffer.count)) == 0 else { return nil }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// Turns an `HTTPResponse` into a libmicrohttpd response and queues it. Invalid statuses become 500.
private func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
    var response = response
    if !(100...599).contains(response.status) {
        response = .error(500, "handler returned invalid HTTP status \(response.status)")
    }
    let body = response.body
    let mhdResponse = body.withUnsafeBytes { bytes in
        orch_MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                                        .RESPMEM_MUST_COPY)
    }
    guard let mhdResponse else { return .NO }
    defer { orch_MHD_destroy_response(mhdResponse) }
    var hasNosniff = false
    for (name, value) in response.headers {
        let lower = name.lowercased()
        if lower == "content-length" { continue }  // libmicrohttpd computes it
        if lower == "x-content-type-options" { hasNosniff = true }
        _ = orch_MHD_add_response_header(mhdResponse, name, value)  // refuses CR/LF in values
    }
    if !hasNosniff {
        _ = orch_MHD_add_response_header(mhdResponse, "X-Content-Type-Options", "nosniff")
    }
    return orch_MHD_queue_response(connection, UInt32(response.status), mhdResponse)
}
