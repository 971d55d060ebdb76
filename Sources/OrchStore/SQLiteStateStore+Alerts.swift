import Foundation
import OrchCore
import OrchSQLite

/// Where an alert is in its life: waiting to be sent (or retried), delivered (a 2xx), or given up.
public enum AlertState: String, Sendable, Codable, CaseIterable {
    case pending, delivered, failed
}

/// One outbox row: the one read model the CLI, the API and the dashboard show. `target` is redacted (scheme,
/// host and port only): webhook URLs often carry a secret in their path (Slack's do).
public struct AlertRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var deliveryId: String
    public var event: String
    public var target: String
    public var dagId: String
    public var runId: String?
    public var taskId: String?
    public var tryNumber: Int?
    public var state: AlertState
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var createdAt: Date
    public var deliveredAt: Date?
    public var lastStatus: Int?
    public var lastError: String?
    /// The exact body sent on every attempt (JSON text).
    public var payload: String
}

/// One delivery attempt of an alert. `url` is redacted like ``AlertRecord/target``.
public struct AlertDeliveryRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var alertId: Int64
    public var url: String
    public var attemptedAt: Date
    /// The HTTP status, or nil when there was no response (connection refused, timeout).
    public var statusCode: Int?
    public var error: String?
    public var durationMs: Double
}

/// What an outbox listing shows: alerts, OpenLineage events (event `openlineage.*`), or both.
public enum OutboxChannel: String, Sendable, CaseIterable {
    case alerts, lineage, all
}

/// Filters and paging for ``SQLiteStateStore/alerts(_:)``; newest first.
public struct AlertQuery: Sendable {
    public var dagId: String?
    public var runId: String?
    public var states: [AlertState]
    public var limit: Int
    public var offset: Int
    /// Alerts only (the default), OpenLineage events only, or both: they share the outbox.
    public var channel: OutboxChannel
    public init(dagId: String? = nil, runId: String? = nil, states: [AlertState] = [], limit: Int = 50,
                offset: Int = 0, channel: OutboxChannel = .alerts) {
        self.channel = channel
        self.dagId = dagId
        self.runId = runId
        self.states = states
        self.limit = limit
        self.offset = offset
    }
}

/// An alert claimed for sending by one dispatcher. Carries the real target URL: never show it.
public struct ClaimedAlert: Sendable {
    public var id: Int64
    public var deliveryId: String
    public var event: String
    public var target: String
    /// The exact body to send, byte for byte, on every attempt.
    public var payload: String
    /// Attempts made before this one.
    public var attempts: Int
    public var createdAt: Date
    public var claimToken: String
}

/// What happens to an alert after an attempt.
public enum AlertAttemptDisposition: Sendable, Equatable {
    case delivered
    case retry(at: Date)
    case failed
}

extension SQLiteStateStore {
    /// Claims up to `limit` pending alerts due at `now`, oldest due first. A claim holds the alert until
    /// `now + claimSeconds` (any dispatcher, in any process, skips it meanwhile); a dispatcher that dies
    /// mid-send loses its claim when that time passes, and the alert is sent again.
    ///
    /// OpenLineage events (event `openlineage.*`) are sent in order per DAG run and target: one is claimable only
    /// when no older one of the same run and target is still pending (waiting for a retry or in flight), so a
    /// COMPLETE never overtakes its START, nor a downstream task's START its upstream's COMPLETE.
    public func claimDueAlerts(now: Date, limit: Int, claimSeconds: Double) throws -> [ClaimedAlert] {
        try write {
            // The scheduler's dispatcher claims only while its scheduler holds the lease.
            try checkFence()
            let rows = try db.query("""
                SELECT id, delivery_id, event, target, payload, attempts, created_at FROM alert a
                WHERE state = 'pending' AND next_attempt_at <= ?
                  AND NOT (substr(event, 1, 12) = 'openlineage.' AND EXISTS (
                      SELECT 1 FROM alert b WHERE b.state = 'pending' AND b.id < a.id
                        AND substr(b.event, 1, 12) = 'openlineage.' AND b.target = a.target
                        AND b.dag_id = a.dag_id AND b.run_id IS NOT DISTINCT FROM a.run_id))
                ORDER BY next_attempt_at, id LIMIT ?
                """, [now.unix, max(1, limit)])
            return try rows.map { r in
                let c = RowReader(r, table: "alert")
                let token = UUID().uuidString
                let id = try c.int64("id")
                try db.execute("UPDATE alert SET claim_token = ?, next_attempt_at = ? WHERE id = ?",
                               [token, now.unix + claimSeconds, id])
                return ClaimedAlert(id: id, deliveryId: try c.string("delivery_id"), event: try c.string("event"),
                                    target: try c.string("target"), payload: try c.string("payload"),
                                    attempts: try c.int("attempts"), createdAt: try c.date("created_at"),
                                    claimToken: token)
            }
        }
    }

    /// Records one attempt and moves the alert on, in one transaction. The attempt is always kept; the
    /// alert changes only while `claim` still holds it. Returns false when the claim had been lost.
    @discardableResult
    public func recordAlertAttempt(_ claim: ClaimedAlert, attemptedAt: Date, statusCode: Int?, error: String?,
                                   durationMs: Double, disposition: AlertAttemptDisposition) throws -> Bool {
        try write {
            try db.execute("""
                INSERT INTO alert_delivery (alert_id, url, attempted_at, status_code, error, duration_ms)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [claim.id, claim.target, attemptedAt.unix, statusCode, error, durationMs])
            let state: AlertState
            var next = attemptedAt.unix
            switch disposition {
            case .delivered: state = .delivered
            case .failed: state = .failed
            case .retry(let at): state = .pending; next = at.unix
            }
            let changed = try db.execute("""
                UPDATE alert SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_status = ?,
                    last_error = ?, delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END,
                    claim_token = NULL
                WHERE id = ? AND claim_token = ? AND state = 'pending'
                """, [state.rawValue, next, statusCode, error, state.rawValue, attemptedAt.unix, claim.id,
                      claim.claimToken])
            return changed == 1
        }
    }

    /// Alerts newest first, filtered and paged.
    public func alerts(_ query: AlertQuery = AlertQuery()) throws -> [AlertRecord] {
        let (whereSQL, params) = Self.alertFilter(query)
        return try locked {
            try db.query("SELECT * FROM alert \(whereSQL) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                         params + [max(0, query.limit), max(0, query.offset)]).map(Self.alertRecord)
        }
    }

    /// How many alerts match `query` (ignoring its paging).
    public func countAlerts(_ query: AlertQuery = AlertQuery()) throws -> Int {
        let (whereSQL, params) = Self.alertFilter(query)
        return try locked { try db.queryOne("SELECT count(*) AS n FROM alert \(whereSQL)", params)?["n"].int ?? 0 }
    }

    /// One alert by its id.
    public func alert(id: Int64) throws -> AlertRecord? {
        try locked { try db.queryOne("SELECT * FROM alert WHERE id = ?", [id]).map(Self.alertRecord) }
    }

    /// One alert by its delivery id.
    public func alert(deliveryId: String) throws -> AlertRecord? {
        try locked { try db.queryOne("SELECT * FROM alert WHERE delivery_id = ?", [deliveryId]).map(Self.alertRecord) }
    }

    /// An alert's delivery attempts, oldest first, paged.
    public func alertDeliveries(alertId: Int64, limit: Int = 100, offset: Int = 0) throws -> [AlertDeliveryRecord] {
        try locked {
            try db.query("SELECT * FROM alert_delivery WHERE alert_id = ? ORDER BY attempted_at, id LIMIT ? OFFSET ?",
                         [alertId, max(0, limit), max(0, offset)]).map { r in
                let c = RowReader(r, table: "alert_delivery", key: ["id"])
                return AlertDeliveryRecord(id: try c.int64("id"), alertId: try c.int64("alert_id"),
                                           url: redactedWebhookTarget(try c.string("url")),
                                           attemptedAt: try c.date("attempted_at"),
                                           statusCode: try c.optionalInt("status_code"),
                                           error: try c.optionalString("error"), durationMs: try c.double("duration_ms"))
            }
        }
    }

    /// When the next pending alert is due (a claimed one counts at its claim's end); nil when none is pending.
    public func nextAlertDue() throws -> Date? {
        try locked {
            try db.queryOne("SELECT min(next_attempt_at) AS t FROM alert WHERE state = 'pending'")?["t"].date
        }
    }

    /// Pending alerts, optionally only those written at or after `createdSince`.
    public func pendingAlertCount(createdSince: Date? = nil) throws -> Int {
        try locked {
            try db.queryOne("SELECT count(*) AS n FROM alert WHERE state = 'pending' AND created_at >= ?",
                            [createdSince.unix ?? -1e300])?["n"].int ?? 0
        }
    }

    static func alertFilter(_ q: AlertQuery) -> (String, [any SQLiteBindable]) {
        var clauses: [String] = []
        var params: [any SQLiteBindable] = []
        if let d = q.dagId { clauses.append("dag_id = ?"); params.append(d) }
        if let r = q.runId { clauses.append("run_id = ?"); params.append(r) }
        switch q.channel {
        case .alerts: clauses.append("substr(event, 1, 12) <> 'openlineage.'")
        case .lineage: clauses.append("substr(event, 1, 12) = 'openlineage.'")
        case .all: break
        }
        if !q.states.isEmpty {
            clauses.append("state IN (\(q.states.map { _ in "?" }.joined(separator: ",")))")
            params += q.states.map(\.rawValue)
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), params)
    }

    static func alertRecord(_ r: SQLiteRow) throws -> AlertRecord {
        let c = RowReader(r, table: "alert", key: ["id"])
        let state = try c.value("state", AlertState.self)
        return AlertRecord(id: try c.int64("id"), deliveryId: try c.string("delivery_id"), event: try c.string("event"),
                           target: redactedWebhookTarget(try c.string("target")), dagId: try c.string("dag_id"),
                           runId: try c.optionalString("run_id"), taskId: try c.optionalString("task_id"),
                           tryNumber: try c.optionalInt("try_number"), state: state, attempts: try c.int("attempts"),
                           nextAttemptAt: state == .pending ? try c.optionalDate("next_attempt_at") : nil,
                           createdAt: try c.date("created_at"), deliveredAt: try c.optionalDate("delivered_at"),
                           lastStatus: try c.optionalInt("last_status"), lastError: try c.optionalString("last_error"),
                           payload: try c.string("payload"))
    }
}

public func redactedWebhookTarget(_ url: String) -> String {
    guard let c = URLComponents(string: url), let scheme = c.scheme, let host = c.host else { return "(invalid URL)" }
    let port = c.port.map { ":\($0)" } ?? ""
    let hasMore = !(c.path.isEmpty || c.path == "/") || c.query != nil
    return "\(scheme)://\(host)\(port)\(hasMore ? "/…" : "")"
}
