import OrchStore

/// What `orch --version` prints: the release and the newest state-database migration this binary carries
/// (the schema `orch db migrate` brings a database to).
enum OrchVersion {
    static let release = "0.1.0"

    static let text: String = {
        let schema = (try? Migrator(directory: Migrator.locateStateMigrations()).migrations().last?.version)
            .flatMap { $0 }
        return "orch \(release) (state schema \(schema.map(String.init) ?? "unknown: migrations/state not found"))"
    }()
}
