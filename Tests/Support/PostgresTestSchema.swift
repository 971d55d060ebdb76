import Foundation
import OrchPostgres

/// A fresh, empty PostgreSQL schema in the test database (`ORCH_TEST_PG`, else the local `orch_test` that
/// scripts/pg-up.sh creates), so tests that run at once never see each other's rows. Its ``dsn`` selects the
/// schema (`options=-csearch_path=…`), so every connection opened from it — a store, a child process — lands
/// there. ``drop()`` removes it with everything in it.
public struct PostgresTestSchema: Sendable {
    public let name: String
    public let dsn: String
    public static var databaseURI: String {
        ProcessInfo.processInfo.environment["ORCH_TEST_PG"] ?? "postgresql://orch:orch@127.0.0.1:5432/orch_test"
    }

    public init(prefix: String = "t") throws {
        name = "\(prefix)_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let base = Self.databaseURI
        dsn = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(name)"
        let admin = try PGConnection(conninfo: base)
        try admin.executeScript("CREATE SCHEMA \(name)")
    }

    public func drop() {
        guard let admin = try? PGConnection(conninfo: Self.databaseURI) else { return }
        try? admin.executeScript("DROP SCHEMA IF EXISTS \(name) CASCADE")
    }
}
