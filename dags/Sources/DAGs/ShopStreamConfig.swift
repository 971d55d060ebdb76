import Foundation
import OrchCore
import OrchPostgres
import ShopStream

/// Where shopstream_daily reads and writes, from the run's params and the environment.
///
/// - source: param `source_url`, else `SHOPSTREAM_SOURCE_URL`, else the bundled snapshot served on
///   `http://127.0.0.1:8090` (`orch shopstream serve-source`, started by `make demo`).
/// - warehouse: param `warehouse_dsn`, else the named connection `warehouse` (`ORCH_CONN_WAREHOUSE`,
///   `ORCH_HOME/connections.json`, then `ORCH_WAREHOUSE_DSN`; the one the Insights dashboard reads), else libpq's PG* variables when `PGHOST` or
///   `PGDATABASE` is set, else `postgresql://orch:orch@127.0.0.1:5432/orch` (what `scripts/pg-up.sh` creates).
/// - data: `SHOPSTREAM_DATA_DIR`, else `ORCH_HOME/data/shopstream` (landing pages, the event log, produce markers).
///   Tasks pass data to each other through it, so remote workers on several hosts (issue 19) need it on storage
///   they all mount, as a data lake would be; see docs/remote-workers.md.
/// - warehouse sessions: named after the attempt and fenced by its try (``WarehouseAttemptFence``): a try ends
///   the sessions of the earlier tries of its task in its run, so a given-up try cannot commit or hold locks.
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
    /// ORCH_HOME/connections.json could not be read: every connect fails with this rather than guess a database.
    var connectionsProblem: String?
    /// This attempt's warehouse sessions: named after it, and ending those of its task's earlier tries.
    let fence: WarehouseAttemptFence
    private let log: (String) -> Void

    init(_ ctx: TaskContext) {
        let env = ProcessInfo.processInfo.environment
        sourceURL = ctx.params["source_url"]?.stringValue ?? env["SHOPSTREAM_SOURCE_URL"] ?? Self.defaultSourceURL
        var named: String?
        do { named = try Self.warehouseConnection(home: ctx.home, env: env) } catch {
            connectionsProblem = "\(error)"
        }
        if let dsn = ctx.params["warehouse_dsn"]?.stringValue ?? named {
            warehouseDSN = dsn
        } else if env["PGHOST"] != nil || env["PGDATABASE"] != nil {
            warehouseDSN = ""
        } else {
            warehouseDSN = Self.defaultWarehouse
        }
        dataDirectory = env["SHOPSTREAM_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? ctx.home + "/data/shopstream"
        fence = WarehouseAttemptFence(dagId: ctx.dagId, runId: ctx.runId, taskId: ctx.taskId, tryNumber: ctx.tryNumber)
        log = { ctx.log($0) }
        clickstreamEvents = ctx.params["clickstream_events"]?.intValue ?? 20_000
        seed = UInt64(max(0, ctx.params["seed"]?.intValue ?? 42))
        bronzeConnections = min(8, max(1, env["SHOPSTREAM_BRONZE_CONNECTIONS"].flatMap { Int($0) } ?? 2))
    }

    /// The `warehouse` connection as the operator configured it (nil: none, so the fallbacks apply). A
    /// connections.json that cannot be read is an error to fix, not a reason to write to another database.
    static func warehouseConnection(home: String, env: [String: String]) throws -> String? {
        let file = URL(fileURLWithPath: home).appendingPathComponent("connections.json")
        let data = FileManager.default.fileExists(atPath: file.path) ? FileManager.default.contents(atPath: file.path) : nil
        return try NamedConnections(environment: env, configFile: data).resolve("warehouse")?.url
    }

    /// A warehouse connection of this attempt (see ``fence``).
    func connect() throws -> PGConnection {
        if let connectionsProblem { throw ExampleError(connectionsProblem) }
        let connection = try PGConnection(conninfo: warehouseDSN)
        let ended = try fence.apply(to: connection)
        if ended > 0 {
            log("ended \(ended) warehouse session(s) of earlier tries of this task (fenced off as \(fence.applicationName))")
        }
        return connection
    }

    /// The run's day (`YYYY-MM-DD`): its data interval, which must be one whole UTC day. Every task reads this, never
    /// the logical date, so fetch, produce, gold and the checks cover the same interval.
    func day(_ ctx: TaskContext) throws -> String {
        let start = ctx.dataInterval.start, end = ctx.dataInterval.end
        let day = UTCFormat.day(start)
        guard end.timeIntervalSince(start) == 86_400, start.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) == 0 else {
            throw ExampleError("shopstream_daily needs a data interval of one whole UTC day, got \(start) to \(end)")
        }
        return day
    }

    /// How much of the warehouse the run's checks read: param `checks`, `interval` (the default: the run's rows and
    /// days) or `warehouse` (every row and day, an audit: `orch trigger shopstream_daily --conf '{"checks":
    /// "warehouse"}'`).
    static func checkReach(_ ctx: TaskContext) throws -> CheckReach {
        guard let value = ctx.params["checks"] else { return .interval }
        guard let text = value.stringValue, let reach = CheckReach(rawValue: text) else {
            throw ExampleError("param checks must be \"interval\" or \"warehouse\", got \(value)")
        }
        return reach
    }

    /// `migrations/warehouse`: `ORCH_WAREHOUSE_MIGRATIONS_DIR`, else found by walking up from the binary and the
    /// working directory.
    static func warehouseMigrations() throws -> String {
        if let dir = ProcessInfo.processInfo.environment["ORCH_WAREHOUSE_MIGRATIONS_DIR"], !dir.isEmpty { return dir }
        return try bundled("migrations/warehouse", containing: "0001_schemas.sql", env: "ORCH_WAREHOUSE_MIGRATIONS_DIR")
    }

    /// The ECB reference rates (`fixtures/ecb/eurofxref.csv`): `SHOPSTREAM_FX_RATES`, else found like the migrations.
    static func fxRates() throws -> FXRates {
        if let file = ProcessInfo.processInfo.environment["SHOPSTREAM_FX_RATES"], !file.isEmpty {
            return try FXRates(contentsOf: file)
        }
        return try FXRates(contentsOf: try bundled("fixtures/ecb", containing: "eurofxref.csv", env: "SHOPSTREAM_FX_RATES")
            + "/eurofxref.csv")
    }

    /// `<ancestor>/<relative>` holding `marker`, walking up from the binary and the working directory.
    private static func bundled(_ relative: String, containing marker: String, env: String) throws -> String {
        // The bundle as configured first: a task runs on a copy of the executable under ORCH_HOME/bundles.
        let source = ProcessInfo.processInfo.environment["ORCH_BUNDLE_SOURCE"].map { URL(fileURLWithPath: $0) }
        let starts = (source.map { [$0] } ?? []) + [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
                                                    URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        for start in starts {
            var dir = start
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent(relative)
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(marker).path) {
                    return candidate.path
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        throw ExampleError("cannot find \(relative); set \(env)")
    }
}

