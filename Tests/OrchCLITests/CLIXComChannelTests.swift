#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchPostgres
import OrchTestSupport
import Testing

/// Issue 13: task code never touches the state database. The scheduler keeps its state in PostgreSQL as a role of
/// its own; once the run has started, that role may not log in any more, so no new process can open the state
/// database. A forked task process and a task in the bundle's task host then push and pull XCom through the
/// scheduler's socket, and the run succeeds with the values in PostgreSQL. (Before, each task process connected
/// to the database with the DSN from its spec, and would have been refused here.)
@Suite(.serialized) struct CLIXComChannelTests {
    @Test func taskProcessesThatCannotOpenTheStateDatabaseStillPushAndPullXCom() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let admin = try PGConnection(conninfo: PostgresTestSchema.databaseURI)
        let tag = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let role = "orch_xcom_\(tag)", schema = "xcom_\(tag)", password = "pw\(tag)"
        try admin.executeScript("""
            CREATE ROLE \(role) LOGIN PASSWORD '\(password)';
            CREATE SCHEMA \(schema);
            GRANT ALL ON SCHEMA \(schema) TO \(role);
            GRANT \(role) TO CURRENT_USER;
            """)
        defer {
            try? admin.executeScript("DROP SCHEMA IF EXISTS \(schema) CASCADE; DROP ROLE IF EXISTS \(role)")
        }
        var base = URLComponents(string: PostgresTestSchema.databaseURI)!
        base.user = role
        base.password = password
        let dsn = base.string! + "?options=-csearch_path%3D\(schema)"
        s.extraEnvironment["ORCH_STATE_DSN"] = dsn

        let scheduler = try s.start(["scheduler"])
        defer { scheduler.stop(SIGTERM) }
        let leased = s.waitFor(60) {
            (try? admin.execute("SELECT 1 FROM \(schema).scheduler_lease WHERE pid = $1", [Int(scheduler.pid)]).count) == 1
        }
        #expect(leased, "\(scheduler.stderr)")
        let gate = s.home.appendingPathComponent("gate").path
        #expect(try s.run("dags", "unpause", "test_xcom_channel").status == 0)
        let trigger = try s.run("trigger", "test_xcom_channel", "--conf", #"{"gate": "\#(gate)"}"#)
        #expect(trigger.status == 0, "\(trigger.output)")
        let gateRunning = s.waitFor(60) {
            (try? admin.execute("SELECT 1 FROM \(schema).task_instance WHERE task_id = 'gate' AND state = 'running'").count) == 1
        }
        #expect(gateRunning, "\(scheduler.stderr)")

        // From now on nothing can open the state database as this role: the scheduler keeps the connections it has.
        try admin.executeScript("ALTER ROLE \(role) NOLOGIN")
        #expect(throws: (any Error).self) { _ = try PGConnection(conninfo: dsn) }
        #expect(FileManager.default.createFile(atPath: gate, contents: nil))

        let finished = s.waitFor(120) {
            let r = try? admin.execute("SELECT state FROM \(schema).dag_run WHERE dag_id = 'test_xcom_channel'")
            let state = try? r?.string(0, "state")
            return state == "success" || state == "failed"
        }
        #expect(finished, "\(scheduler.stderr)")
        let tries = try admin.execute("""
            SELECT a.task_id, a.state, a.error FROM \(schema).task_attempt a JOIN \(schema).dag_run r ON r.id = a.run_pk
            WHERE r.dag_id = 'test_xcom_channel' ORDER BY a.start_date
            """)
        #expect(tries.rows.map { $0[0] } == ["gate", "push_process", "double_hosted", "check_process"], "\(tries.rows)")
        #expect(tries.rows.allSatisfy { $0[1] == "success" }, "\(tries.rows)")
        let xcom = try admin.execute("""
            SELECT x.task_id, x.key, x.value FROM \(schema).xcom x JOIN \(schema).dag_run r ON r.id = x.run_pk
            WHERE r.dag_id = 'test_xcom_channel' ORDER BY x.task_id, x.key
            """)
        #expect(xcom.rows.map { "\($0[0] ?? "").\($0[1] ?? "")=\($0[2] ?? "")" }
                == ["check_process.checked=true", "double_hosted.return_value=42", "push_process.return_value=21"],
                "\(xcom.rows)")
        // The role's password went to no task process: not in the spec they were given, nor in their logs.
        #expect(!scheduler.stderr.contains(password))
        let logs = FileManager.default.enumerator(atPath: s.home.appendingPathComponent("logs").path)?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".log") } ?? []
        #expect(logs.count >= 4)
        for log in logs {
            let text = try String(contentsOfFile: s.home.appendingPathComponent("logs").appendingPathComponent(log).path,
                                  encoding: .utf8)
            #expect(!text.contains(password), "\(log)")
        }
    }
}
