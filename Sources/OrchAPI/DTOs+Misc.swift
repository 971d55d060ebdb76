import OrchCore
import OrchStore

/// `GET /health`.
struct HealthDTO: Codable, Sendable {
    struct Database: Codable, Sendable {
        let status: String
    }
    struct Scheduler: Codable, Sendable {
        let status: String
        let heartbeat_age_seconds: Double?
        let latest_heartbeat: String?
        let holder: String?
    }
    /// ORCH_HOME's file system: `ok`, or `full` with the reason (writes answer 507 meanwhile).
    struct Storage: Codable, Sendable {
        let status: String
        let free_bytes: Int?
        let message: String?
    }
    let status: String
    let database: Database
    let scheduler: Scheduler
    let storage: Storage
}

/// An alert of the outbox on the wire.
struct AlertDTO: Codable, Sendable {
    let id: Int64
    let delivery_id: String
    let event: String
    let target: String
    let dag_id: String
    let run_id: String?
    let task_id: String?
    let try_number: Int?
    let state: String
    let attempts: Int
    let created_at: String
    let next_attempt_at: String?
    let delivered_at: String?
    let last_error: String?

    init(_ a: AlertRecord) {
        id = a.id
        delivery_id = a.deliveryId
        event = a.event
        target = a.target   // redacted by the store
        dag_id = a.dagId
        run_id = a.runId
        task_id = a.taskId
        try_number = a.tryNumber
        state = a.state.rawValue
        attempts = a.attempts
        created_at = APIDate.format(a.createdAt)
        next_attempt_at = APIDate.format(a.nextAttemptAt)
        delivered_at = APIDate.format(a.deliveredAt)
        last_error = a.lastError
    }
}

struct AlertPageDTO: Codable, Sendable {
    let alerts: [AlertDTO]
    let total_entries: Int
    let limit: Int
    let offset: Int
}

/// One delivery attempt of an alert.
struct DeliveryDTO: Codable, Sendable {
    let id: Int64
    let url: String
    let attempted_at: String
    let status_code: Int?
    let error: String?
    let duration_ms: Double

    init(_ d: AlertDeliveryRecord) {
        id = d.id
        url = d.url   // redacted by the store
        attempted_at = APIDate.format(d.attemptedAt)
        status_code = d.statusCode
        error = d.error
        duration_ms = d.durationMs
    }
}

/// `GET /alerts/{alert_id}`: the alert, its payload and every delivery attempt.
struct AlertDetailDTO: Codable, Sendable {
    let alert: AlertDTO
    let payload: JSONValue
    let deliveries: [DeliveryDTO]
}

/// One quality check result, as the check task pushes it to XCom `quality_checks`.
struct QualityCheckDTO: Codable, Sendable {
    let name: String
    let status: String
    let observed: JSONValue
    let details: JSONValue
}

/// The quality checks of one run.
struct RunQualityDTO: Codable, Sendable {
    let run_id: String
    let logical_date: String
    let task_id: String?
    let checks: [QualityCheckDTO]
    let passed: Int
    let failed: Int
}

struct QualityListDTO: Codable, Sendable {
    let dag_id: String
    let runs: [RunQualityDTO]
}
