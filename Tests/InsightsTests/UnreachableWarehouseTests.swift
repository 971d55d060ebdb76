import Foundation
#if canImport(Glibc)
import Glibc
#endif
import OrchAPI
import OrchCore
import Testing

/// A listener on loopback that accepts TCP connections and never says a word (a child `python3`): libpq's
/// connection attempt to it waits for the server's first message until `connect_timeout`.
final class SilentListener {
    let process = Process()
    let port: Int

    init() throws {
        let out = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import socket, sys, time
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
            print(s.getsockname()[1], flush=True)
            sys.stdin.read()
            """]
        process.standardOutput = out
        process.standardInput = Pipe()
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            struct NoPort: Error {}
            throw NoPort()
        }
        self.port = port
    }

    /// SIGKILL: a child started from the test process inherits its blocked signals, SIGTERM among them.
    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// The warehouse unreachable: a panel answers with a clear connection error within the connect timeout instead
/// of hanging, names the connection, never shows the password, and the dashboard page itself still renders.
@Suite("Insights with an unreachable warehouse")
struct UnreachableWarehouseTests {
    static let read = AssetRead("gold.agg_orders_daily", producedBy: "shopstream_daily", "gold")
    static let dashboard = Dashboard("down", title: "Down", panels: [
        Panel("orders", title: "Orders", kind: .kpi,
              sql: "SELECT count(*) FROM gold.agg_orders_daily WHERE order_date >= $1 AND order_date < $2", reads: [read]),
    ])

    @Test func aServerThatNeverAnswersIsCutAtTheConnectTimeout() throws {
        let silent = try SilentListener()
        let url = "postgresql://orch:hunter2-secret@127.0.0.1:\(silent.port)/warehouse"
        let app = try InsightsApp(dashboards: [Self.dashboard], connections: ["warehouse": url], connectTimeoutSeconds: 1)
        let page = try app.get("/insights/down")
        #expect(page.status == 200, "the page renders; the panel says what is wrong")
        let panel = try app.get("/insights/down/panels/orders?range=7d")
        #expect(panel.status == 502)
        let body = (try JSONSerialization.jsonObject(with: Data(panel.body))) as? [String: Any] ?? [:]
        #expect(body["kind"] as? String == "connection")
        let message = body["message"] as? String ?? ""
        #expect(message.contains("the connection 'warehouse' cannot reach PostgreSQL"))
        #expect(message.contains("timeout expired"), "\(message)")
        #expect(message.contains("127.0.0.1") && message.contains("\(silent.port)"))
        #expect(message.contains("ORCH_INSIGHTS_CONNECT_TIMEOUT"))
        #expect(!panel.text.contains("hunter2-secret"))
    }

    @Test func aRefusedConnectionSaysSo() throws {
        let port = try unusedPort()
        let url = "postgresql://orch:hunter2-secret@127.0.0.1:\(port)/warehouse"
        let app = try InsightsApp(dashboards: [Self.dashboard], connections: ["warehouse": url], connectTimeoutSeconds: 1)
        let panel = try app.get("/insights/down/panels/orders?range=7d")
        #expect(panel.status == 502)
        let body = (try JSONSerialization.jsonObject(with: Data(panel.body))) as? [String: Any] ?? [:]
        let message = body["message"] as? String ?? ""
        #expect(message.contains("the connection 'warehouse' cannot reach PostgreSQL"))
        #expect(message.lowercased().contains("refused"), "\(message)")
        #expect(!panel.text.contains("hunter2-secret"))
    }

    /// A loopback port nothing listens on (it was free a moment ago).
    func unusedPort() throws -> Int {
        let silent = try SilentListener()
        return silent.port   // the listener exits when `silent` goes
    }
}
