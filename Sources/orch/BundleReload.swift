import Foundation
import OrchCore
import OrchRuntime
import OrchStore

/// Hot reload (issue 13): a scheduler (`orch scheduler`, `orch serve`) watches its bundles and, when one changed,
/// builds and describes them again in the background, records the new versions and hands the new DAGs to the
/// scheduler loop and the API, without a restart. A bundle that now fails keeps its last good version; the error
/// is logged and shown (`GET /api/v1/importErrors`, the dashboard's banner).
func watchBundles(ctx: CLIContext, store: SQLiteStateStore, loop: SchedulerLoop,
                  versions: BundleVersionResolver) -> BundleWatcher? {
    let paths = BundleSelection.paths(ctx.home)
    guard !paths.isEmpty else { return nil }
    let interval = ProcessInfo.processInfo.environment["ORCH_BUNDLE_POLL"].flatMap(Double.init)
        ?? BundleWatcher.defaultInterval
    let home = ctx.home
    let watcher = BundleWatcher(paths: paths, loaded: ctx.bundles(), interval: max(0.05, interval),
                                load: { _ in BundleSelection.load(home) },
                                reloaded: { fresh in
        do { try ctx.sync(store, bag: fresh.bag, loaded: fresh) } catch {
            OrchLog.scheduler.error("bundles reloaded but not recorded: \(error)")
        }
        FreedMemory.giveBack()
        // Executables no loaded version and no unfinished run needs go (an hour's grace for another process's).
        if let unfinished = try? store.versionsOfUnfinishedRuns() {
            let keep = Set(fresh.versions.values.map(\.executableSHA256) + unfinished.map(\.executableSHA256))
            for folder in BundleExecutableStore.collect(home: home, keep: keep, storedBefore: Date().addingTimeInterval(-3600)) {
                OrchLog.scheduler.info("removed the bundle executable \(folder): no loaded version or unfinished run needs it")
            }
        }
        versions.replace(fresh)
        BundleSelection.replace(fresh)
        loop.reload(fresh.bag)
        let shown = fresh.versions.values.sorted { $0.dagId < $1.dagId }
            .map { "\($0.dagId)@\(DAGVersion.short($0.version))" }.joined(separator: ", ")
        OrchLog.scheduler.notice("bundles changed: \(fresh.bag.dags.count) DAGs loaded (\(shown)), \(fresh.errors.count) import error(s)")
        for e in fresh.errors { OrchLog.scheduler.error("import error: \(e)") }
    })
    watcher.start()
    return watcher
}
