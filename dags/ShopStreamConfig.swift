import Foundation
import OrchCore
import OrchPostgres

/// Where shopstream_daily reads and writes, from the run's params and the environment.
///
/// - source: param `source_url`, else `SHOPSTREAM_SOURCE_URL`, else the bundled snapshot served on
///   `http://127.0.0.1:8090` (`orch shopstream serve-source`, started by `make demo`).
/// - warehouse: param `warehouse_dsn`, else `ORCH_WAREHOUSE_DSN`, else libpq's PG* variables when `PGHOST` or
///   `PGDATABASE` is set, else `postgresql://orch:orch@127.0.0.1:5432/orch` (what `scripts/pg-up.sh` creates).
/// - data: `ORCH_HOME/data/shopstream` (landing pages, the event log, produce markers).
/// - load_bronze connections: `SHOPSTREAM_BRONZE_CONNECTIONS` (default 2; partitions load in parallel, 1 = serial).
struct ShopStreamConfig {
    static let defaultSourceURL = "http://127.0.0.1:8090"
    static let defaultWarehouse = "postgresql://orch:orch@127.0.0.1:5432/orch"

    let sourceURL: String
    let warehouseDSN: String
    let dataDirectory: String
    let clickstreamEvents: Int
    let seed: UInt64
    let bronzeConnections: Int

    init(_ ctx: TaskContext) {
        let env = ProcessInfo.processInfo.environment
        sourceURL = ctx.params["source_url"]?.stringValue ?? env["SHOPSTREAM_SOURCE_URL"] ?? Self.defaultSourceURL
        if let dsn = ctx.params["warehouse_dsn"]?.stringValue ?? env["ORCH_WAREHOUSE_DSN"] {
            warehouseDSN = dsn
        } else if env["PGHOST"] != nil || env["PGDATABASE"] != nil {
            warehouseDSN = ""
        } else {
            warehouseDSN = Self.defaultWarehouse
        }
        dataDirectory = ctx.home + "/data/shopstream"
        clickstreamEvents = ctx.params["clickstream_events"]?.intValue ?? 20_000
        seed = UInt64(max(0, ctx.params["seed"]?.intValue ?? 42))
        bronzeConnections = min(8, max(1, env["SHOPSTREAM_BRONZE_CONNECTIONS"].flatMap { Int($0) } ?? 2))
    }

    func connect() throws -> PGConnection { try PGConnection(conninfo: warehouseDSN) }

    /// `migrations/warehouse`: `ORCH_WAREHOUSE_MIGRATIONS_DIR`, else found by walking up from the binary and the
    /// working directory.
    static func warehouseMigrations() throws -> String {
        if let dir = ProcessInfo.processInfo.environment["ORCH_WAREHOUSE_MIGRATIONS_DIR"], !dir.isEmpty { return dir }
        let starts = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
                      URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        for start in starts {
            var dir = start
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent("migrations/warehouse")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("0001_schemas.sql").path) {
                    return candidate.path
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        throw ExampleError("cannot find migrations/warehouse; set ORCH_WAREHOUSE_MIGRATIONS_DIR")
    }
}

