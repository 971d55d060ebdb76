import ArgumentParser
import Foundation
import OrchRuntime
import OrchStore

struct DbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "db", abstract: "Manage the state database.",
                                                    subcommands: [Migrate.self, Clean.self])

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending migrations from migrations/state (migrations/state-postgres with ORCH_STATE_DSN).",
            discussion: "An existing orch.db of 0 bytes is refused by every command (it would silently start a new, empty history); --init accepts it and creates a new database in it.")
        @Flag(name: .customLong("init"), help: "Create a new database even in an existing empty (0-byte) orch.db.")
        var initialize = false

        func run() throws {
            let ctx = try CLIContext()
            let location = try ctx.home.stateLocation()
            let db = try SQLStateStore(location: location, migrate: false, initializeEmptyFile: initialize)
            let applied = try db.applyMigrations()
            print(applied.isEmpty ? "database is up to date: \(location)"
                                  : "applied: \(applied.joined(separator: ", "))")
        }
    }

    struct Clean: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete finished runs older than N days, with their tasks, attempts, XComs, alerts and logs.",
            discussion: """
                A run is old when its logical date is more than N days before now. Queued and running runs, runs \
                that ended less than a minute ago, and alerts still waiting to be delivered, are kept. The scheduler does the same every hour when \
                ORCH_RETENTION_DAYS (or "retentionDays" in ORCH_HOME/orch.json) is set.
                """)

        @Option(help: "Keep runs whose logical date is within this many days.") var keepDays: Int
        @Flag(help: "VACUUM the database afterwards to give the freed space back to the file system.") var vacuum = false

        func validate() throws {
            guard keepDays >= 0 else { throw ValidationError("--keep-days must be 0 or more, got \(keepDays)") }
        }

        func run() throws {
            let ctx = try CLIContext()
            let store = try ctx.store()
            let before = try store.databaseBytes()
            let report = try RetentionCleaner(home: ctx.home, store: store).clean(keepDays: keepDays, now: Date())
            try ctx.audit(store, "db.clean", ["keep_days": String(keepDays), "runs": String(report.runs.count)])
            if vacuum { try store.vacuum() }
            print("deleted \(report.runs.count) runs, \(report.taskInstances) task instances, \(report.attempts) attempts, \(report.xcoms) xcoms, \(report.alerts) alerts; database \(before) -> \(try store.databaseBytes()) bytes")
        }
    }
}

/// Applies the retention policy: deletes old finished runs from the store and their log folders from disk.
/// A run is kept for at least `minimumAge` seconds after it ended, so `orch trigger --wait` or a backfill
/// following it still sees how it ended.
struct RetentionCleaner {
    static let minimumAge: TimeInterval = 60
    let home: OrchHome
    let store: SQLiteStateStore

    func clean(keepDays: Int, now: Date) throws -> RetentionReport {
        let cutoff = now.addingTimeInterval(-Double(keepDays) * 86_400)
        let report = try store.deleteFinishedRuns(before: cutoff, endedBefore: now.addingTimeInterval(-Self.minimumAge))
        let fm = FileManager.default
        // The run's own folder (one per run: folder names are injective), then any log an attempt recorded
        // elsewhere (older versions), file by file, so a folder two old runs shared keeps the other's files.
        for run in report.runs {
            let folder = home.runLogsDirectory(dagId: run.dagId, runId: run.runId)
            if fm.fileExists(atPath: folder.path) { try? fm.removeItem(at: folder) }
        }
        for log in report.logPaths where fm.fileExists(atPath: log) {
            let base = (log as NSString).deletingPathExtension
            for path in [log, base + ".lock"] { try? fm.removeItem(atPath: path) }
            let taskFolder = (log as NSString).deletingLastPathComponent
            if (try? fm.contentsOfDirectory(atPath: taskFolder))?.isEmpty == true {
                try? fm.removeItem(atPath: taskFolder)
                let runFolder = (taskFolder as NSString).deletingLastPathComponent
                if (try? fm.contentsOfDirectory(atPath: runFolder))?.isEmpty == true { try? fm.removeItem(atPath: runFolder) }
            }
        }
        return report
    }
}

/// Runs the retention policy from the scheduler loop at most once per `interval` (ORCH_RETENTION_INTERVAL
/// seconds, default an hour); a failed pass is printed and tried again next time.
final class RetentionSchedule: @unchecked Sendable {
    let keepDays: Int
    let cleaner: RetentionCleaner
    let interval: TimeInterval
    private var lastRun: Date?
    private let lock = NSLock()

    init(keepDays: Int, cleaner: RetentionCleaner) {
        self.keepDays = keepDays
        self.cleaner = cleaner
        let env = ProcessInfo.processInfo.environment["ORCH_RETENTION_INTERVAL"].flatMap(Double.init)
        interval = max(env ?? 3600, 1)
    }

    func runIfDue(now: Date) {
        let due: Bool = lock.withLock {
            if let last = lastRun, now.timeIntervalSince(last) < interval { return false }
            lastRun = now
            return true
        }
        guard due else { return }
        do {
            let r = try cleaner.clean(keepDays: keepDays, now: now)
            if !r.runs.isEmpty { OrchLog.scheduler.info("retention: deleted \(r.runs.count) runs older than \(keepDays) days") }
        } catch {
            OrchLog.scheduler.error("retention: clean failed: \(error)")
        }
    }
}
