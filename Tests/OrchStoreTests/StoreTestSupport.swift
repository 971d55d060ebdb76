import Foundation
import OrchCore
@testable import OrchStore
import OrchTestSupport
import Testing

/// The repository's `migrations/state`, found from this file.
let stateMigrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("migrations/state")

/// A fresh temporary folder, removed by `cleanup()`.
struct TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("orch-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// A real SQLite state store in a temporary folder.
func makeStore(_ dir: TempDir) throws -> SQLiteStateStore {
    try SQLiteStateStore(path: dir.path("orch.db"), migrationsDirectory: stateMigrations)
}

/// The repository's `migrations/state-postgres`.
let postgresStateMigrations = stateMigrations.deletingLastPathComponent().appendingPathComponent("state-postgres")

/// A real PostgreSQL state store in a fresh schema of the test database (drop the schema when done).
func makePostgresStore() throws -> (SQLStateStore, PostgresTestSchema) {
    let schema = try PostgresTestSchema()
    do {
        return (try SQLStateStore(location: .postgres(dsn: schema.dsn), migrationsDirectory: postgresStateMigrations),
                schema)
    } catch {
        schema.drop()
        throw error
    }
}

/// What a test removes when it is done with a store: its folder, or its schema.
struct TestStoreDisposal {
    let cleanup: () -> Void
    init(_ cleanup: @escaping () -> Void) { self.cleanup = cleanup }
}

/// The two databases a store test runs on (argument tables).
enum SQLBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A fresh store on `backend` (a SQLite file in a temporary folder, or a fresh PostgreSQL schema) and what removes it.
func makeStore(_ backend: SQLBackend) throws -> (SQLStateStore, TestStoreDisposal) {
    switch backend {
    case .sqlite:
        let dir = try TempDir()
        return (try makeStore(dir), TestStoreDisposal(dir.cleanup))
    case .postgres:
        let (store, schema) = try makePostgresStore()
        return (store, TestStoreDisposal(schema.drop))
    }
}

let day = DataInterval(start: Date.utc(2026, 11, 1), end: Date.utc(2026, 11, 2))
