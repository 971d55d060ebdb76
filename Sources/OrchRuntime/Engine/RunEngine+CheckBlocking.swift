import Foundation
import OrchCore
import OrchStore

extension RunEngine {
    /// Asset checks (issue 14): of the tasks just decided ready, those reading an asset with a failed
    /// error-severity check in this run are blocked instead (state blocked_by_check, the rule's reason as their
    /// error); their downstream tasks are evaluated next. Returns the changes that remain. The rule itself is
    /// ``CheckBlocking`` in OrchCore; this only reads the run's failed checks and records the verdict.
    func applyCheckBlocking(_ run: ActiveRun, changes: [(taskId: String, state: TaskState)],
                            now: Date) throws -> [(taskId: String, state: TaskState)] {
        let readers = changes.filter { $0.state == .scheduled && !(run.dag.task($0.taskId)?.assets.inlets.isEmpty ?? true) }
        guard !readers.isEmpty else { return changes }
        let failed = try store.failedErrorChecks(runPk: run.record.pk)
        guard !failed.isEmpty else { return changes }
        var blocked: Set<String> = []
        for c in readers {
            guard let reason = CheckBlocking.reason(inlets: run.dag.task(c.taskId)?.assets.inlets ?? [], failed: failed)
            else { continue }
            try store.blockTask(runPk: run.record.pk, taskId: c.taskId, reason: reason, now: now)
            run.setState(c.taskId, .blockedByCheck)
            run.taskChanged(c.taskId)
            blocked.insert(c.taskId)
        }
        if !blocked.isEmpty { signal.notify() }
        return changes.filter { !blocked.contains($0.taskId) }
    }
}
