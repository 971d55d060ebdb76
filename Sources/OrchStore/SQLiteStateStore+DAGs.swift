import Foundation
import OrchCore
import OrchSQLite

extension SQLiteStateStore {
    /// A DAG whose row and asset references already say what the DAG says is not written again: every CLI
    /// command syncs every loaded DAG, and with hundreds of DAGs those writes were most of a trigger's time
    /// (a round trip each on PostgreSQL).
    public func syncDAGs(_ dags: [DAG], pausedOnCreation: Bool, now: Date) throws {
        try write {
            var stored: [String: DAGRecord] = [:]
            for r in try db.query("SELECT * FROM dag") {
                let record = try Self.dagRecord(r)
                stored[record.dagId] = record
            }
            var references: [String: Set<AssetReference>] = [:]
            for r in try db.query("""
                SELECT r.asset_id, a.uri, r.dag_id, r.task_id, r.role FROM asset_reference r JOIN asset a ON a.id = r.asset_id
                """) {
                let ref = try Self.reference(r)
                references[ref.dagId, default: []].insert(ref)
            }
            for d in dags {
                if let row = stored[d.id], row.schedule == d.schedule, row.timeZone == d.timeZone,
                   row.description == d.description, row.owner == d.owner, row.tags == d.tags,
                   references[d.id, default: []] == Set(d.assetReferences) {
                    continue
                }
                let tags = JSONValue.array(d.tags.map { .string($0) }).jsonText
                try db.execute("""
                    INSERT INTO dag (dag_id, is_paused, schedule, timezone, description, owner, tags, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (dag_id) DO UPDATE SET schedule = excluded.schedule, timezone = excluded.timezone,
                        description = excluded.description, owner = excluded.owner, tags = excluded.tags,
                        updated_at = excluded.updated_at
                    """, [d.id, pausedOnCreation, d.schedule, d.timeZone, d.description, d.owner, tags, now.unix])
                try writeAssetReferences(d, now: now)   // assets (issue 14)
            }
        }
    }

    public func dags() throws -> [DAGRecord] {
        try locked { try db.query("SELECT * FROM dag ORDER BY dag_id").map(Self.dagRecord) }
    }

    /// Every DAG's schedule position, without the rest of its row (no tags to parse): what the scheduler's look
    /// for due runs reads.
    public func schedulePositions() throws -> [DAGSchedulePosition] {
        try locked {
            try db.query("""
                SELECT dag_id, is_paused, last_interval_start, last_interval_end, next_run_at FROM dag ORDER BY dag_id
                """).map { r in
                let c = RowReader(r, table: "dag", key: ["dag_id"])
                return DAGSchedulePosition(dagId: try c.string("dag_id"), isPaused: try c.int("is_paused") == 1,
                                           lastInterval: try Self.lastInterval(c),
                                           nextRunAt: try c.optionalDate("next_run_at"))
            }
        }
    }

    /// How many changes DAG rows have had (kept by triggers, migrations/state/0018): it moves when any process adds,
    /// removes, pauses, unpauses or re-schedules a DAG or moves its schedule position, and on nothing else (a
    /// lease heartbeat, a run or a task state change leave it be).
    public func dagChangeCount() throws -> Int { try schedulerMarks().dagChanges }

    /// The scheduler turn's marks in one read: ``dagChangeCount()`` and the newest materialization's id
    /// (``AssetRunGate``).
    public func schedulerMarks() throws -> SchedulerMarks {
        try locked {
            let row = try db.queryOne("""
                SELECT (SELECT n FROM dag_change_count WHERE id = 1), (SELECT max(id) FROM asset_event)
                """)
            return SchedulerMarks(dagChanges: row?[0].int ?? 0, latestMaterialization: row?[1].int.map(Int64.init))
        }
    }

    public func pausedDAGIds() throws -> Set<String> {
        try locked { Set(try db.query("SELECT dag_id FROM dag WHERE is_paused = 1").map { try RowReader($0, table: "dag").string("dag_id") }) }
    }

    public func dag(_ dagId: String) throws -> DAGRecord? {
        try locked { try db.queryOne("SELECT * FROM dag WHERE dag_id = ?", [dagId]).map(Self.dagRecord) }
    }

    public func setPaused(_ dagId: String, _ paused: Bool) throws {
        let n = try write { try db.execute("UPDATE dag SET is_paused = ? WHERE dag_id = ?", [paused, dagId]) }
        if n == 0 { throw StoreError.notFound("DAG '\(dagId)'") }
    }

    public func setSchedulePosition(_ dagId: String, lastInterval: DataInterval?, nextRunAt: Date?) throws {
        try write {
            try checkFence()
            try db.execute("""
                UPDATE dag SET last_interval_start = coalesce(?, last_interval_start),
                    last_interval_end = coalesce(?, last_interval_end), next_run_at = ? WHERE dag_id = ?
                """, [lastInterval?.start.unix, lastInterval?.end.unix, nextRunAt.unix, dagId])
        }
    }

    public func pools() throws -> [String: Int] {
        try locked {
            Dictionary(uniqueKeysWithValues: try db.query("SELECT name, slots FROM pool").map {
                ($0["name"].string ?? "", $0["slots"].int ?? 0)
            })
        }
    }

    public func setPool(_ name: String, slots: Int, description: String) throws {
        guard slots >= 0 else { throw StoreError.invalid("pool slots must be 0 or more, got \(slots)") }
        try write {
            try db.execute("""
                INSERT INTO pool (name, slots, description) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET slots = excluded.slots, description = excluded.description
                """, [name, slots, description])
        }
    }

    /// The last scheduled interval of a DAG row (nil: none yet).
    static func lastInterval(_ c: RowReader) throws -> DataInterval? {
        guard let start = try c.optionalDate("last_interval_start"), let end = try c.optionalDate("last_interval_end")
        else { return nil }
        return DataInterval(start: start, end: end)
    }

    static func dagRecord(_ r: SQLiteRow) throws -> DAGRecord {
        let c = RowReader(r, table: "dag", key: ["dag_id"])
        guard let tags = (try? JSONValue.parse(try c.string("tags")))?.arrayValue?.compactMap(\.stringValue) else {
            throw c.fail("tags", "a JSON array of strings")
        }
        return DAGRecord(dagId: try c.string("dag_id"), isPaused: try c.int("is_paused") == 1,
                         schedule: try c.optionalString("schedule"), timeZone: try c.string("timezone"),
                         description: try c.string("description"), owner: try c.string("owner"),
                         tags: tags, nextRunAt: try c.optionalDate("next_run_at"), lastInterval: try lastInterval(c),
                         version: try c.optionalString("version"))
    }
}

/// A store operation that cannot be done as asked.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case conflict(String)
    case invalid(String)
    public var description: String {
        switch self {
        case .notFound(let what): return "\(what) not found"
        case .conflict(let m): return m
        case .invalid(let m): return m
        }
    }
}
