import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

@Suite("WarehouseMigrator")
struct WarehouseMigratorTests {
    @Test func appliesInOrderOnceAndDetectsEditedFiles() throws {
        try WarehouseTestDB.withDatabase(migrate: false) { db, _ in
            let dir = NSTemporaryDirectory() + "orch-wh-mig-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            for name in try FileManager.default.contentsOfDirectory(atPath: WarehouseTestDB.migrationsDirectory) {
                try FileManager.default.copyItem(atPath: WarehouseTestDB.migrationsDirectory + "/" + name, toPath: dir + "/" + name)
            }
            let migrator = WarehouseMigrator(connection: db, directory: dir)
            let first = try migrator.migrate()
            #expect(first == (try migrator.files()))
            #expect(first.first == "0001_schemas.sql")
            #expect(try migrator.migrate().isEmpty)
            #expect(try db.count("SELECT count(*) FROM information_schema.schemata WHERE schema_name IN ('bronze','silver','gold','quality','meta')") == 5)

            try "-- edited\n".appendToFile(dir + "/0002_bronze.sql")
            do {
                try migrator.migrate()
                Issue.record("expected the edited file to be refused")
            } catch let error as WarehouseMigrator.MigrationError {
                #expect(error.file == "0002_bronze.sql")
                #expect(error.description.contains("edited"))
            }
        }
    }

    @Test func missingDirectoryIsAClearError() throws {
        try WarehouseTestDB.withDatabase(migrate: false) { db, _ in
            #expect(throws: WarehouseMigrator.MigrationError.self) {
                try WarehouseMigrator(connection: db, directory: "/nonexistent/migrations").migrate()
            }
        }
    }
}

extension String {
    func appendToFile(_ path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(utf8))
    }
}
