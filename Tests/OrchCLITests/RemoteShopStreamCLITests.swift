#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchPostgres
import OrchSQLite
import Testing

/// Issue 19, shopstream_daily on remote workers. Three "hosts" on loopback: `orch serve` (scheduler and API; its own
/// pool serves only the queue `scheduler-host`, which no task uses, so every shopstream task goes to a worker) and
/// two `orch worker`s with homes of their own. The server is given no warehouse and no source: each worker's
/// environment carries what its host would be configured with (the DAG names the variables its tasks may see):
/// the warehouse as the named connection `ORCH_CONN_WAREHOUSE`, the source API `SHOPSTREAM_SOURCE_URL`, the
/// pipeline's data directory `SHOPSTREAM_DATA_DIR` (landing pages and the event log, through which the tasks pass
/// data: storage every worker host mounts, like a data lake; orch itself shares no file) and where the warehouse
/// migrations and FX rates are.
///
/// The worker that runs load_bronze is frozen (SIGSTOP of the worker, its fork server and the task process) while
/// the task's COPY transaction is open, and stays frozen past its 5 s lease; the other worker retries load_bronze,
/// whose warehouse fence ends the frozen try's sessions, and finishes the run while the first is still frozen.
/// Resumed, the frozen worker has its result refused. Bronze then holds every produced message exactly once.
@Suite(.serialized) struct RemoteShopStreamCLITests {
    static let tasks = ["fetch", "produce", "load_bronze", "silver", "gold", "star", "quality_checks"]
    static let events = 150_000

    @Test func shopstreamDailyRunsOnTwoWorkersAndAWorkerFrozenInLoadBronzeLeavesNoDuplicate() throws {
        let warehouse = try ScratchDatabase(); defer { warehouse.drop() }
        // DAGs are created paused, so that no other DAG's scheduled run reaches the workers.
        let c = try RemoteCluster(leaseTimeout: 5, localQueues: "scheduler-host",
                                  serverEnvironment: ["ORCH_DAGS_ARE_PAUSED_AT_CREATION": "true"])
        defer { c.stopAll() }
        let source = try ServedSnapshot(c.sandbox); defer { source.stop() }
        let lake = FileManager.default.temporaryDirectory.appendingPathComponent("orch-lake-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: lake) }
        let workerHost = [
            "ORCH_CONN_WAREHOUSE": warehouse.dsn,
            "SHOPSTREAM_SOURCE_URL": source.url,
            "SHOPSTREAM_DATA_DIR": lake.path,
            "ORCH_WAREHOUSE_MIGRATIONS_DIR": repoRoot.appendingPathComponent("migrations/warehouse").path,
            "SHOPSTREAM_FX_RATES": repoRoot.appendingPathComponent("fixtures/ecb/eurofxref.csv").path,
        ]
        let a = try c.startWorker("wa", slots: 1, queue: "default", environment: workerHost)
        let b = try c.startWorker("wb", slots: 1, queue: "default", environment: workerHost)
        let triggered = try c.sandbox.run("trigger", "shopstream_daily", "--logical-date", "2026-11-20",
                                          "--conf", #"{"clickstream_events": \#(Self.events)}"#)
        #expect(triggered.status == 0, "\(triggered.output)")
        // Unpaused, the DAG's run starts (the oldest logical date first); paused again once it runs, the scheduled
        // run unpausing created stays queued and the workers run only this one.
        #expect(try c.sandbox.run("dags", "unpause", "shopstream_daily").status == 0)
        #expect(try c.sandbox.waitFor(60) {
            try c.db().queryOne("SELECT state FROM dag_run WHERE dag_id = 'shopstream_daily' AND run_type = 'manual'")?["state"].string == "running"
        })
        #expect(try c.sandbox.run("dags", "pause", "shopstream_daily").status == 0)

        // Wait for load_bronze try 1 to be inside its COPY transaction, then freeze its worker's whole "host".
        let wh = try PGConnection(conninfo: warehouse.dsn)
        defer { wh.close() }
        let tryName = "^orch:[0-9a-f]{8}:load_bronze:"
        func sessions(ofTry n: Int) -> Int {
            (try? wh.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name ~ $1",
                             ["\(tryName)\(n)$"]).scalarInt()) ?? 0
        }
        /// Rows try `n` has COPYed into bronze and not committed yet (their unique keys are held by its transaction).
        func uncommittedRows(ofTry n: Int) -> Int {
            (try? wh.execute("""
                SELECT coalesce(sum(p.tuples_processed), 0)::bigint FROM pg_stat_progress_copy p
                JOIN pg_stat_activity a ON a.pid = p.pid WHERE a.application_name ~ $1 AND p.relid = 'bronze.raw_events'::regclass
                """, ["\(tryName)\(n)$"]).scalarInt()) ?? 0
        }
        let copying = c.sandbox.waitFor(400) { uncommittedRows(ofTry: 1) > 0 }
        try #require(copying, "load_bronze try 1 never reached its COPY: \(a.stderr.suffix(1500)) \(b.stderr.suffix(1500))")
        let holder = try c.db().queryOne(
            "SELECT worker FROM remote_attempt WHERE task_id = 'load_bronze' AND try_number = 1")?["worker"].string
        let (frozenWorker, otherWorker) = holder == c.serverName(of: a) ? (a, b) : (b, a)
        #expect(holder == c.serverName(of: frozenWorker))
        let frozen = [frozenWorker.pid] + descendants(of: frozenWorker.pid)
        let frozenAt = Date().timeIntervalSince1970
        for p in frozen { kill(p, SIGSTOP) }
        usleep(300_000)
        let heldWhenFrozen = uncommittedRows(ofTry: 1)
        #expect(heldWhenFrozen > 0, "the freeze came after the COPY committed: nothing to fence")

        // The other worker retries load_bronze and finishes the run while the first stays frozen.
        var state: String?
        _ = try c.sandbox.waitFor(600) {
            state = try c.db().queryOne("SELECT state FROM dag_run WHERE dag_id = 'shopstream_daily' AND run_type = 'manual'")?["state"].string
            return state == "success" || state == "failed"
        }
        let runEndedAt = Date().timeIntervalSince1970
        #expect(state == "success", "\(otherWorker.stderr.suffix(3000))")
        #expect(sessions(ofTry: 1) == 0, "the frozen try's warehouse sessions were ended by its retry")
        for p in frozen { kill(p, SIGCONT) }
        #expect(c.sandbox.waitFor(30) { frozenWorker.stderr.contains("refused by the server") }, "\(frozenWorker.stderr.suffix(2000))")
        usleep(1_500_000)

        // The run in the server's state: every task succeeded, load_bronze on its second try, no two tries overlap.
        let db = try c.db()
        let rows = try RunRows(db, dagId: "shopstream_daily", runType: "manual")
        #expect(rows.tasks == Dictionary(uniqueKeysWithValues: Self.tasks.map { ($0, "success") }))
        let bronzeTries = rows.attempts(of: "load_bronze")
        #expect(bronzeTries.map { $0["state"].string } == ["failed", "success"])
        #expect(bronzeTries.first?["error"].string?.contains("lease lost") == true)
        for task in Self.tasks {
            let tries = rows.attempts(of: task).map { ($0["start_date"].double ?? 0, $0["end_date"].double ?? .infinity) }
            #expect(zip(tries, tries.dropFirst()).allSatisfy { $0.1 <= $1.0 }, "\(task): tries overlap: \(tries)")
        }
        let remote = try db.query("SELECT task_id, try_number, state, worker FROM remote_attempt WHERE run_pk = ? ORDER BY attempt_id",
                                  [rows.runPk])
        let lost = remote.filter { $0["state"].string == "lost" }
        #expect(lost.count == 1 && lost.first?["task_id"].string == "load_bronze" && lost.first?["try_number"].int == 1)
        let completedBy = Set(remote.filter { $0["state"].string == "completed" }.compactMap { $0["worker"].string })
        #expect(completedBy.contains(c.serverName(of: otherWorker)))
        #expect(Set(remote.compactMap { $0["worker"].string }) == [c.serverName(of: a), c.serverName(of: b)],
                "both workers ran tasks of the run")
        let retryLog = bronzeTries.last.flatMap { $0["log_path"].string }.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        #expect(retryLog.contains("warehouse session(s) of earlier tries of this task"), "\(retryLog.suffix(2000))")

        // Bronze: every produced message exactly once (good rows and dead letters), no holes, no duplicates.
        let produced = try #require(try db.queryOne(
            "SELECT value FROM xcom WHERE run_pk = ? AND task_id = 'produce' AND key = 'topics'", [rows.runPk])?["value"].string)
        let perTopic = try #require(try JSONSerialization.jsonObject(with: Data(produced.utf8)) as? [String: Int])
        for (topic, count) in perTopic {
            let landed = try warehouse.scalar("""
                SELECT (SELECT count(*) FROM bronze.raw_events WHERE topic = '\(topic)')
                     + (SELECT count(*) FROM bronze.dead_letter WHERE topic = '\(topic)')
                """)
            #expect(landed == String(count), "\(topic): \(landed) in bronze, \(count) produced")
        }
        #expect(try warehouse.scalar("""
            SELECT count(*) FROM (SELECT topic, "partition", "offset" FROM bronze.raw_events
                                  GROUP BY 1, 2, 3 HAVING count(*) > 1) d
            """) == "0")
        #expect(try warehouse.scalar("""
            SELECT count(*) FROM (SELECT topic, "partition", count(*) AS n, max("offset") AS last FROM (
                SELECT topic, "partition", "offset" FROM bronze.raw_events
                UNION ALL SELECT topic, "partition", "offset" FROM bronze.dead_letter) m
              GROUP BY 1, 2) p WHERE n <> last + 1
            """) == "0", "every partition holds offsets 0..n-1")
        let bronzeRows = try warehouse.scalar("SELECT count(*) FROM bronze.raw_events")

        // Gold reconciles with the source, and every quality check of the run passed.
        #expect(try warehouse.scalar("SELECT count(*) FROM gold.dim_customers") == String(try snapshotCount("users")))
        #expect(try warehouse.scalar("SELECT count(*) FROM gold.dim_products") == String(try snapshotCount("products")))
        #expect(try warehouse.scalar("SELECT count(*) FROM gold.fct_orders WHERE channel = 'cart'") == String(try snapshotCount("carts")))
        let checks = try warehouse.scalar("SELECT count(*) FROM quality.check_results WHERE run_id = '\(rows.runId)'")
        #expect(Int(checks) ?? 0 >= 5)
        #expect(try warehouse.scalar(
            "SELECT count(*) FROM quality.check_results WHERE run_id = '\(rows.runId)' AND status <> 'pass'") == "0")

        // Nothing of orch was shared: no state database on the workers, no task data in the server's home.
        for w in [a, b] { #expect(!FileManager.default.fileExists(atPath: (c.homeOf(w) ?? "/nonexistent") + "/orch.db")) }
        #expect(!FileManager.default.fileExists(atPath: c.sandbox.home.appendingPathComponent("data/shopstream").path))

        let tryTwo = bronzeTries.last
        print(String(format: """
            FIGURES remote shopstream_daily (%d clickstream events): %d processes frozen inside load_bronze's COPY \
            (%d rows COPYed, uncommitted); lease lost %.2f s after the freeze; try 2 ran %.2f-%.2f s after it; \
            run success %.1f s after it, the worker still frozen; %@ bronze rows, 0 duplicates; %@ quality checks passed
            """, Self.events, frozen.count, heldWhenFrozen, (bronzeTries.first?["end_date"].double ?? 0) - frozenAt,
            (tryTwo?["start_date"].double ?? 0) - frozenAt, (tryTwo?["end_date"].double ?? 0) - frozenAt,
            runEndedAt - frozenAt, bronzeRows, checks))
    }
}
