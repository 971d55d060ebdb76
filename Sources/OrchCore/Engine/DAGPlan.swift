/// What the engine derives once per DAG (not per run): topological order, ranks and downstream edges.
struct DAGPlan: Sendable {
    let dag: DAG
    let order: [String]
    let rank: [String: Int]
    let downstream: [String: [String]]

    init(_ dag: DAG) {
        self.dag = dag
        order = DAGValidator.topologicalOrder(dag)
        rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        downstream = dag.downstream
    }
}
