import Foundation
import OrchCore
import OrchSQLite

extension SQLiteStateStore {
    public func createRun(dagId: String, runId: String, runType: RunType, interval: DataInterval,
                          logicalDate: Date? = nil, conf: [String: JSONValue], tasks: [(id: String, maxTries: Int)],
                          owner: String?, now: Date, generatedRunId: Bool = false) throws -> RunRecord {
        let logicalDate = logicalDate ?? interval.start
        return try write {
            // A scheduler's store: a deposed scheduler creates no run (a due run is the new holder's to create).
            try checkFence()
            // A run id the caller chose must be free; a generated one gets the first free suffix (`_2`, `_3`, …),
            // decided inside this write transaction so that concurrent triggers cannot pick the same one.
            let base = runId
            var runId = runId
            var attempt = 1
            while try db.queryOne("SELECT 1 FROM dag_run WHERE dag_id = ? AND run_id = ?", [dagId, runId]) != nil {
                guard generatedRunId, attempt < RunIdRule.maxAttempts else {
                    throw StoreError.conflict("DAG '\(dagId)' already has a run '\(runId)'")
                }
                attempt += 1
                runId = RunIdRule.candidate(base, attempt: attempt)
            }
            // Manual runs may share a logical date (Airflow 3 allows it: two triggers in the same instant, or the
            // same --logical-date twice). The table keeps one run per (DAG, logical date, run type) for the
            // scheduler's sake, so a generated manual run that ties is placed a microsecond later: same interval,
            // same date to the second, a run of its own.
            var logicalDate = logicalDate
            var ties = 0
            while try db.queryOne("SELECT 1 FROM dag_run WHERE dag_id = ? AND logical_date = ? AND run_type = ?",
                                  [dagId, logicalDate.unix, runType.rawValue]) != nil {
                if runType == .manual, generatedRunId, ties < RunIdRule.maxAttempts {
                    ties += 1
                    logicalDate = logicalDate.addingTimeInterval(0.000_001)
                    continue
                }
                throw StoreError.conflict("DAG '\(dagId)' already has a \(runType.rawValue) run for logical date \(isoString(logicalDate)); clear it to run it again (`orch runs clear RUN_ID`)")
            }
            let pk = try db.insert("""
                INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, interval_start, interval_end,
                                     conf, owner, queued_at, dag_version)
                VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, (SELECT version FROM dag WHERE dag_id = ?))
                """, [dagId, runId, runType.rawValue, logicalDate.unix, interval.start.unix, interval.end.unix,
                      JSONValue.object(conf).jsonText, owner, now.unix, dagId])
            // The DAG version loaded now (issue 13): the run is pinned to it, whoever created it.
            let version = try db.queryOne("SELECT dag_version FROM dag_run WHERE id = ?", [pk])?["dag_version"].string
            for t in tasks {
                try db.execute("INSERT INTO task_instance (run_pk, task_id, state, max_tries) VALUES (?, ?, 'none', ?)",
                               [pk, t.id, t.maxTries])
            }
            return RunRecord(pk: pk, dagId: dagId, runId: runId, runType: runType, state: .queued,
                             logicalDate: logicalDate, dataInterval: interval, conf: conf, owner: owner,
                             queuedAt: now, startDate: nil, endDate: nil, dagVersion: version)
        }
    }

    public func run(pk: Int64) throws -> RunRecord? {
        try locked { try db.queryOne("SELECT * FROM dag_run WHERE id = ?", [pk]).map(Self.runRecord) }
    }

    public func run(dagId: String, runId: String) throws -> RunRecord? {
        try locked {
            try db.queryOne("SELECT * FROM dag_run WHERE dag_id = ? AND run_id = ?", [dagId, runId]).map(Self.runRecord)
        }
    }

    /// Every run with this run id, newest first. Run ids are unique per DAG only: two DAGs run manually for the
    /// same logical date both have `manual__<date>`.
    public func runs(withRunId runId: String) throws -> [RunRecord] {
        try locked { try db.query("SELECT * FROM dag_run WHERE run_id = ? ORDER BY id DESC", [runId]).map(Self.runRecord) }
    }

    public func runs(_ q: RunQuery) throws -> [RunRecord] {
        let (whereSQL, params) = Self.filter(q)
        return try locked {
            try db.query("SELECT * FROM dag_run \(whereSQL) ORDER BY logical_date DESC, id DESC LIMIT ? OFFSET ?",
                         params + [q.limit, q.offset]).map(Self.runRecord)
        }
    }

    /// How many runs match. Without a date filter the answer comes from `dag_run_count` (kept by triggers, one
    /// row per DAG, state and run type), so it costs the same with 10 runs or 100,000.
    public func countRuns(_ q: RunQuery) throws -> Int {
        if q.logicalFrom == nil && q.logicalTo == nil {
            let (whereSQL, params) = Self.filter(RunQuery(dagId: q.dagId, states: q.states, runTypes: q.runTypes))
            return try locked {
                try db.queryOne("SELECT coalesce(sum(n), 0) AS n FROM dag_run_count \(whereSQL)", params)?["n"].int ?? 0
            }
        }
        let (whereSQL, params) = Self.filter(q)
        return try locked { try db.queryOne("SELECT count(*) AS n FROM dag_run \(whereSQL)", params)?["n"].int ?? 0 }
    }

    public func activeRuns() throws -> [RunRecord] {
        try locked {
            try db.query("SELECT * FROM dag_run WHERE state IN ('queued', 'running') ORDER BY logical_date, id")
                .map(Self.runRecord)
        }
    }

    public func runExists(dagId: String, logicalDate: Date, runType: RunType) throws -> Bool {
        try locked {
            try db.queryOne("SELECT 1 FROM dag_run WHERE dag_id = ? AND logical_date = ? AND run_type = ?",
                            [dagId, logicalDate.unix, runType.rawValue]) != nil
        }
    }

    public func startRun(pk: Int64, owner: String?, now: Date) throws {
        try write {
            try db.execute("""
                UPDATE dag_run SET state = 'running', owner = ?, start_date = coalesce(start_date, ?)
                WHERE id = ? AND state IN ('queued', 'running')
                """, [owner, now.unix, pk])
        }
    }

    public func setRunOwner(pk: Int64, owner: String?) throws {
        try write { try db.execute("UPDATE dag_run SET owner = ? WHERE id = ?", [owner, pk]) }
    }

    public func finishRun(pk: Int64, state: RunState, now: Date, alerts: [AlertDraft]) throws {
        try write {
            try db.execute("UPDATE dag_run SET state = ?, end_date = ?, owner = NULL WHERE id = ?",
                           [state.rawValue, now.unix, pk])
            try insertAlerts(alerts, now: now)
        }
    }

    /// Marks a run success or failed by hand; unfinished tasks take the same state.
    public func markRun(pk: Int64, state: RunState, now: Date) throws {
        guard state.isFinished else { throw StoreError.invalid("a run can be marked success or failed, not \(state.rawValue)") }
        try write {
            guard try db.queryOne("SELECT 1 FROM dag_run WHERE id = ?", [pk]) != nil else {
                throw StoreError.notFound("run \(pk)")
            }
            try markRunRows(pk: pk, state: state, now: now)
        }
    }

    /// ``markRun(pk:state:now:)`` inside the caller's write transaction (single and bulk marks).
    func markRunRows(pk: Int64, state: RunState, now: Date) throws {
        let ti: TaskState = state == .success ? .success : .failed
        try db.execute("""
            UPDATE task_instance SET state = ?, end_date = coalesce(end_date, ?)
            WHERE run_pk = ? AND state NOT IN ('success', 'failed', 'upstream_failed', 'skipped', 'removed')
            """, [ti.rawValue, now.unix, pk])
        try db.execute("UPDATE dag_run SET state = ?, end_date = ?, owner = NULL WHERE id = ?",
                       [state.rawValue, now.unix, pk])
    }

    func insertAlerts(_ alerts: [AlertDraft], now: Date) throws {
        if !alerts.isEmpty { wroteAlerts = true }
        for a in alerts {
            try db.execute("""
                INSERT INTO alert (delivery_id, event, target, dag_id, run_id, task_id, try_number, payload,
                                   next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, [a.deliveryId, a.event, a.target, a.dagId, a.runId, a.taskId, a.tryNumber, a.payload,
                      now.unix, now.unix])
        }
    }

    static func filter(_ q: RunQuery) -> (String, [any SQLiteBindable]) {
        var clauses: [String] = []
        var params: [any SQLiteBindable] = []
        if let d = q.dagId { clauses.append("dag_id = ?"); params.append(d) }
        if !q.states.isEmpty {
            clauses.append("state IN (\(q.states.map { _ in "?" }.joined(separator: ",")))")
            params += q.states.map(\.rawValue)
        }
        if !q.runTypes.isEmpty {
            clauses.append("run_type IN (\(q.runTypes.map { _ in "?" }.joined(separator: ",")))")
            params += q.runTypes.map(\.rawValue)
        }
        if let f = q.logicalFrom { clauses.append("logical_date >= ?"); params.append(f.unix) }
        if let t = q.logicalTo { clauses.append("logical_date <= ?"); params.append(t.unix) }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), params)
    }
}

/// ISO 8601 in UTC, seconds precision.
public func isoString(_ date: Date) -> String { UTCFormat.iso(date) }

extension SQLiteStateStore {
    /// Writes alerts into the outbox on their own (events that change no state, like deadlines).
    public func enqueueAlerts(_ alerts: [AlertDraft], now: Date) throws {
        guard !alerts.isEmpty else { return }
        try write { try insertAlerts(alerts, now: now) }
    }
}
