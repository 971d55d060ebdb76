import Foundation
import OrchCore
import OrchSQLite

/// One state change to write to the audit log: who, what, on which ids, from where.
public struct AuditEntry: Sendable, Hashable {
    /// Token name, `api-token` for the single legacy token, or `cli:<unix user>`.
    public var actor: String
    /// The token's role; nil for the CLI.
    public var role: Role?
    /// What was done, e.g. `run.trigger`, `dag.pause`, `token.create`.
    public var action: String
    /// The ids acted on, e.g. `["dag_id": "etl", "run_id": "manual__…"]`.
    public var target: [String: String]
    /// The client's address, or `cli`.
    public var source: String
    /// The HTTP status answered; nil for the CLI.
    public var status: Int?

    public init(actor: String, role: Role?, action: String, target: [String: String], source: String, status: Int? = nil) {
        self.actor = actor
        self.role = role
        self.action = action
        self.target = target
        self.source = source
        self.status = status
    }
}

/// A written audit log row.
public struct AuditRecord: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var entry: AuditEntry
}

extension SQLiteStateStore {
    /// Appends one entry, stamped `now`.
    public func appendAudit(_ entry: AuditEntry, now: Date) throws {
        let target = JSONValue.object(entry.target.mapValues { .string($0) }).jsonText
        try write {
            try db.execute("""
                INSERT INTO audit_log (at, actor, role, action, target, source, status) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [now.unix, entry.actor, entry.role?.rawValue, entry.action, target, entry.source, entry.status])
        }
    }

    /// Newest first; `action` filters by exact action name.
    public func auditLog(limit: Int, offset: Int, action: String? = nil) throws -> [AuditRecord] {
        try locked {
            try db.query("""
                SELECT id, at, actor, role, action, target, source, status FROM audit_log
                WHERE (CAST(?1 AS TEXT) IS NULL OR action = ?1) ORDER BY at DESC, id DESC LIMIT ?2 OFFSET ?3
                """, [action, limit, offset]).map { r in
                guard let id = r["id"].int64, let at = r["at"].date, let actor = r["actor"].string,
                      let action = r["action"].string, let source = r["source"].string else {
                    throw TokenError("audit_log row \(r["id"].int64 ?? -1) cannot be read; the database is damaged")
                }
                let target = jsonObject(r["target"].string).compactMapValues { $0.stringValue }
                return AuditRecord(id: id, at: at, entry: AuditEntry(
                    actor: actor, role: r["role"].string.flatMap(Role.init(rawValue:)), action: action,
                    target: target, source: source, status: r["status"].int))
            }
        }
    }

    /// How many rows `auditLog` pages through.
    public func countAudit(action: String? = nil) throws -> Int {
        try locked {
            try db.queryOne("SELECT count(*) AS n FROM audit_log WHERE (CAST(?1 AS TEXT) IS NULL OR action = ?1)", [action])?["n"].int ?? 0
        }
    }
}
