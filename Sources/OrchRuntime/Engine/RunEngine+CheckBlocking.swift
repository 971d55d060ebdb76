import Foundation
import OrchCore
import OrchStore

extension RunEngine {
    /// Asset checks (issue 14): before the machine hears that an attempt which ran asset checks succeeded, it hears
    /// the run's failed error checks, counting those the attempt just reported, so it blocks the readers of a failed
    /// asset instead of scheduling them (the rule is ``CheckBlocking``, applied in the state machine). The results
    /// themselves are recorded with the attempt's end, in the same batch.
    func withCheckVerdicts(_ events: [EngineEvent]) -> [EngineEvent] {
        guard events.contains(where: { if case .attemptExited(_, _, .success) = $0 { return true } else { return false } })
        else { return events }
        var out: [EngineEvent] = []
        out.reserveCapacity(events.count)
        for event in events {
            if case .attemptExited(let key, _, .success) = event, let dagId = machine.dagId(of: key),
               bag.dag(dagId)?.task(key.taskId)?.checks.isEmpty == false {
                do {
                    out.append(.checksFailed(runPk: key.runPk,
                                             try store.failedErrorChecks(runPk: key.runPk, reportedBy: key.taskId)))
                } catch {
                    lastError = "cannot read the asset checks of \(key.taskId) in run \(key.runPk): \(error)"
                }
            }
            out.append(event)
        }
        return out
    }

    /// Whether any task of the DAG runs asset checks (only then are a run's failed checks read).
    func hasChecks(_ dagId: String) -> Bool {
        bag.dag(dagId)?.tasks.contains { !$0.checks.isEmpty } ?? false
    }
}
