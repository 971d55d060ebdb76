import Foundation
import OrchHTTPClient
import OrchHTTPServer

/// A server on a free loopback port, stopped when the test is done with it.
final class RunningServer: Sendable {
    let server: HTTPServer
    let client = HTTPClient()

    init(maxBodyBytes: Int = 1 << 20, threads: Int = 4, handler: @escaping HTTPHandler) throws {
        server = HTTPServer(configuration: HTTPServerConfiguration(port: 0, threads: threads,
                                                                   maxBodyBytes: maxBodyBytes),
                            handler: handler)
        try server.start()
    }

    deinit { server.stop() }

    var base: String { "http://127.0.0.1:\(server.port)" }

    func get(_ path: String, headers: [(String, String)] = []) throws -> HTTPClientResponse {
        try client.send(HTTPClientRequest(url: base + path, headers: headers))
    }

    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
              timeout: Double = 30) throws -> HTTPClientResponse {
        try client.send(HTTPClientRequest(method: method, url: base + path, headers: headers, body: body,
                                          timeoutSeconds: timeout))
    }
}

extension HTTPClientResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
    }
}

/// Runs `body` on `count` real threads at once and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    var threads: [Thread] = []
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        threads.append(thread)
    }
    threads.forEach { $0.start() }
    group.wait()
}

/// A fresh directory under the system temp directory, removed by `cleanup()`.
struct TempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "orch-http-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}
