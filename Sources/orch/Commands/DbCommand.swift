import ArgumentParser
import Foundation
import OrchRuntime
import OrchStore

struct DbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "db", abstract: "Manage the state database.",
                                                    subcommands: [Migrate.self])

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations from migrations/state.")
        func run() throws {
            let ctx = try CLIContext()
            let db = try SQLiteStateStore(path: ctx.home.databasePath, migrate: false)
            let applied = try db.applyMigrations()
            print(applied.isEmpty ? "database is up to date: \(ctx.home.databasePath)"
                                  : "applied: \(applied.joined(separator: ", "))")
        }
    }
}
