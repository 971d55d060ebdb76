import Synchronization

/// What the engine derives once per DAG (not per run): topological order, ranks and downstream edges. Derived on
/// first use, not when the engine starts: a scheduler loads every DAG of its bundles, most of which do not run
/// every day, and the three tables of the benchmark bundle's 9,400 tasks held 1.8 MB of an idle `orch serve`
/// (docs/performance.md, "Two malloc arenas"). Once derived, every copy of the plan shares them.
struct DAGPlan: Sendable {
    let dag: DAG
    private let derived: DerivedOnce

    init(_ dag: DAG) {
        self.dag = dag
        derived = DerivedOnce(dag)
    }

    var order: [String] { derived.tables.order }
    var rank: [String: Int] { derived.tables.rank }
    var downstream: [String: [String]] { derived.tables.downstream }
    /// Whether the tables were derived yet (tests).
    var isDerived: Bool { derived.isDerived }
}

/// The tables of one DAG, derived by the first reader.
private final class DerivedOnce: Sendable {
    struct Tables {
        let order: [String]
        let rank: [String: Int]
        let downstream: [String: [String]]
    }

    private let dag: DAG
    private let cache = Mutex<Tables?>(nil)

    init(_ dag: DAG) { self.dag = dag }

    var isDerived: Bool { cache.withLock { $0 != nil } }

    var tables: Tables {
        cache.withLock { cached in
            if let cached { return cached }
            let order = DAGValidator.topologicalOrder(dag)
            let tables = Tables(order: order,
                                rank: Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a }),
                                downstream: dag.downstream)
            cached = tables
            return tables
        }
    }
}
