import Foundation
import OrchPostgres

/// The test database: `ORCH_TEST_PG` conninfo, or the local one that scripts/pg-up.sh creates.
enum TestDatabase {
    static var conninfo: String {
        ProcessInfo.processInfo.environment["ORCH_TEST_PG"] ?? "postgresql://orch:orch@127.0.0.1:5432/orch_test"
    }
    static func connect() throws -> PGConnection { try PGConnection(conninfo: conninfo) }
}
