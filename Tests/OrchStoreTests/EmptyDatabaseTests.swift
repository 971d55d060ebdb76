import Foundation
@testable import OrchStore
import Testing

/// A zero-byte orch.db is refused instead of being taken for a new database (issue 11, defect 10).
@Suite struct EmptyDatabaseTests {
    @Test func aZeroByteDatabaseFileIsRefusedAndLeftAsItIs() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.path("orch.db")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let error = #expect(throws: EmptyDatabaseFile.self) {
            try SQLiteStateStore(path: path, migrationsDirectory: stateMigrations)
        }
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("orch db migrate --init") == true)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func initializingAnEmptyFileIsAllowedWhenAskedFor() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.path("orch.db")
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let store = try SQLiteStateStore(path: path, migrationsDirectory: stateMigrations, initializeEmptyFile: true)
        #expect(try store.databaseBytes() > 0)
        // Now a real database: opened normally.
        _ = try SQLiteStateStore(path: path, migrationsDirectory: stateMigrations)
    }

    @Test func aMissingFileIsAFirstStartAndIsCreated() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        _ = try SQLiteStateStore(path: dir.path("orch.db"), migrationsDirectory: stateMigrations)
        #expect(FileManager.default.fileExists(atPath: dir.path("orch.db")))
    }
}

/// The clean-up after a first start that ran out of space removes only a database with no pages anywhere: in WAL
/// mode a live database's main file is empty until its first checkpoint, and another connection may be creating it.
@Suite struct EmptyDatabaseRemovalTests {
    @Test func aZeroByteFileWithPagesInItsWALIsKept() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.path("orch.db")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(FileManager.default.createFile(atPath: path + "-wal", contents: Data(repeating: 1, count: 4_096)))
        EmptyDatabaseCheck.removeIfEmpty(path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func aZeroByteFileWithAnEmptyOrNoWALIsRemoved() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        for withWAL in [false, true] {
            let path = dir.path("orch-\(withWAL).db")
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            if withWAL { #expect(FileManager.default.createFile(atPath: path + "-wal", contents: nil)) }
            EmptyDatabaseCheck.removeIfEmpty(path)
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test func aDatabaseWithPagesIsKept() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.path("orch.db")
        _ = try SQLiteStateStore(path: path, migrationsDirectory: stateMigrations)
        EmptyDatabaseCheck.removeIfEmpty(path)
        #expect(FileManager.default.fileExists(atPath: path))
        _ = try SQLiteStateStore(path: path, migrationsDirectory: stateMigrations)
    }
}
