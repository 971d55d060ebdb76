import Foundation
import OrchCore
import OrchSQLite

extension SQLiteStateStore: DAGVersionStateStore {
    public func recordDAGVersions(_ versions: [DAGVersionRecord]) throws {
        guard !versions.isEmpty else { return }
        try write {
            for v in versions {
                try db.execute("""
                    INSERT INTO dag_version (dag_id, version, bundle, executable_sha256, executable_path, manifest,
                                             created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (dag_id, version) DO NOTHING
                    """, [v.dagId, v.version, v.bundle, v.executableSHA256, v.executablePath, v.manifest,
                          v.createdAt.unix])
                // Only a version that changed is written: every CLI command records the versions it loaded, and a
                // DAG row written moves the count the scheduler's due-run gate reads (dag_change_count).
                try db.execute("UPDATE dag SET version = ? WHERE dag_id = ? AND version IS DISTINCT FROM ?",
                               [v.version, v.dagId, v.version])
            }
        }
    }

    public func currentDAGVersions() throws -> [String: String] {
        try locked {
            var current: [String: String] = [:]
            for row in try db.query("""
                SELECT d.dag_id, d.version FROM dag d
                WHERE d.version IS NOT NULL
                  AND EXISTS (SELECT 1 FROM dag_version v WHERE v.dag_id = d.dag_id AND v.version = d.version)
                """) {
                let c = RowReader(row, table: "dag", key: ["dag_id"])
                current[try c.string("dag_id")] = try c.string("version")
            }
            return current
        }
    }

    public func dagVersions(dagId: String) throws -> [DAGVersionRecord] {
        try locked {
            try db.query("SELECT * FROM dag_version WHERE dag_id = ? ORDER BY created_at, version", [dagId])
                .map(Self.dagVersionRecord)
        }
    }

    public func dagVersions(dagId: String, prefix: String) throws -> [DAGVersionRecord] {
        try locked {
            try db.query("""
                SELECT * FROM dag_version WHERE dag_id = ? AND substr(version, 1, length(CAST(? AS TEXT))) = ?
                ORDER BY created_at, version
                """, [dagId, prefix, prefix]).map(Self.dagVersionRecord)
        }
    }

    public func dagVersion(dagId: String, version: String, withManifest: Bool) throws -> DAGVersionRecord? {
        try locked {
            let manifest = withManifest ? "manifest" : "'' AS manifest"
            return try db.query("""
                SELECT dag_id, version, bundle, executable_sha256, executable_path, created_at, \(manifest)
                FROM dag_version WHERE dag_id = ? AND version = ?
                """, [dagId, version]).first.map(Self.dagVersionRecord)
        }
    }

    public func versionsOfUnfinishedRuns() throws -> [DAGVersionRecord] {
        try locked {
            try db.query("""
                SELECT v.* FROM dag_version v
                WHERE EXISTS (SELECT 1 FROM dag_run r WHERE r.dag_id = v.dag_id AND r.dag_version = v.version
                              AND r.state IN ('queued', 'running'))
                """).map(Self.dagVersionRecord)
        }
    }

    static func dagVersionRecord(_ r: SQLiteRow) throws -> DAGVersionRecord {
        let c = RowReader(r, table: "dag_version", key: ["dag_id", "version"])
        return DAGVersionRecord(dagId: try c.string("dag_id"), version: try c.string("version"),
                                bundle: try c.string("bundle"), executableSHA256: try c.string("executable_sha256"),
                                executablePath: try c.string("executable_path"), manifest: try c.string("manifest"),
                                createdAt: try c.date("created_at"))
    }
}

extension SQLiteStateStore {
    /// How many runs of a DAG each version has.
    public func runCountsByVersion(dagId: String) throws -> [String: Int] {
        try locked {
            var out: [String: Int] = [:]
            for r in try db.query("SELECT dag_version, count(*) AS n FROM dag_run WHERE dag_id = ? AND dag_version IS NOT NULL GROUP BY dag_version", [dagId]) {
                if let v = r["dag_version"].string { out[v] = r["n"].int ?? 0 }
            }
            return out
        }
    }
}
