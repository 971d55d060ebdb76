import Foundation
import OrchCore

// Runs
extension InMemoryStateStore {
    public func createRun(dagId: String, runId: String, runType: RunType, interval: DataInterval, logicalDate: Date?,
                          conf: [String: JSONValue], tasks: [(id: String, maxTries: Int)], owner: String?, now: Date,
                          generatedRunId: Bool) throws -> RunRecord {
        try write { t in
            let runs = t.runs.values.filter { $0.dagId == dagId }
            let base = runId
            var runId = runId
            var attempt = 1
            while runs.contains(where: { $0.runId == runId }) {
                guard generatedRunId, attempt < RunIdRule.maxAttempts else {
                    throw StoreError.conflict("DAG '\(dagId)' already has a run '\(runId)'")
                }
                attempt += 1
                runId = RunIdRule.candidate(base, attempt: attempt)
            }
            var logicalDate = logicalDate ?? interval.start
            var ties = 0
            while runs.contains(where: { $0.logicalDate == logicalDate && $0.runType == runType }) {
                if runType == .manual, generatedRunId, ties < RunIdRule.maxAttempts {
                    ties += 1
                    logicalDate = logicalDate.addingTimeInterval(0.000_001)
                    continue
                }
                throw StoreError.conflict("DAG '\(dagId)' already has a \(runType.rawValue) run for logical date "
                    + "\(isoString(logicalDate)); clear it to run it again (`orch runs clear RUN_ID`)")
            }
            let pk = t.nextRunPk
            t.nextRunPk += 1
            let run = RunRecord(pk: pk, dagId: dagId, runId: runId, runType: runType, state: .queued,
                                logicalDate: logicalDate, dataInterval: interval, conf: conf, owner: owner,
                                queuedAt: now, startDate: nil, endDate: nil)
            t.runs[pk] = run
            t.instances[pk] = Dictionary(uniqueKeysWithValues: tasks.map { task in
                (task.id, TaskInstanceRecord(runPk: pk, taskId: task.id, state: .none, tryNumber: 0,
                                             maxTries: task.maxTries, nextRetryAt: nil, startDate: nil, endDate: nil,
                                             pid: nil, error: nil))
            })
            return run
        }
    }

    public func run(pk: Int64) throws -> RunRecord? { read { $0.runs[pk] } }

    public func run(dagId: String, runId: String) throws -> RunRecord? {
        read { $0.runs.values.first { $0.dagId == dagId && $0.runId == runId } }
    }

    /// Newest first (logical date, then pk), as `SQLiteStateStore.runs(_:)` orders them.
    public func runs(_ q: RunQuery) throws -> [RunRecord] {
        let all = read { $0.runs.values.filter { Self.matches($0, q) } }
            .sorted { ($0.logicalDate, $0.pk) > ($1.logicalDate, $1.pk) }
        return Array(all.dropFirst(q.offset).prefix(q.limit))
    }

    public func countRuns(_ q: RunQuery) throws -> Int { read { $0.runs.values.filter { Self.matches($0, q) }.count } }

    public func activeRuns() throws -> [RunRecord] {
        read { $0.runs.values.filter { !$0.state.isFinished } }.sorted { ($0.logicalDate, $0.pk) < ($1.logicalDate, $1.pk) }
    }

    public func runExists(dagId: String, logicalDate: Date, runType: RunType) throws -> Bool {
        read { $0.runs.values.contains { $0.dagId == dagId && $0.logicalDate == logicalDate && $0.runType == runType } }
    }

    public func startRun(pk: Int64, owner: String?, now: Date) throws {
        write { t in
            guard let run = t.runs[pk], !run.state.isFinished else { return }
            t.runs[pk]?.state = .running
            t.runs[pk]?.owner = owner
            t.runs[pk]?.startDate = run.startDate ?? now
        }
    }

    public func finishRun(pk: Int64, state: RunState, now: Date, alerts: [AlertDraft]) throws {
        write { t in
            if t.runs[pk] != nil {
                t.runs[pk]?.state = state
                t.runs[pk]?.endDate = now
                t.runs[pk]?.owner = nil
            }
            Self.insertAlerts(alerts, into: &t)
        }
    }

    public func setRunOwner(pk: Int64, owner: String?) throws { write { t in if t.runs[pk] != nil { t.runs[pk]?.owner = owner } } }

    public func markRun(pk: Int64, state: RunState, now: Date) throws {
        guard state.isFinished else { throw StoreError.invalid("a run can be marked success or failed, not \(state.rawValue)") }
        try write { t in
            guard t.runs[pk] != nil else { throw StoreError.notFound("run \(pk)") }
            Self.markRun(pk, state, now, in: &t)
        }
    }

    /// ``markRun(pk:state:now:)`` inside a write (single and bulk marks).
    static func markRun(_ pk: Int64, _ state: RunState, _ now: Date, in t: inout Tables) {
        let taskState: TaskState = state == .success ? .success : .failed
        for (id, ti) in t.instances[pk] ?? [:] where !ti.state.isFinished {
            t.instances[pk]?[id]?.state = taskState
            t.instances[pk]?[id]?.endDate = ti.endDate ?? now
        }
        t.runs[pk]?.state = state
        t.runs[pk]?.endDate = now
        t.runs[pk]?.owner = nil
    }

    public func deleteRun(pk: Int64) throws {
        try write { t in
            guard let run = t.runs[pk] else { throw StoreError.notFound("no run with id \(pk)") }
            guard run.state.isFinished else {
                throw StoreError.conflict("run '\(run.runId)' of DAG '\(run.dagId)' is \(run.state.rawValue); "
                    + "mark it success or failed before deleting it")
            }
            t.runs[pk] = nil
            t.instances[pk] = nil
            t.xcoms[pk] = nil
            t.attempts = t.attempts.filter { $0.value.runPk != pk }
        }
    }

    static func matches(_ r: RunRecord, _ q: RunQuery) -> Bool {
        (q.dagId == nil || r.dagId == q.dagId) && (q.states.isEmpty || q.states.contains(r.state))
            && (q.runTypes.isEmpty || q.runTypes.contains(r.runType))
            && (q.logicalFrom.map { r.logicalDate >= $0 } ?? true) && (q.logicalTo.map { r.logicalDate <= $0 } ?? true)
    }
}
