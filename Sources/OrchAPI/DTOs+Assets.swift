import Foundation
import OrchCore
import OrchStore

/// A task that reads or writes an asset.
struct AssetTaskDTO: Codable, Sendable {
    let dag_id: String
    let task_id: String
}

/// One materialization on the wire.
struct MaterializationDTO: Codable, Sendable {
    let id: Int64
    let dag_id: String
    let run_id: String
    let task_id: String
    let try_number: Int
    let data_interval_start: String
    let data_interval_end: String
    let created_at: String
    let rows: Int?
    let metadata: JSONValue

    init(_ m: MaterializationRecord) {
        id = m.id
        dag_id = m.dagId
        run_id = m.runId
        task_id = m.taskId
        try_number = m.tryNumber
        data_interval_start = APIDate.format(m.interval.start)
        data_interval_end = APIDate.format(m.interval.end)
        created_at = APIDate.format(m.createdAt)
        rows = m.rowsWritten
        metadata = m.metadata
    }
}

/// An asset with its lineage, latest materialization and health.
struct AssetDTO: Codable, Sendable {
    let id: Int64
    let uri: String
    let producers: [AssetTaskDTO]
    let consumers: [AssetTaskDTO]
    let latest_materialization: MaterializationDTO?
    let freshness_max_age_seconds: Double?
    let health: AssetHealthDTO
}

struct AssetHealthDTO: Codable, Sendable {
    let status: String
    let reasons: [String]
    init(_ h: AssetHealth) { status = h.status.rawValue; reasons = h.reasons }
}

struct AssetListDTO: Codable, Sendable {
    let assets: [AssetDTO]
    let total_entries: Int
}

struct MaterializationPageDTO: Codable, Sendable {
    let asset_id: Int64
    let uri: String
    let materializations: [MaterializationDTO]
    let total_entries: Int
    let limit: Int
    let offset: Int
}

struct RunMaterializationDTO: Codable, Sendable {
    let uri: String
    let materialization: MaterializationDTO
}

struct RunMaterializationsDTO: Codable, Sendable {
    let dag_id: String
    let run_id: String
    let materializations: [RunMaterializationDTO]
}

/// One asset check result on the wire.
struct CheckResultDTO: Codable, Sendable {
    let id: Int64
    let name: String
    let severity: String
    let passed: Bool
    let observed: JSONValue
    let details: String
    let dag_id: String
    let run_id: String
    let task_id: String
    let created_at: String

    init(_ c: CheckResultRecord) {
        id = c.id
        name = c.name
        severity = c.severity.rawValue
        passed = c.passed
        observed = c.observed
        details = c.details
        dag_id = c.dagId
        run_id = c.runId
        task_id = c.taskId
        created_at = APIDate.format(c.createdAt)
    }
}

struct CheckResultPageDTO: Codable, Sendable {
    let asset_id: Int64
    let uri: String
    let checks: [CheckResultDTO]
    let total_entries: Int
    let limit: Int
    let offset: Int
}
