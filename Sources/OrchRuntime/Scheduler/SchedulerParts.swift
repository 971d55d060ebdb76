import Foundation
import OrchCore
import OrchStore

/// What a scheduler turn creates runs with, for the DAGs as loaded now: replaced as a whole when the bundles are
/// reloaded (their state is derived from the DAGs and the store).
final class SchedulerParts: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: (creator: RunCreator, assetRuns: AssetRunCreator, freshness: FreshnessWatcher)

    init(bag: DAGBag, store: SQLiteStateStore, alerts: AlertComposer) {
        parts = Self.make(bag: bag, store: store, alerts: alerts)
    }

    var current: (creator: RunCreator, assetRuns: AssetRunCreator, freshness: FreshnessWatcher) { lock.withLock { parts } }

    func replace(bag: DAGBag, store: SQLiteStateStore, alerts: AlertComposer) {
        let fresh = Self.make(bag: bag, store: store, alerts: alerts)
        lock.withLock { parts = fresh }
    }

    private static func make(bag: DAGBag, store: SQLiteStateStore, alerts: AlertComposer)
        -> (creator: RunCreator, assetRuns: AssetRunCreator, freshness: FreshnessWatcher) {
        (RunCreator(bag: bag, store: store), AssetRunCreator(bag: bag, store: store),
         FreshnessWatcher(bag: bag, store: store, alerts: alerts))
    }
}
