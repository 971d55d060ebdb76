import Foundation
import OrchHTTPClient
import OrchHTTPServer
import Testing

@Suite struct ClientTests {
    @Test func connectionRefusedIsConnectionFailed() throws {
        // Take a free port, then close it again so nothing listens there.
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0)) { _ in .text(200, "") }
        try server.start()
        let port = server.port
        server.stop()
        let error = #expect(throws: HTTPClientError.self) {
            try HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/x?token=hidden"))
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message.contains("127.0.0.1:\(port)/x") == true)
        #expect(error?.message.contains("hidden") == false)
    }

    @Test func slowServerBeyondTimeoutIsTimeout() throws {
        let app = try RunningServer { _ in
            Thread.sleep(forTimeInterval: 1.5)
            return .text(200, "late")
        }
        let error = #expect(throws: HTTPClientError.self) {
            try app.send("GET", "/slow", timeout: 0.2)
        }
        #expect(error?.kind == .timeout)
    }

    @Test func invalidURLs() {
        for url in ["ftp://127.0.0.1/x", "not a url", "http://"] {
            let error = #expect(throws: HTTPClientError.self) { try HTTPClient().send(HTTPClientRequest(url: url)) }
            #expect(error?.kind == .invalidURL, "\(url)")
        }
    }

    @Test func headerInjectionIsRefused() {
        let error = #expect(throws: HTTPClientError.self) {
            try HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:1/",
                                                    headers: [("X-A", "1\r\nX-Injected: 2")]))
        }
        #expect(error?.kind == .other)
    }

    @Test func responseOverTheCapIsAClearError() throws {
        let app = try RunningServer { _ in HTTPResponse(status: 200, body: [UInt8](repeating: 7, count: 10_000)) }
        let small = HTTPClient(maxResponseBytes: 4096)
        let error = #expect(throws: HTTPClientError.self) {
            try small.send(HTTPClientRequest(url: app.base + "/big"))
        }
        #expect(error?.message.contains("4096") == true)
        #expect(try HTTPClient(maxResponseBytes: 10_000).send(HTTPClientRequest(url: app.base + "/big")).body.count
            == 10_000)
    }

    @Test func redirectsAreNotFollowed() throws {
        let app = try RunningServer { request in
            request.path == "/old" ? HTTPResponse(status: 302, headers: ["Location": "/new"]) : .text(200, "new")
        }
        let response = try app.get("/old")
        #expect(response.status == 302)
        #expect(response.header("location") == "/new")
    }

    @Test func methodsAndBinaryBodies() throws {
        let app = try RunningServer { request in
            HTTPResponse(status: 200, headers: ["X-Method": request.method,
                                                "X-Type": request.header("content-type") ?? "none"],
                         body: request.body)
        }
        let binary: [UInt8] = Array(0...255) + [0, 0, 13, 10]
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let response = try app.send(method, "/m", body: binary)
            #expect(response.header("X-Method") == method)
            #expect(response.body == binary)
            #expect(response.header("X-Type") == "none")
        }
        let emptyPost = try app.send("POST", "/m")
        #expect(emptyPost.header("X-Method") == "POST")
        #expect(emptyPost.body.isEmpty)
    }
}

@Suite struct ConcurrencyTests {
    @Test func manyConcurrentClientsAreAllAnswered() throws {
        let router = Router()
        router.add("GET", "/n/{i}") { request in .json(encoding: ["i": request.pathParameters["i"] ?? ""]) }
        let app = try RunningServer(threads: 4) { router.respond(to: $0) }
        let client = HTTPClient()
        let base = app.base
        let counter = Counter()
        onThreads(8) { thread in
            for i in 0..<100 {
                let tag = "\(thread)-\(i)"
                if let response = try? client.send(HTTPClientRequest(url: base + "/n/" + tag)),
                   response.status == 200, response.text == #"{"i":"\#(tag)"}"# {
                    counter.increment()
                }
            }
        }
        #expect(counter.value == 800)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
