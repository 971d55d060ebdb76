import Foundation
import OrchCore
import OrchStore

/// Creates the runs of DAGs scheduled on assets (issue 14): when ``AssetScheduling`` says the DAG's asset
/// expression holds for the materializations since its last asset-triggered run. The run is a manual-type run with
/// id `asset_triggered__<time>`, the data interval of the newest materialization that triggered it, and the
/// materializations it consumed in its conf (`asset_events`: URI → materialization id), which is also where the next
/// look starts from — so creating the run and consuming the events are one write.
public struct AssetRunCreator: Sendable {
    public static let runIdPrefix = "asset_triggered__"
    public static let confKey = "asset_events"
    public let bag: DAGBag
    public let store: SQLiteStateStore
    /// The DAGs scheduled on assets (found once: the bag does not change).
    let assetScheduled: [(dag: DAG, trigger: AssetTrigger)]

    public init(bag: DAGBag, store: SQLiteStateStore) {
        self.bag = bag
        self.store = store
        assetScheduled = bag.dags.compactMap { d in d.assetSchedule.map { (d, $0) } }
    }

    @discardableResult
    public func createDueRuns(now: Date) throws -> [RunRecord] {
        // Called every scheduler turn: the cheap test (is anything new?) comes before the pause lookup.
        var created: [RunRecord] = []
        for (dag, trigger) in assetScheduled {
            let latest = try store.latestMaterializations(uris: trigger.uris)
            let seen = try store.latestRunConf(dagId: dag.id, runIdPrefix: Self.runIdPrefix)?[Self.confKey]?.objectValue ?? [:]
            let consumed = seen.compactMapValues { $0.intValue.map(Int64.init) }
            let ids = latest.mapValues(\.id)
            guard AssetScheduling.isDue(trigger, latest: ids, consumed: consumed),
                  try store.dag(dag.id)?.isPaused != true else { continue }
            let updated = AssetScheduling.updated(latest: ids, consumed: consumed)
            guard let newest = latest.filter({ updated.contains($0.key) }).values.max(by: { $0.id < $1.id }) else { continue }
            let conf: [String: JSONValue] = [Self.confKey: .object(ids.mapValues { .number(Double($0)) })]
            created.append(try RunFactory.create(store: store, dag: dag, type: .manual, interval: newest.interval,
                                                 logicalDate: newest.interval.start, conf: conf, owner: nil, now: now,
                                                 runId: Self.runIdPrefix + UTCFormat.iso(now)))
        }
        return created
    }
}
