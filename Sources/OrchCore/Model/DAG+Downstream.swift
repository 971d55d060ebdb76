/// The tasks a change to one task reaches: clearing or marking a task "with downstream" acts on these too.
extension DAG {
    /// `taskId` and every task that depends on it directly or through others, in dependency order
    /// (upstream first). Empty when the DAG has no such task.
    public func withDownstream(of taskId: String) -> [String] {
        guard task(taskId) != nil else { return [] }
        let down = downstream
        var reached: Set<String> = [taskId]
        var frontier = [taskId]
        while let next = frontier.popLast() {
            for d in down[next] ?? [] where reached.insert(d).inserted { frontier.append(d) }
        }
        return DAGValidator.topologicalOrder(self).filter(reached.contains)
    }
}
