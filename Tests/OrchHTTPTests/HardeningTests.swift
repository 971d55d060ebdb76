import Foundation
import OrchHTTPClient
import OrchHTTPServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 11 (defects 9 and 11): idle connections from one client cannot lock others out, and oversized request
/// heads are answered in the JSON error format.
@Suite(.serialized) struct HTTPHardeningTests {
    static func echo() throws -> RunningServer {
        try RunningServer { request in .json(200, encoding: ["path": request.path]) }
    }

    @Test("a 20 KiB request target gets a JSON 414")
    func longTargetIs414() throws {
        let app = try Self.echo()
        let answer = try rawExchange(port: app.server.port, Array(("GET /" + String(repeating: "a", count: 20_000)
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").utf8))
        #expect(answer.hasPrefix("HTTP/1.1 414"), "\(answer.prefix(200))")
        #expect(answer.contains("Content-Type: application/json"))
        #expect(answer.contains(#""status":414"#) && answer.contains("the limit is 16384"))
    }

    @Test("100 KB of URL and 200 KB of headers (the fuzz test's cases) get JSON 414 and 431")
    func fuzzSizedHeads() throws {
        let app = try Self.echo()
        let url = try rawExchange(port: app.server.port, Array(("GET /api/v1/dags/" + String(repeating: "a", count: 100_000)
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").utf8))
        #expect(url.hasPrefix("HTTP/1.1 414") && url.contains(#""status":414"#), "\(url.prefix(300))")
        let many = (0..<2000).map { "X-H\($0): " + String(repeating: "v", count: 100) + "\r\n" }.joined()
        let headers = try rawExchange(port: app.server.port, Array(("GET /api/v1/dags HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + many + "Connection: close\r\n\r\n").utf8))
        #expect(headers.hasPrefix("HTTP/1.1 431") && headers.contains(#""status":431"#), "\(headers.prefix(300))")
        #expect(headers.contains("Content-Type: application/json"))
    }

    @Test("a request just under the limits is served")
    func withinLimits() throws {
        let app = try Self.echo()
        let path = "/" + String(repeating: "b", count: 15_000)
        #expect(try app.get(path, headers: [("X-Big", String(repeating: "v", count: 60_000))]).status == 200)
    }

    @Test("1,100 idle connections from one address: another client's requests are still answered at once")
    func idleConnectionsCapped() throws {
        let app = try Self.echo()
        // The idle client connects from 127.0.0.2 (all of 127/8 is loopback), the probe from 127.0.0.1.
        var idle: [Int32] = []
        defer { idle.forEach { close($0) } }
        for _ in 0..<1100 {
            guard let fd = connectFrom("127.0.0.2", port: app.server.port) else { break }
            idle.append(fd)
        }
        #expect(idle.count == 1100)
        // Answered (within the request's 5 s timeout) despite the 1,100 idle connections.
        let response = try app.client.send(HTTPClientRequest(url: app.base + "/health", timeoutSeconds: 5))
        #expect(response.status == 200)
        // The daemon closed every idle connection past the per-client limit.
        usleep(300_000)
        let open = idle.filter { isOpen($0) }.count
        #expect(open <= HTTPServerConfiguration().perClientConnectionLimit, "\(open) idle connections still open")
    }
}

/// A TCP connection to 127.0.0.1:`port` from the local address `source`, left idle; nil when it failed.
private func connectFrom(_ source: String, port: Int) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var local = sockaddr_in()
    local.sin_family = sa_family_t(AF_INET)
    local.sin_addr.s_addr = inet_addr(source)
    var remote = sockaddr_in()
    remote.sin_family = sa_family_t(AF_INET)
    remote.sin_port = in_port_t(UInt16(port).bigEndian)
    remote.sin_addr.s_addr = inet_addr("127.0.0.1")
    let ok = withUnsafePointer(to: &local) { l in
        l.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0 && withUnsafePointer(to: &remote) { r in
        r.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
    if !ok { close(fd); return nil }
    return fd
}

/// False once the peer closed the connection (a non-blocking read sees end of file or a reset).
private func isOpen(_ fd: Int32) -> Bool {
    var byte: UInt8 = 0
    let n = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
}

/// A handler that drops the last reference to its own server: `deinit` (and so `stop()`) runs on a pool thread,
/// which libmicrohttpd cannot join; before the fix the process died with "Failed to join a thread" (found when the
/// idle timeout went from 30 s to 10 s and `AlertReceiver`'s late deinit started to happen inside a test run).
@Suite struct HTTPServerReleasedInsideAHandlerTests {
    final class Holder: @unchecked Sendable {
        private let lock = NSLock()
        private var server: HTTPServer?
        func set(_ s: HTTPServer?) { lock.withLock { server = s } }
        func take() -> HTTPServer? { lock.withLock { defer { server = nil }; return server } }
        var port: Int { lock.withLock { server?.port ?? 0 } }
    }

    /// Starts a server that only `holder` references; its handler takes it out of `holder` and drops it.
    static func startHeldServer(_ holder: Holder) throws -> Int {
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0, threads: 2)) { _ in
            var last = holder.take()
            _ = last
            last = nil   // the last reference: deinit runs here, on a pool thread
            return .text(200, "bye")
        }
        try server.start()
        holder.set(server)
        return server.port
    }

    @Test func theLastReferenceDroppedInAHandlerStopsTheServerWithoutACrash() throws {
        let holder = Holder()
        let port = try Self.startHeldServer(holder)
        let client = HTTPClient()
        let response = try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
        #expect(response.status == 200)
        // The server is gone shortly after: connections are refused.
        let deadline = Date().addingTimeInterval(10)
        var refused = false
        var lastError: HTTPClientError?
        while Date() < deadline && !refused {
            do {
                _ = try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/", timeoutSeconds: 1,
                                                      connectTimeoutSeconds: 1))
            } catch let error as HTTPClientError {
                lastError = error
                refused = error.kind == .connectionFailed   // not a timeout: a hung server is no stopped one
            }
            if !refused { usleep(100_000) }
        }
        #expect(refused, "last error: \(lastError.map(String.init(describing:)) ?? "none, it still answered")")
    }
}
