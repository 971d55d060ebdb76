import Foundation
import OrchCore
@testable import OrchStore

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

let day = DataInterval(start: Date.utc(2026, 11, 1), end: Date.utc(2026, 11, 2))
