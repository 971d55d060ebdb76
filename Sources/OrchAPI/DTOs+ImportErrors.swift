/// One import error of `GET /importErrors`.
struct ImportErrorDTO: Codable, Sendable {
    let bundle: String
    /// missing, build, describe, timeout, invalid_dag or duplicate_dag.
    let kind: String
    let dag_id: String?
    let message: String
}

/// `GET /importErrors`.
struct ImportErrorsDTO: Codable, Sendable {
    let import_errors: [ImportErrorDTO]
    let total_entries: Int
}
