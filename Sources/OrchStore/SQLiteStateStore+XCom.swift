import Foundation
import OrchCore

extension SQLiteStateStore {
    /// XCom values are small: at most 64 KiB of JSON each.
    public static let maxXComBytes = 65_536

    public func pushXCom(runPk: Int64, taskId: String, key: String, value: JSONValue, now: Date) throws {
        let text = value.jsonText
        guard text.utf8.count <= Self.maxXComBytes else {
            throw StoreError.invalid("XCom '\(key)' of task '\(taskId)' is \(text.utf8.count) bytes; the limit is \(Self.maxXComBytes)")
        }
        try write {
            try db.execute("""
                INSERT INTO xcom (run_pk, task_id, key, value, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (run_pk, task_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """, [runPk, taskId, key, text, now.unix])
        }
    }

    public func pullXCom(runPk: Int64, taskId: String, key: String) throws -> JSONValue? {
        try locked {
            guard let text = try db.queryOne("SELECT value FROM xcom WHERE run_pk = ? AND task_id = ? AND key = ?",
                                             [runPk, taskId, key])?["value"].string else { return nil }
            return try JSONValue.parse(text)
        }
    }

    public func xcoms(runPk: Int64) throws -> [(taskId: String, key: String, value: JSONValue)] {
        try locked {
            try db.query("SELECT task_id, key, value FROM xcom WHERE run_pk = ? ORDER BY task_id, key", [runPk]).map {
                ($0["task_id"].string ?? "", $0["key"].string ?? "", (try? JSONValue.parse($0["value"].string ?? "null")) ?? .null)
            }
        }
    }

    /// One task's XComs as stored (JSON text), by key: for showing them without decoding large values.
    public func xcomTexts(runPk: Int64, taskId: String) throws -> [(key: String, json: String)] {
        try locked {
            try db.query("SELECT key, value FROM xcom WHERE run_pk = ? AND task_id = ? ORDER BY key", [runPk, taskId]).map {
                ($0["key"].string ?? "", $0["value"].string ?? "null")
            }
        }
    }
}

/// One XCom entry with the time it was last written (the Airflow-compatible API shows it as `timestamp`).
public struct XComEntry: Sendable, Hashable {
    public var taskId: String
    public var key: String
    public var value: JSONValue
    public var updatedAt: Date
}

extension SQLiteStateStore {
    /// The XComs of one task of a run, by key.
    public func xcomEntries(runPk: Int64, taskId: String) throws -> [XComEntry] {
        try locked {
            try db.query("SELECT task_id, key, value, updated_at FROM xcom WHERE run_pk = ? AND task_id = ? ORDER BY key",
                         [runPk, taskId]).map {
                XComEntry(taskId: $0["task_id"].string ?? "", key: $0["key"].string ?? "",
                          value: (try? JSONValue.parse($0["value"].string ?? "null")) ?? .null,
                          updatedAt: Date(timeIntervalSince1970: $0["updated_at"].double ?? 0))
            }
        }
    }
}
