import OrchObservability

extension APIRoutes {
    /// `GET /importErrors`: why a bundle or a DAG is not loaded (build, describe, timeout, invalid DAG, duplicate id,
    /// bundle missing). Empty when everything loaded. Not cached: the errors live in the server, not the database.
    func addImportErrorRoutes() {
        let ctx = context
        get("/importErrors", cached: false) { _, _ in
            let errors = ctx.importErrors().map {
                ImportErrorDTO(bundle: $0.bundle, kind: $0.kind.rawValue, dag_id: $0.dagId, message: $0.message)
            }
            return .api(ImportErrorsDTO(import_errors: errors, total_entries: errors.count))
        }
    }
}
