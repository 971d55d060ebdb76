extension DAGBag {
    /// The valid DAGs of `dags` as a bag, and the problems of the others: one invalid DAG never keeps the rest from
    /// loading. A DAG id defined twice in `dags` loads neither definition.
    public static func lenient(_ dags: [DAG]) -> (bag: DAGBag, errors: [DAGValidationError]) {
        let errors = DAGValidator.validate(dags)
        let bad = Set(errors.map(\.dagId))
        do {
            return (try DAGBag(dags.filter { !bad.contains($0.id) }), errors)
        } catch {
            // Unreachable: every DAG with a problem was left out. Load nothing rather than something unchecked.
            return (try! DAGBag([]), errors + error.errors)
        }
    }
}
