import Foundation
import OrchCore
import OrchObservability
import OrchStore

extension APIContext {
    /// The engine's "why is it waiting" for an unfinished run (nil for finished runs, or when the store cannot be
    /// read: the field is then left out rather than failing the whole answer).
    func waiting(_ store: SQLiteStateStore, for run: RunRecord) -> WaitingReasons? {
        guard !run.state.isFinished else { return nil }
        let alive = (try? store.lease()).map(store.isFresh) ?? false
        return try? WaitingReasons(dags: bag.dags, store: store, workerSlots: workerSlots, schedulerAlive: alive, now: Date())
    }
}
