import Foundation
import OrchPostgres
@testable import ShopStream

/// Each warehouse test gets its own freshly created and migrated database, dropped afterwards, so tests can
/// run in parallel on the one local PostgreSQL (ORCH_TEST_PG, default the orch_test database from pg-up.sh).
enum WarehouseTestDB {
    static var adminConninfo: String {
        ProcessInfo.processInfo.environment["ORCH_TEST_PG"] ?? "postgresql://orch:orch@127.0.0.1:5432/orch_test"
    }

    /// The repository's migrations/warehouse, found from this file's path.
    static var migrationsDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations/warehouse").path
    }

    static func withDatabase<T>(migrate: Bool = true, _ body: (PGConnection, String) throws -> T) throws -> T {
        let admin = try PGConnection(conninfo: adminConninfo)
        let name = "orch_wh_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try admin.execute("CREATE DATABASE \(name)")
        defer {
            _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
        let conninfo = try conninfo(for: name, admin: admin)
        let db = try PGConnection(conninfo: conninfo)
        defer { db.close() }
        if migrate {
            try WarehouseMigrator(connection: db, directory: migrationsDirectory).migrate()
        }
        return try body(db, conninfo)
    }

    /// The admin conninfo with the database name replaced.
    static func conninfo(for database: String, admin: PGConnection) throws -> String {
        let r = try admin.execute("SELECT current_user, inet_server_addr()::text, current_setting('port')")
        let user = try r.string(0, 0) ?? "orch"
        let host = (try r.string(0, 1) ?? "127.0.0.1").split(separator: "/").first.map(String.init) ?? "127.0.0.1"
        let port = try r.string(0, 2) ?? "5432"
        let password = ProcessInfo.processInfo.environment["ORCH_TEST_PG_PASSWORD"] ?? "orch"
        return "host=\(host) port=\(port) dbname=\(database) user=\(user) password=\(password)"
    }
}

/// A fresh SegmentEventLog in a temporary directory.
func makeTempEventLog(partitions: Int = 4) throws -> (SegmentEventLog, String) {
    let dir = NSTemporaryDirectory() + "orch-wh-log-" + UUID().uuidString
    let log = try SegmentEventLog(directory: dir, configuration: .init(defaultPartitions: partitions))
    return (log, dir)
}

func json(_ object: Any) -> [UInt8] {
    Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
}

extension PGConnection {
    func count(_ sql: String, _ params: [(any PGValue)?] = []) throws -> Int {
        try execute(sql, params).scalarInt()
    }
}
