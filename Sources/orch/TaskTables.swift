import OrchCore
import OrchRuntime
import OrchStore

/// Task tables in the CLI list tasks in dependency order (every upstream before its downstream), as the DAG
/// runs them; tasks no longer in the DAG come last, by id.
struct DependencyOrder {
    private let rank: [String: Int]

    init(dagId: String) {
        let order = BundleSelection.loaded(OrchHome.fromEnvironment()).bag.dag(dagId).map(DAGValidator.topologicalOrder) ?? []
        rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func sorted<T>(_ items: [T], by taskId: (T) -> String) -> [T] {
        items.enumerated().sorted { a, b in
            let (ka, kb) = (taskId(a.element), taskId(b.element))
            return (rank[ka] ?? Int.max, ka, a.offset) < (rank[kb] ?? Int.max, kb, b.offset)
        }.map(\.element)
    }
}

/// Each task's outcome in a run: state, tries, duration and the start of its error.
func printOutcomes(store: SQLiteStateStore, pk: Int64) {
    guard let tis = try? store.taskInstances(runPk: pk), let run = try? store.run(pk: pk) else { return }
    printTable(["task_id", "state", "tries", "duration", "error"],
               DependencyOrder(dagId: run.dagId).sorted(tis, by: \.taskId).map { ti in
        [ti.taskId, ti.state.rawValue, String(ti.tryNumber), formatDuration(ti.startDate, ti.endDate),
         String((ti.error ?? "").prefix(100))]
    })
}
