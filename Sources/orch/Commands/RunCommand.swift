import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a DAG once in the foreground, without a scheduler; the run is persisted like any other.",
        discussion: "Exits 1 when the run fails. Works on paused DAGs.")

    @Argument(help: "DAG id") var dagId: String
    @Option(help: "Run configuration as a JSON object, or @FILE to read it from a file.") var conf: String?
    @Option(name: .customLong("logical-date"), help: "Logical date (YYYY-MM-DD or ISO 8601): runs the schedule interval containing it; default now, which runs the last complete interval.") var logicalDate: String?
    @Option(help: "Worker slots (default: number of cores).") var slots: Int?
    @Flag(help: "Print nothing but the final state.") var quiet = false

    func run() async throws {
        let ctx = try CLIContext()
        // Only this DAG is loaded, synced and driven (as `orch trigger`: docs/bundles.md, "Per-DAG index"). The
        // helpers its tasks use start as soon as the index says which executable runs them, while the DAG is
        // decoded and synced and the run created.
        let located = BundleSelection.located(dagId, ctx.home)
        let prestarted = located.flatMap { ForegroundWorkers.prestart($0, home: ctx.home) }
        let (dag, loaded) = try ctx.dagAlone(dagId, located: located)
        let bag = loaded.bag
        let store = try ctx.syncedStore(bag, loaded: loaded)
        _ = try alertConfiguration(ctx)  // bad alert settings stop us before a run is created
        // The pool's helpers (the bundle's fork server, its task host) start while the run is being created.
        let workers = ForegroundWorkers(ctx: ctx, bag: bag, store: store, slots: slots ?? Settings.load(ctx.home).slots,
                                        dagIds: [dag.id], loaded: loaded, prestarted: prestarted)
        let given = try logicalDate.map(parseDate), now = Date()
        let owner = "foreground:\(getpid())"
        let run = try RunFactory.create(store: store, dag: dag, type: .manual,
                                        interval: RunFactory.manualInterval(for: dag, logicalDate: given, triggeredAt: now),
                                        logicalDate: given ?? now, conf: try parseConf(conf), owner: owner, now: now)
        try ctx.audit(store, "run.foreground", ["dag_id": dag.id, "run_id": run.runId])
        if !quiet { print("running \(run.runId) of \(dag.id) in the foreground") }
        let state = try await runInForeground(ctx: ctx, bag: bag, store: store, pks: [run.pk], owner: owner,
                                              workers: workers)
        if !quiet { printOutcomes(store: store, pk: run.pk) }
        print("run \(run.runId): \(state[run.pk]?.rawValue ?? "?")")
        if state[run.pk] != .success { throw ExitCode(1) }
    }
}

/// The worker pool of a foreground run and the DAG versions it launches from, made before the run is created so
/// that its helpers warm up meanwhile.
struct ForegroundWorkers {
    let versions: BundleVersionResolver
    let pool: WorkerPool

    /// `loaded`: the bundles as loaded for this command (default: all of them).
    init(ctx: CLIContext, bag: DAGBag, store: SQLiteStateStore, slots: Int, dagIds: Set<String>,
         loaded: LoadedBundles? = nil, prestarted: PrestartedHelpers? = nil) {
        versions = BundleVersionResolver(store: store, loaded: loaded ?? BundleSelection.loaded(ctx.home))
        pool = makeWorkerPool(bag: bag, store: store, slots: slots, versions: versions, warmUpFor: dagIds,
                              prestarted: prestarted)
    }

    /// The helpers a located DAG's tasks will use, started now on the stored copy of its executable (the one
    /// its version runs from); nil when that copy is not stored yet (the sync stores it, and the pool's own
    /// warm-up then starts the helpers).
    static func prestart(_ located: LocatedDAG, home: OrchHome) -> PrestartedHelpers? {
        let version = located.version
        let stored = BundleExecutableStore.path(home: home, sha256: version.executableSHA256,
                                                name: (version.executable as NSString).lastPathComponent)
        guard FileManager.default.isExecutableFile(atPath: stored) else { return nil }
        let uses = located.isolationHint
        return PrestartedHelpers(taskHostsFor: uses.contains(.inProcess) ? [stored] : [],
                                 forkServersFor: uses.contains(.process) ? [stored] : [])
    }
}

/// Drives the given runs to the end in this process, with a worker pool of its own.
func runInForeground(ctx: CLIContext, bag: DAGBag, store: SQLiteStateStore, pks: Set<Int64>, owner: String,
                     workers: ForegroundWorkers) async throws -> [Int64: RunState] {
    let signal = AsyncSignal()
    let started = Date()
    let versions = workers.versions, pool = workers.pool
    let engine = RunEngine(bag: bag, store: store, pool: pool, home: ctx.home, scope: .runs(pks), owner: owner,
                           alerts: try makeAlertComposer(ctx), lineage: try makeLineageComposer(ctx), signal: signal,
                           honourPause: false, versions: versions)
    await EngineDriver.drive(engine, signal: signal) {
        // While the engine drives a run, none is finished without it: the store is read only when it drives none.
        guard await engine.activeRunCount == 0 else { return false }
        return pks.allSatisfy { (try? store.run(pk: $0))?.state.isFinished ?? true }
    }
    if let e = await engine.lastError { printError("engine: \(e)") }
    await deliverForegroundAlerts(ctx, store: store, since: started)
    var states: [Int64: RunState] = [:]
    for pk in pks { states[pk] = try store.run(pk: pk)?.state }
    return states
}

/// Every task of a bundle DAG runs in a process of its bundle executable (through its fork server): the copy of
/// the executable of the run's DAG version (issue 13). The helpers of the bundles of `warmUpFor` (`orch run`: the
/// DAG it runs) start at once, in the background: the fork server when the DAG has process tasks, the task host
/// when it has in-process tasks. Every other helper starts on its bundle's first attempt of that kind: a scheduler keeps no idle process
/// for a bundle it has not run a task of (20–40 MB each, as each builds every DAG of its bundle), at the price of
/// about 0.1 s for the first attempt of each bundle after it starts. A helper with nothing to do for
/// `ORCH_HELPER_IDLE_SECONDS` (10 s) is stopped, and the bundle's next attempt starts it again (``HelperSwitches``).
func makeWorkerPool(bag: DAGBag, store: SQLiteStateStore, slots: Int, versions: BundleVersionResolver,
                    warmUpFor dagIds: Set<String> = [], prestarted: PrestartedHelpers? = nil) -> WorkerPool {
    let pool = WorkerPool(slots: slots, lookupTask: { dagId, taskId in versions.current.bag.dag(dagId)?.task(taskId) },
                          runXCom: { runPk in EngineXCom(store: store, runPk: runPk) },
                          bundleExecutable: { spec in versions.executablePath(dagId: spec.dagId, version: spec.dagVersion) })
    if let prestarted { pool.adopt(prestarted) }
    let current = versions.current
    let executables = current.versions.values.filter { dagIds.contains($0.dagId) }.compactMap { v in
        versions.executablePath(dagId: v.dagId, version: v.version).map { (dagId: v.dagId, executable: $0) }
    }
    // Only the helpers the DAG's tasks use: on 2 cores a needless fork server building every DAG of the bundle
    // takes a core from the task host coming up beside it (and the other way round).
    let using = { (isolation: Isolation) in
        Set(executables.filter { current.bag.dag($0.dagId)?.tasks.contains { $0.isolation == isolation } == true }.map(\.executable))
    }
    pool.warmUp(bundleExecutables: using(.process), taskHosts: using(.inProcess))
    return pool
}
