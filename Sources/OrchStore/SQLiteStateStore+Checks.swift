import Foundation
import OrchCore
import OrchSQLite

/// Asset check results (issue 14): written with the end of the attempt that ran them, read per asset and per run.
extension SQLiteStateStore {
    /// Inside `finishAttempt`'s transaction: the results the attempt's checks pushed (XCom `orch.check:<name>`),
    /// recorded when it succeeded; the XComs are removed either way.
    func recordCheckResults(runPk: Int64, taskId: String, tryNumber: Int, succeeded: Bool, now: Date) throws {
        let prefix = AssetCheck.xcomPrefix
        if succeeded {
            let records = try reportedChecks(runPk: runPk, taskId: taskId)
            if !records.isEmpty {
                guard let row = try db.queryOne("SELECT id, dag_id, run_id FROM dag_run WHERE id = ?", [runPk]) else {
                    throw StoreError.notFound("run \(runPk)")
                }
                let run = RowReader(row, table: "dag_run")
                let (dagId, runId) = (try run.string("dag_id"), try run.string("run_id"))
                for record in records {
                    try db.execute("""
                        INSERT INTO asset_check_result (asset_id, check_name, severity, passed, observed, details, run_pk,
                            dag_id, run_id, task_id, try_number, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, [try assetId(record.asset, now: now), record.name, record.severity.rawValue, record.outcome.passed,
                              record.outcome.observed.jsonText, record.outcome.details, runPk, dagId, runId, taskId,
                              tryNumber, now.unix])
                }
            }
        }
        try db.execute("DELETE FROM xcom WHERE run_pk = ? AND task_id = ? AND substr(key, 1, ?) = ?",
                       [runPk, taskId, prefix.count, prefix])
    }

    /// The check results `taskId`'s attempt pushed and its end has not recorded yet, oldest first. Only the check
    /// runner writes these keys; a malformed value pushed by hand is ignored. Call with the database lock held.
    func reportedChecks(runPk: Int64, taskId: String) throws -> [AssetCheckRecord] {
        let prefix = AssetCheck.xcomPrefix
        return try db.query("SELECT value FROM xcom WHERE run_pk = ? AND task_id = ? AND substr(key, 1, ?) = ? ORDER BY updated_at, key",
                            [runPk, taskId, prefix.count, prefix])
            .compactMap { try? AssetCheckRecord(json: try JSONValue.parse($0["value"].string ?? "null")) }
    }

    /// The error-severity checks that failed in a run (the latest result of each check counts).
    public func failedErrorChecks(runPk: Int64) throws -> [CheckBlocking.FailedCheck] {
        try locked {
            try db.query("""
                SELECT a.uri, c.check_name, c.passed FROM asset_check_result c JOIN asset a ON a.id = c.asset_id
                WHERE c.id IN (SELECT max(id) FROM asset_check_result WHERE run_pk = ? GROUP BY asset_id, check_name)
                  AND c.severity = 'error' AND c.passed = 0
                """, [runPk]).map { CheckBlocking.FailedCheck(asset: $0["uri"].string ?? "", name: $0["check_name"].string ?? "") }
        }
    }

    /// The run's failed error checks, counting the results `taskId`'s attempt has reported but that are not
    /// recorded yet (they are recorded with the attempt's end, in the engine's next batch): what the engine must
    /// know before it decides on the readers of that task's assets.
    public func failedErrorChecks(runPk: Int64, reportedBy taskId: String) throws -> [CheckBlocking.FailedCheck] {
        let reported = try locked { try reportedChecks(runPk: runPk, taskId: taskId) }
        let fresh = Dictionary(reported.map { (CheckBlocking.FailedCheck(asset: $0.asset, name: $0.name), $0) },
                               uniquingKeysWith: { _, b in b })
        var failed = try failedErrorChecks(runPk: runPk).filter { fresh[$0] == nil }
        for (check, record) in fresh where record.severity == .error && !record.outcome.passed { failed.append(check) }
        return failed.sorted { ($0.asset, $0.name) < ($1.asset, $1.name) }
    }

    /// A task may not run: the blocking rule named why (state `blocked_by_check`, the reason as its error).
    public func blockTask(runPk: Int64, taskId: String, reason: String, now: Date) throws {
        try write {
            try db.execute("""
                UPDATE task_instance SET state = 'blocked_by_check', error = ?, end_date = ? WHERE run_pk = ? AND task_id = ?
                """, [reason, now.unix, runPk, taskId])
        }
    }

    /// Check results of one asset, newest first.
    public func checkResults(assetId: Int64, limit: Int, offset: Int = 0) throws -> [CheckResultRecord] {
        try locked {
            try db.query("SELECT * FROM asset_check_result WHERE asset_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                         [assetId, limit, offset]).map(Self.checkResult)
        }
    }

    public func countCheckResults(assetId: Int64) throws -> Int {
        try locked { try db.queryOne("SELECT count(*) AS n FROM asset_check_result WHERE asset_id = ?", [assetId])?["n"].int ?? 0 }
    }

    /// The latest result of every check of every asset, by asset id: what health reads.
    public func latestCheckResults() throws -> [Int64: [CheckResultRecord]] {
        try locked {
            var out: [Int64: [CheckResultRecord]] = [:]
            for r in try db.query("""
                SELECT * FROM asset_check_result WHERE id IN (SELECT max(id) FROM asset_check_result GROUP BY asset_id, check_name)
                ORDER BY check_name
                """) {
                let c = try Self.checkResult(r)
                out[c.assetId, default: []].append(c)
            }
            return out
        }
    }

    static func checkResult(_ r: SQLiteRow) throws -> CheckResultRecord {
        let c = RowReader(r, table: "asset_check_result")
        let observedText = try c.string("observed")
        guard let observed = try? JSONValue.parse(observedText) else { throw c.fail("observed", "a JSON value") }
        return CheckResultRecord(id: try c.int64("id"), assetId: try c.int64("asset_id"), name: try c.string("check_name"),
                                 severity: try c.value("severity", CheckVerdict.Severity.self),
                                 passed: try c.int("passed") == 1, observed: observed, details: try c.string("details"),
                                 dagId: try c.string("dag_id"), runId: try c.string("run_id"),
                                 taskId: try c.string("task_id"), createdAt: try c.date("created_at"))
    }
}

/// One recorded result of an asset check.
public struct CheckResultRecord: Sendable, Hashable {
    public var id: Int64
    public var assetId: Int64
    public var name: String
    public var severity: CheckVerdict.Severity
    public var passed: Bool
    public var observed: JSONValue
    public var details: String
    public var dagId: String
    public var runId: String
    public var taskId: String
    public var createdAt: Date

    public var verdict: CheckVerdict { CheckVerdict(name: name, severity: severity, passed: passed) }
}
