import Foundation
import OrchHTTPClient
import OrchHTTPServer
import Testing

@Suite struct LifecycleTests {
    @Test func stopWhileIdleThenRestartOnANewPort() throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0)) { _ in .text(200, "hi") }
        #expect(server.state == .initial)
        try server.start()
        #expect(server.state == .running)
        let firstPort = server.port
        #expect(firstPort > 0)
        let client = HTTPClient()
        #expect(try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(firstPort)/")).text == "hi")
        server.stop()
        #expect(server.state == .stopped)
        #expect(server.port == 0)
        #expect(throws: HTTPClientError.self) {
            try HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(firstPort)/"))
        }
        server.stop()  // stopping twice is harmless

        try server.start()
        #expect(server.state == .running)
        #expect(try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/")).text == "hi")
        server.stop()
    }

    @Test func portInUseIsAClearError() throws {
        let first = HTTPServer(configuration: HTTPServerConfiguration(port: 0)) { _ in .text(200, "one") }
        try first.start()
        defer { first.stop() }
        let second = HTTPServer(configuration: HTTPServerConfiguration(port: first.port)) { _ in .text(200, "two") }
        let error = #expect(throws: HTTPServerError.self) { try second.start() }
        #expect(error?.message.contains("\(first.port)") == true)
        #expect(error?.message.lowercased().contains("in use") == true)
        #expect(second.state == .initial)
    }

    @Test func invalidConfigurationIsRefused() {
        let badHost = HTTPServer(configuration: HTTPServerConfiguration(host: "localhost", port: 0)) { _ in
            .text(200, "")
        }
        #expect(throws: HTTPServerError.self) { try badHost.start() }
        let badPort = HTTPServer(configuration: HTTPServerConfiguration(port: 70000)) { _ in .text(200, "") }
        #expect(throws: HTTPServerError.self) { try badPort.start() }
    }

    @Test func poolThreadsServeAtTheirOwnLowerPriority() throws {
        #if os(Linux)
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0, threads: 2, threadNice: 7)) { _ in
            .text(200, String(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)))   // this pool thread's
        }
        try server.start()
        defer { server.stop() }
        let mine = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        for _ in 0..<6 {
            let response = try HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
            #expect(response.text == "7")
        }
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == mine)   // the rest of the process is not
        let tooNice = HTTPServer(configuration: HTTPServerConfiguration(port: 0, threadNice: 20)) { _ in .text(200, "") }
        #expect(throws: HTTPServerError.self) { try tooNice.start() }
        #endif
    }

    @Test func startTwiceIsRefused() throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0)) { _ in .text(200, "") }
        try server.start()
        defer { server.stop() }
        #expect(throws: HTTPServerError.self) { try server.start() }
    }

    @Test func stopFinishesTheRequestInFlight() throws {
        let entered = DispatchSemaphore(value: 0)
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0)) { _ in
            entered.signal()
            Thread.sleep(forTimeInterval: 0.3)
            return .text(200, "finished")
        }
        try server.start()
        let url = "http://127.0.0.1:\(server.port)/slow"
        let result = ResultBox()
        let thread = Thread {
            result.set(Result { try HTTPClient().send(HTTPClientRequest(url: url)) })
        }
        thread.start()
        entered.wait()
        server.stop()
        let response = try result.wait().get()
        #expect(response.status == 200)
        #expect(response.text == "finished")
        #expect(server.state == .stopped)
    }
}

/// Hands one result from a thread to the test.
final class ResultBox: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: Result<HTTPClientResponse, any Error>?

    func set(_ value: Result<HTTPClientResponse, any Error>) {
        self.value = value
        done.signal()
    }

    func wait() -> Result<HTTPClientResponse, any Error> {
        done.wait()
        return value!
    }
}
