import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import OrchTestSupport
import Testing

/// The repository's `migrations/state`, found from this file.
let runtimeMigrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("migrations/state")
/// The repository's `migrations/state-postgres`.
let runtimePostgresMigrations = runtimeMigrations.deletingLastPathComponent().appendingPathComponent("state-postgres")

/// The database an engine test keeps its state in: a SQLite file in the home, or a fresh schema of the
/// PostgreSQL test database (`ORCH_TEST_PG`).
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A temporary ORCH_HOME with a real state database; removed by `cleanup()`.
struct EngineFixture {
    let home: OrchHome
    let store: SQLiteStateStore
    let schema: PostgresTestSchema?

    init(_ backend: StoreBackend = .sqlite) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("orch-rt-\(UUID().uuidString)")
        home = OrchHome(path: root.path)
        try home.prepare()
        switch backend {
        case .sqlite:
            schema = nil
            store = try SQLiteStateStore(path: home.databasePath, migrationsDirectory: runtimeMigrations)
        case .postgres:
            let schema = try PostgresTestSchema()
            self.schema = schema
            store = try SQLStateStore(location: .postgres(dsn: schema.dsn), migrationsDirectory: runtimePostgresMigrations)
        }
    }

    func cleanup() {
        try? FileManager.default.removeItem(at: home.root)
        schema?.drop()
    }

    func pool(_ bag: DAGBag, slots: Int, executable: String = "/bin/false", killGrace: Double = 5) -> WorkerPool {
        WorkerPool(slots: slots, executable: executable, killGrace: killGrace,
                   lookupTask: { bag.dag($0)?.task($1) },
                   runXCom: { [store] runPk in EngineXCom(store: store, runPk: runPk) })
    }

    func engine(_ bag: DAGBag, slots: Int = 4, scope: RunEngine.Scope = .scheduler, signal: AsyncSignal) -> RunEngine {
        RunEngine(bag: bag, store: store, pool: pool(bag, slots: slots), home: home, scope: scope, owner: "scheduler",
                  signal: signal)
    }

    /// Steps the engine until every given run is finished (in-process tasks only: nothing here sleeps on purpose).
    func drive(_ engine: RunEngine, _ signal: AsyncSignal, runs pks: [Int64]) async {
        let store = self.store
        await EngineDriver.drive(engine, signal: signal, maxSleep: 0.05) {
            pks.allSatisfy { (try? store.run(pk: $0))?.state.isFinished ?? false }
        }
    }

    func createRun(_ dag: DAG, day: Int, type: RunType = .manual) throws -> RunRecord {
        let start = Date.utc(2026, 11, day)
        return try RunFactory.create(store: store, dag: dag, type: type,
                                     interval: DataInterval(start: start, end: start.addingTimeInterval(86_400)),
                                     conf: [:], owner: nil, now: Date())
    }
}

/// Counts how many holders are inside at once, and the most ever.
final class ConcurrencyProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var peak = 0
    func enter() { lock.withLock { current += 1; peak = max(peak, current) } }
    func leave() { lock.withLock { current -= 1 } }
    var maximum: Int { lock.withLock { peak } }
}

/// A gate in-process tasks wait at until the test opens it.
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var open = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        await withCheckedContinuation { c in
            let resumeNow = lock.withLock { () -> Bool in
                if open { return true }
                waiters.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }
    func openGate() {
        let w = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            open = true
            defer { waiters = [] }
            return waiters
        }
        w.forEach { $0.resume() }
    }
}
