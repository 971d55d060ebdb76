#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchPostgres
import OrchTestSupport
import Testing

/// `ORCH_STATE_DSN`: the scheduler, `orch trigger`, task processes (XCom) and the CLI's reads keep the run state
/// in PostgreSQL (a fresh schema), and nothing falls back to a SQLite file in ORCH_HOME.
@Suite(.serialized) struct CLIPostgresStateTests {
    /// A sandbox whose commands use a fresh PostgreSQL schema, and a connection to that schema.
    private func sandbox() throws -> (OrchSandbox, PostgresTestSchema, PGConnection) {
        let s = try OrchSandbox()
        let schema = try PostgresTestSchema(prefix: "cli")
        s.extraEnvironment["ORCH_STATE_DSN"] = schema.dsn
        return (s, schema, try PGConnection(conninfo: schema.dsn))
    }

    private func startScheduler(_ s: OrchSandbox, _ db: PGConnection, _ args: [String] = []) throws -> RunningOrch {
        let p = try s.start(["scheduler"] + args)
        let holding = s.waitFor(60) {
            (try? db.execute("SELECT 1 FROM scheduler_lease WHERE pid = $1", [Int(p.pid)]).count) == 1
        }
        if !holding { p.stop(SIGKILL); Issue.record("scheduler did not take the lease: \(p.stderr)") }
        return p
    }

    @Test func aTriggeredRunRunsToSuccessWithItsStateInPostgreSQL() throws {
        let (s, schema, db) = try sandbox(); defer { s.cleanup(); schema.drop() }
        let scheduler = try startScheduler(s, db)
        defer { scheduler.stop(SIGTERM) }
        #expect(try s.run("dags", "unpause", "example_fanout").status == 0)
        let r = try s.run("trigger", "example_fanout", "--wait")
        #expect(r.status == 0, "\(r.output)")
        #expect(!r.stderr.contains("no scheduler is running"), "\(r.stderr)")
        #expect(r.stdout.contains("join: success"), "\(r.output)")
        // The rows are in PostgreSQL: the run, every task, one successful try each, and the XComs the work tasks
        // pushed from their own processes.
        let run = try db.execute("SELECT id, state FROM dag_run WHERE dag_id = 'example_fanout' AND run_type = 'manual'")
        let state = try run.string(0, "state")
        #expect(run.count == 1 && state == "success")
        let pk = try #require(try run.int64(0, "id"))
        let tasks = try db.execute("SELECT task_id, state, try_number FROM task_instance WHERE run_pk = $1", [pk])
        #expect(tasks.count == 7 && tasks.rows.allSatisfy { $0[1] == "success" && $0[2] == "1" }, "\(tasks.rows)")
        let attempts = try db.execute("SELECT count(*) FROM task_attempt WHERE run_pk = $1 AND state = 'success'", [pk])
        #expect(try attempts.scalarInt() == 7)
        let xcoms = try db.execute("SELECT count(*) FROM xcom WHERE run_pk = $1 AND key = 'return_value'", [pk])
        #expect(try xcoms.scalarInt() == 5)
        // The CLI reads the same rows.
        let listed = try s.run("runs", "list", "example_fanout")
        #expect(listed.status == 0 && listed.stdout.contains("success"), "\(listed.output)")
        #expect(!FileManager.default.fileExists(atPath: s.databasePath), "nothing was written to a SQLite file")
        // The DSN's password is not in the scheduler's log.
        #expect(!scheduler.stderr.contains(":orch@"), "\(scheduler.stderr)")
    }

    @Test func aDSNThatIsNotAPostgresURIIsRefusedNotTakenForAFile() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        s.extraEnvironment["ORCH_STATE_DSN"] = "host=127.0.0.1 dbname=orch"
        let r = try s.run("runs", "list", "example_fanout")
        #expect(r.status != 0)
        #expect(r.stderr.contains("ORCH_STATE_DSN must be a PostgreSQL URI"), "\(r.output)")
        #expect(!FileManager.default.fileExists(atPath: s.databasePath))
    }

    /// Remote workers with the server's state in PostgreSQL (issue 19): the worker role, the offers and leases
    /// (`remote_attempt`), XCom through the API and the run all live in PostgreSQL; the workers have no database.
    /// A task offered while no worker runs says why it waits.
    @Test func remoteWorkersRunAFanOutWithTheStateInPostgreSQL() throws {
        let schema = try PostgresTestSchema(prefix: "cliremote")
        defer { schema.drop() }
        let c = try RemoteCluster(leaseTimeout: 15, stateDSN: schema.dsn)
        defer { c.stopAll() }
        let db = try PGConnection(conninfo: schema.dsn)
        try c.trigger("remote_fanout")
        var runId = ""
        var why = ""
        let waiting = c.sandbox.waitFor(60) {
            runId = (try? db.execute("SELECT run_id FROM dag_run WHERE dag_id = 'remote_fanout'").string(0, "run_id")) ?? ""
            guard !runId.isEmpty else { return false }
            why = (try? c.sandbox.run("tasks", "why", "remote_fanout", runId, "seed").output) ?? ""
            return why.contains("no worker has leased it")
        }
        #expect(waiting, "an offered task says it waits for a worker of its queue: \(why)")
        _ = try c.startWorker("wa")
        _ = try c.startWorker("wb")
        var state: String?
        _ = c.sandbox.waitFor(90) {
            state = (try? db.execute("SELECT state FROM dag_run WHERE dag_id = 'remote_fanout'").string(0, "state")) ?? nil
            return state == "success" || state == "failed"
        }
        #expect(state == "success")
        #expect(!FileManager.default.fileExists(atPath: c.sandbox.databasePath), "no SQLite state beside PostgreSQL")
        let states = try db.execute("SELECT state, count(*) AS n FROM remote_attempt GROUP BY state")
        let onlyState = try states.string(0, "state")
        let count = try states.string(0, "n")
        #expect(states.count == 1 && onlyState == "completed" && count == "10")
        let sum = try db.execute("""
            SELECT x.value FROM xcom x JOIN dag_run r ON r.id = x.run_pk
            WHERE r.dag_id = 'remote_fanout' AND x.task_id = 'join' AND x.key = 'sum'
            """)
        let total = try sum.string(0, "value")
        #expect(sum.count == 1 && total.flatMap(Double.init) == 828)
    }
}
