import Foundation
import OrchHTTPServer
import Testing

/// Requests no polite client sends: chunked bodies over the limit, raw non-UTF-8 bytes in the target.
@Suite struct RawRequestTests {
    let app: RunningServer

    init() throws {
        app = try RunningServer(maxBodyBytes: 1024) { request in
            .text(200, "got \(request.body.count) bytes for \(request.path)")
        }
    }

    private func chunked(_ total: Int, chunk: Int) -> [UInt8] {
        let head = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        var request = Array(head.utf8)
        var left = total
        while left > 0 {
            let size = min(chunk, left)
            request += Array((String(size, radix: 16) + "\r\n").utf8) + [UInt8](repeating: 65, count: size) + [13, 10]
            left -= size
        }
        return request + Array("0\r\n\r\n".utf8)
    }

    @Test func chunkedBodyOverTheLimitIs413() throws {
        let answer = try rawExchange(port: app.server.port, chunked(64 * 1024, chunk: 4000))
        #expect(answer.hasPrefix("HTTP/1.1 413"))
        #expect(answer.contains(#""status":413"#))
    }

    @Test func chunkedBodyWithinTheLimitArrivesWhole() throws {
        let answer = try rawExchange(port: app.server.port, chunked(1000, chunk: 300))
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        #expect(answer.hasSuffix("got 1000 bytes for /upload"))
    }

    @Test func rawNonUTF8TargetIs400() throws {
        let tail = " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        let request = Array("GET /a".utf8) + [0xFF, 0xFE] + Array(tail.utf8)
        let answer = try rawExchange(port: app.server.port, request)
        #expect(answer.hasPrefix("HTTP/1.1 400"))
    }

    @Test func clientHangingUpMidResponseDoesNotHurtTheServer() throws {
        // Ask for a large response and close without reading it; the server must keep serving.
        let big = try RunningServer { _ in HTTPResponse(status: 200, body: [UInt8](repeating: 1, count: 8 << 20)) }
        for _ in 0..<5 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(big.server.port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            let request = Array("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var first = [UInt8](repeating: 0, count: 100)
            _ = recv(fd, &first, first.count, 0)
            close(fd)
        }
        #expect(try big.get("/again").body.count == 8 << 20)
    }
}
