import Foundation
import OrchHTTPClient
@testable import ShopStream
import ShopStreamSourceServer

/// The project's bundled snapshot (fixtures/dummyjson), found relative to this file.
let fixturesDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("fixtures/dummyjson").path
}()

/// Records every wait a fetcher asks for instead of sleeping.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var waits: [Double] = []
    var recorded: [Double] { lock.withLock { waits } }
    var sleep: @Sendable (Double) -> Void { { [self] s in lock.withLock { waits.append(s) } } }
}

/// Starts a server on a free loopback port for the duration of `body`.
func withServer<T>(faults: Faults = .none, _ body: (DummyJSONServer) throws -> T) throws -> T {
    let server = try DummyJSONServer(fixturesDirectory: fixturesDirectory, port: 0, faults: faults)
    try server.start()
    defer { server.stop() }
    return try body(server)
}

/// GET a path from the server and decode the JSON object.
func getJSON(_ server: DummyJSONServer, _ pathAndQuery: String) throws -> (status: Int, object: [String: Any]?) {
    let response = try HTTPClient().send(HTTPClientRequest(url: server.baseURL + pathAndQuery, timeoutSeconds: 10))
    return (response.status, try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
}
