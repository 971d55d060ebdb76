import Foundation
import OrchCore
import OrchSQLite

/// Assets: the lineage written at DAG sync, and materializations written with the end of an attempt.
extension SQLiteStateStore {
    /// Makes `asset_reference` for these DAGs equal to their tasks' inlets and outlets (inside `syncDAGs`'s
    /// transaction). Assets no task names any more are kept, with their history.
    func writeAssetReferences(_ dag: DAG, now: Date) throws {
        try db.execute("DELETE FROM asset_reference WHERE dag_id = ?", [dag.id])
        for ref in dag.assetReferences {
            let assetId = try assetId(ref.uri, now: now)
            try db.execute("INSERT INTO asset_reference (asset_id, dag_id, task_id, role) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                           [assetId, ref.dagId, ref.taskId, ref.role.rawValue])
        }
    }

    /// The asset's id, creating the row on first sight.
    func assetId(_ uri: String, now: Date) throws -> Int64 {
        try db.execute("INSERT INTO asset (uri, created_at) VALUES (?, ?) ON CONFLICT (uri) DO NOTHING", [uri, now.unix])
        guard let id = try db.queryOne("SELECT id FROM asset WHERE uri = ?", [uri])?["id"].int64 else {
            throw StoreError.notFound("asset '\(uri)'")
        }
        return id
    }

    /// Inside `finishAttempt`'s transaction: on success, one materialization per outlet with the metadata the task
    /// reported (XCom `orch.materialization:<uri>`); on any outcome those reports are then removed, so a later
    /// try never inherits an earlier try's numbers.
    func recordMaterializations(runPk: Int64, taskId: String, tryNumber: Int, outlets: [String], succeeded: Bool,
                                now: Date) throws {
        let prefix = AssetMaterialization.xcomPrefix
        if succeeded && !outlets.isEmpty {
            guard let row = try db.queryOne("SELECT id, dag_id, run_id, interval_start, interval_end FROM dag_run WHERE id = ?",
                                            [runPk]) else { throw StoreError.notFound("run \(runPk)") }
            let run = RowReader(row, table: "dag_run")
            let (dagId, runId) = (try run.string("dag_id"), try run.string("run_id"))
            let (start, end) = (try run.double("interval_start"), try run.double("interval_end"))
            for uri in Set(outlets).sorted() {
                let reported = try db.queryOne("SELECT value FROM xcom WHERE run_pk = ? AND task_id = ? AND key = ?",
                                               [runPk, taskId, AssetMaterialization.xcomKey(uri)])?["value"].string
                // A report written through the context is well formed. One pushed by hand may not be: the
                // materialization is still recorded (the attempt did succeed), with the problem in its metadata.
                var report = AssetMaterialization()
                if let reported {
                    do { report = try AssetMaterialization(json: try JSONValue.parse(reported)) } catch {
                        report.extra["report_error"] = .string("\(error)")
                    }
                }
                try db.execute("""
                    INSERT INTO asset_event (asset_id, run_pk, dag_id, run_id, task_id, try_number, interval_start,
                        interval_end, created_at, rows_written, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [try assetId(uri, now: now), runPk, dagId, runId, taskId, tryNumber, start, end,
                          now.unix, report.rowsWritten, report.json.jsonText])
            }
        }
        try db.execute("DELETE FROM xcom WHERE run_pk = ? AND task_id = ? AND substr(key, 1, ?) = ?",
                       [runPk, taskId, prefix.count, prefix])
    }

    /// Every asset with its references and latest materialization, by URI.
    public func assets() throws -> [AssetRecord] {
        try locked {
            var refs: [Int64: [AssetReference]] = [:]
            for r in try db.query("""
                SELECT r.asset_id, a.uri, r.dag_id, r.task_id, r.role FROM asset_reference r JOIN asset a ON a.id = r.asset_id
                ORDER BY r.dag_id, r.task_id
                """) {
                refs[r["asset_id"].int64 ?? 0, default: []].append(try Self.reference(r))
            }
            var latest: [Int64: MaterializationRecord] = [:]
            for r in try db.query("""
                SELECT e.* FROM asset_event e JOIN (SELECT asset_id, max(id) AS id FROM asset_event GROUP BY asset_id) m
                ON m.id = e.id
                """) {
                let m = try Self.materialization(r)
                latest[m.assetId] = m
            }
            return try db.query("SELECT id, uri, created_at FROM asset ORDER BY uri").map { r in
                let (id, uri, createdAt) = try Self.assetRow(r)
                return AssetRecord(id: id, uri: uri, createdAt: createdAt, references: refs[id] ?? [], latest: latest[id])
            }
        }
    }

    /// One asset by id, or nil.
    public func asset(id: Int64) throws -> AssetRecord? {
        try locked {
            guard let r = try db.queryOne("SELECT id, uri, created_at FROM asset WHERE id = ?", [id]) else { return nil }
            let refs = try db.query("""
                SELECT r.asset_id, a.uri, r.dag_id, r.task_id, r.role FROM asset_reference r JOIN asset a ON a.id = r.asset_id
                WHERE r.asset_id = ? ORDER BY r.dag_id, r.task_id
                """, [id]).map(Self.reference)
            let latest = try db.queryOne("SELECT * FROM asset_event WHERE asset_id = ? ORDER BY id DESC LIMIT 1", [id])
                .map(Self.materialization)
            let (_, uri, createdAt) = try Self.assetRow(r)
            return AssetRecord(id: id, uri: uri, createdAt: createdAt, references: refs, latest: latest)
        }
    }

    /// Materializations of one asset, newest first.
    public func materializations(assetId: Int64, limit: Int, offset: Int = 0) throws -> [MaterializationRecord] {
        try locked {
            try db.query("SELECT * FROM asset_event WHERE asset_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                         [assetId, limit, offset]).map(Self.materialization)
        }
    }

    /// Materializations a run recorded (every outlet of every successful attempt), oldest first.
    public func materializations(runPk: Int64) throws -> [(uri: String, record: MaterializationRecord)] {
        try locked {
            try db.query("""
                SELECT e.*, a.uri FROM asset_event e JOIN asset a ON a.id = e.asset_id WHERE e.run_pk = ? ORDER BY e.id
                """, [runPk]).map { (uri: try RowReader($0, table: "asset").string("uri"), record: try Self.materialization($0)) }
        }
    }

    static func assetRow(_ r: SQLiteRow) throws -> (id: Int64, uri: String, createdAt: Date) {
        let c = RowReader(r, table: "asset")
        return (try c.int64("id"), try c.string("uri"), try c.date("created_at"))
    }

    static func reference(_ r: SQLiteRow) throws -> AssetReference {
        let c = RowReader(r, table: "asset_reference", key: ["asset_id", "dag_id", "task_id"])
        return AssetReference(uri: try c.string("uri"), dagId: try c.string("dag_id"), taskId: try c.string("task_id"),
                              role: try c.value("role", AssetReference.Role.self))
    }

    static func materialization(_ r: SQLiteRow) throws -> MaterializationRecord {
        let c = RowReader(r, table: "asset_event")
        return MaterializationRecord(id: try c.int64("id"), assetId: try c.int64("asset_id"),
                                     runPk: try c.optionalInt64("run_pk"), dagId: try c.string("dag_id"),
                                     runId: try c.string("run_id"), taskId: try c.string("task_id"),
                                     tryNumber: try c.int("try_number"),
                                     interval: DataInterval(start: try c.date("interval_start"), end: try c.date("interval_end")),
                                     createdAt: try c.date("created_at"), rowsWritten: try c.optionalInt("rows_written"),
                                     metadata: .object(try c.object("metadata")))
    }
}

extension SQLiteStateStore {
    /// When each (DAG, task) last ended in `failed` (final, after its retries): for asset health.
    public func lastTaskFailures() throws -> [String: Double] {
        try locked {
            var out: [String: Double] = [:]
            for r in try db.query("""
                SELECT r.dag_id, ti.task_id, max(ti.end_date) AS at FROM task_instance ti JOIN dag_run r ON r.id = ti.run_pk
                WHERE ti.state = 'failed' AND ti.task_id IN (SELECT task_id FROM asset_reference WHERE role = 'outlet')
                GROUP BY r.dag_id, ti.task_id
                """) {
                if let at = r["at"].double { out["\(r["dag_id"].string ?? "")/\(r["task_id"].string ?? "")"] = at }
            }
            return out
        }
    }
}

extension SQLiteStateStore {
    public func countMaterializations(assetId: Int64) throws -> Int {
        try locked { try db.queryOne("SELECT count(*) AS n FROM asset_event WHERE asset_id = ?", [assetId])?["n"].int ?? 0 }
    }
}

extension SQLiteStateStore {
    /// The newest materialization of each of these assets (id and data interval), for asset scheduling.
    public func latestMaterializations(uris: [String]) throws -> [String: MaterializationRecord] {
        try locked {
            var out: [String: MaterializationRecord] = [:]
            for uri in uris {
                if let r = try db.queryOne("""
                    SELECT e.* FROM asset_event e JOIN asset a ON a.id = e.asset_id WHERE a.uri = ? ORDER BY e.id DESC LIMIT 1
                    """, [uri]) {
                    out[uri] = try Self.materialization(r)
                }
            }
            return out
        }
    }

    /// The configuration of a DAG's newest run whose id starts with `prefix` (asset-triggered runs keep the
    /// materializations they consumed there).
    public func latestRunConf(dagId: String, runIdPrefix prefix: String) throws -> [String: JSONValue]? {
        try locked {
            guard let text = try db.queryOne("""
                SELECT conf FROM dag_run WHERE dag_id = ? AND substr(run_id, 1, ?) = ? ORDER BY id DESC LIMIT 1
                """, [dagId, prefix.count, prefix])?["conf"].string else { return nil }
            return try JSONValue.parse(text).objectValue
        }
    }
}
