import Foundation
import OrchCore
import OrchStore

extension RunEngine {
    /// OpenLineage events for the attempts a batch begins and ends (none without a configured endpoint). They are
    /// written with the batch, so a START exists exactly when its attempt does, and a COMPLETE/FAIL exactly when its
    /// end is recorded. A COMPLETE carries the rows the task reported per outlet (read from the reports the batch
    /// is about to consume).
    func lineageDrafts(_ batch: TransitionBatch, now: Date) -> [AlertDraft] {
        guard let lineage else { return [] }
        var drafts: [AlertDraft] = []   // outbox ids follow this order, and delivery follows the ids
        for e in batch.attemptsEnded {
            guard let a = lineageAttempt(e.key, tryNumber: e.tryNumber) else { continue }
            let type = OpenLineageEventType(outcome: e.outcome)
            let rows = type == .complete ? reportedRows(e.key, outlets: a.outlets) : [:]
            drafts.append(lineage.draft(type, a, at: now, rowsWritten: rows,
                                        error: type == .fail ? e.outcome.summary : nil))
        }
        // Starts after ends: an upstream's COMPLETE (or a failed try's FAIL) comes before the START it allowed.
        for b in batch.attemptsBegun {
            guard let a = lineageAttempt(b.key, tryNumber: b.tryNumber) else { continue }
            drafts.append(lineage.draft(.start, a, at: now))
        }
        return drafts
    }

    func lineageAttempt(_ key: AttemptKey, tryNumber: Int) -> OpenLineageAttempt? {
        guard let run = records[key.runPk], let task = bag.dag(run.dagId)?.task(key.taskId) else { return nil }
        return OpenLineageAttempt(dagId: run.dagId, runId: run.runId, taskId: key.taskId, tryNumber: tryNumber,
                                  interval: run.dataInterval, inlets: task.assets.inlets, outlets: task.assets.outlets,
                                  kind: task.kind)
    }

    /// Rows written per outlet, from the task's materialization reports (outlets it did not report on are left out).
    func reportedRows(_ key: AttemptKey, outlets: [String]) -> [String: Int] {
        var rows: [String: Int] = [:]
        for uri in outlets {
            guard let json = try? store.pullXCom(runPk: key.runPk, taskId: key.taskId,
                                                 key: AssetMaterialization.xcomKey(uri)),
                  let report = try? AssetMaterialization(json: json), let n = report.rowsWritten else { continue }
            rows[uri] = n
        }
        return rows
    }
}
