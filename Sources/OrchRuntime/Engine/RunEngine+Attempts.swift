import Foundation
import Logging
import OrchCore
import OrchStore

extension RunEngine {
    /// Starts scheduled tasks while worker slots, max_active_tasks and pool slots allow. Priority: oldest run
    /// (logical date) first, each run in topological order; but a run with nothing running gets one slot before
    /// any run gets another, so a small run triggered during a big one starts at the next free slot instead of
    /// waiting behind the big one's queue.
    func startReadyTasks() throws {
        let free = pool.slots - running.count
        guard free > 0, !draining else { return }
        var perDAG: [String: Int] = [:]
        var poolUse: [String: Int] = [:]
        for r in running.values {
            perDAG[r.dagId, default: 0] += 1
            poolUse[r.pool, default: 0] += r.poolSlots
        }
        let busyRuns = Set(running.keys.map(\.runPk))
        var allocator = SlotAllocator(freeWorkerSlots: free, runningPerDAG: perDAG,
                                      maxActiveTasks: maxActiveTasksByDAG, usedPoolSlots: poolUse,
                                      poolSizes: poolSizes)
        let runs = active.values.filter { $0.scheduledCount > 0 }.sorted {
            ($0.record.logicalDate, $0.record.pk) < ($1.record.logicalDate, $1.record.pk)
        }
        for run in runs where !busyRuns.contains(run.record.pk) && !allocator.isFull {
            for c in takeReady(from: run, allocator: &allocator, atMost: 1) { try start(c) }
        }
        for run in runs where !allocator.isFull {
            for c in takeReady(from: run, allocator: &allocator, atMost: Int.max) { try start(c) }
        }
    }

    /// Up to `atMost` of `run`'s scheduled tasks that the allocator lets start, in the run's topological order.
    /// The run keeps a cursor past its leading tasks that are not waiting, so a step costs what it starts, not
    /// the DAG's size.
    private func takeReady(from run: ActiveRun, allocator: inout SlotAllocator, atMost: Int) -> [SlotCandidate] {
        var i = run.readyCursor
        while i < run.order.count && run.instances[run.order[i]]?.state != .scheduled { i += 1 }
        run.readyCursor = i
        var seen = 0
        var chosen: [SlotCandidate] = []
        while i < run.order.count && seen < run.scheduledCount && chosen.count < atMost && !allocator.isFull {
            let taskId = run.order[i]
            i += 1
            guard run.instances[taskId]?.state == .scheduled, let task = run.dag.task(taskId) else { continue }
            seen += 1
            let c = SlotCandidate(runKey: run.record.pk, dagId: run.dag.id, taskId: taskId, pool: task.pool,
                                  poolSlots: task.poolSlots)
            if allocator.take(c) { chosen.append(c) }
        }
        return chosen
    }

    func start(_ c: SlotCandidate) throws {
        guard let run = active[c.runKey], let ti = run.instances[c.taskId], let task = run.dag.task(c.taskId) else { return }
        let tryNumber = ti.tryNumber + 1
        let now = clock()
        if run.instances.values.allSatisfy({ $0.tryNumber == 0 }) {
            OrchMetrics.recordTriggerToStart(dagId: run.dag.id, seconds: now.timeIntervalSince(run.record.queuedAt))
        }
        let logPath = home.attemptLogPath(dagId: run.dag.id, runId: run.record.runId, taskId: c.taskId,
                                          tryNumber: tryNumber).path
        let spec = makeSpec(run: run.record, dag: run.dag, taskId: c.taskId, tryNumber: tryNumber, logPath: logPath)
        let attemptId = try store.beginAttempt(runPk: c.runKey, taskId: c.taskId, tryNumber: tryNumber,
                                               isolation: task.isolation, logPath: logPath, now: now)
        run.setState(c.taskId, .running)
        run.instances[c.taskId]?.tryNumber = tryNumber
        let key = AttemptKey(runPk: c.runKey, taskId: c.taskId)
        running[key] = RunningAttempt(spec: spec, dagId: run.dag.id, pool: task.pool, poolSlots: task.poolSlots,
                                      startedAt: now, runningLimit: task.runningLimit)
        pool.launch(spec, task: task, callbacks: callbacks(key, tryNumber: tryNumber, attemptId: attemptId,
                                                           recordsProcess: task.isolation == .process))
    }

    nonisolated func callbacks(_ key: AttemptKey, tryNumber: Int, attemptId: Int64?,
                               recordsProcess: Bool) -> AttemptCallbacks {
        AttemptCallbacks(
            started: { [store] pid, ticks in
                // Recorded for display and for killing; liveness itself is the attempt's lock file.
                guard recordsProcess, let attemptId else { return }
                try? store.recordAttemptProcess(attemptId: attemptId, runPk: key.runPk, taskId: key.taskId,
                                                pid: Int(pid), startTicks: ticks)
            },
            finished: { outcome in
                Task { await self.attemptFinished(runPk: key.runPk, taskId: key.taskId, tryNumber: tryNumber, outcome: outcome) }
            })
    }

    /// Resolves an ended attempt (retry or not), writes it with its alerts in one transaction, and moves on.
    public func attemptFinished(runPk: Int64, taskId: String, tryNumber: Int, outcome: AttemptOutcome) {
        let key = AttemptKey(runPk: runPk, taskId: taskId)
        let startedAt = running[key]?.startedAt
        let startedLogPath = running[key]?.spec.logPath   // an adopted attempt of an older version logs elsewhere
        running[key] = nil
        defer { signal.notify() }
        guard let run = active[runPk], let ti = run.instances[taskId], ti.tryNumber == tryNumber else { return }
        let task = run.dag.task(taskId)
        var policy = task?.retry ?? RetryPolicy()
        policy.retries = max(0, ti.maxTries - 1)
        let now = clock()
        let resolution = AttemptResolution.resolve(outcome, tryNumber: tryNumber, policy: policy, now: now)
        var drafts: [AlertDraft] = []
        if resolution.isFinalFailure || resolution.isRetry, !run.dag.alerts.mutedTasks.contains(taskId) {
            let spec = makeSpec(run: run.record, dag: run.dag, taskId: taskId, tryNumber: tryNumber,
                                logPath: startedLogPath ?? home.attemptLogPath(dagId: run.dag.id, runId: run.record.runId,
                                                                               taskId: taskId, tryNumber: tryNumber).path)
            drafts = alerts.drafts(for: AlertEvent(kind: resolution.isRetry ? .taskRetry : .taskFailed, dag: run.dag,
                                                   run: run.record, taskId: taskId, tryNumber: tryNumber,
                                                   state: resolution.state.rawValue, error: outcome.summary,
                                                   logPath: spec.logPath))
        }
        do {
            try store.finishAttempt(runPk: runPk, taskId: taskId, tryNumber: tryNumber, outcome: outcome,
                                    resolution: resolution, now: now, alerts: drafts,
                                    outlets: task?.assets.outlets ?? [])   // assets (issue 14): materializations
        } catch {
            lastError = "cannot record the end of \(taskId) try \(tryNumber): \(error)"
            return
        }
        if let startedAt {
            OrchMetrics.recordAttempt(dagId: run.dag.id, outcome: resolution.state.rawValue,
                                      seconds: now.timeIntervalSince(startedAt))
        }
        OrchLog.scheduler.info("attempt ended", metadata: [
            "dag_id": "\(run.dag.id)", "run_id": "\(run.record.runId)", "task_id": "\(taskId)",
            "try_number": "\(tryNumber)", "state": "\(resolution.state.rawValue)"])
        run.setState(taskId, resolution.state)
        run.instances[taskId]?.nextRetryAt = resolution.nextRetryAt
        run.taskChanged(taskId)
        step()
    }

    func makeSpec(run: RunRecord, dag: DAG, taskId: String, tryNumber: Int, logPath: String) -> AttemptSpec {
        var params = dag.params
        for (k, v) in run.conf { params[k] = v }
        return AttemptSpec(dagId: dag.id, taskId: taskId, runId: run.runId, runPk: run.pk, tryNumber: tryNumber,
                           logicalDate: run.logicalDate, dataInterval: run.dataInterval, params: params,
                           logPath: logPath, home: home.root.path, databasePath: store.path,
                           environment: TaskEnvironment.requested(dag.environment, from: ProcessInfo.processInfo.environment))
    }

    /// Deadline alerts: a run unfinished N minutes after its interval ended (only when it was created in time to
    /// meet that; see ``RunDeadline``); a task over its running limit.
    func checkDeadlines() throws {
        let now = clock()
        for run in active.values {
            if let minutes = run.dag.alerts.runDeadlineMinutes, !deadlineAlerted.contains(run.record.pk),
               RunDeadline(minutes: minutes).isMissed(intervalEnd: run.record.dataInterval.end,
                                                      queuedAt: run.record.queuedAt, now: now) {
                deadlineAlerted.insert(run.record.pk)
                let drafts = alerts.drafts(for: AlertEvent(kind: .deadlineMissed, dag: run.dag, run: run.record,
                                                           state: run.record.state.rawValue,
                                                           detail: "run not finished \(Int(minutes)) minutes after its data interval ended"))
                try store.enqueueAlerts(drafts, now: now)
            }
        }
        for (key, attempt) in running where !attempt.limitAlerted {
            guard let limit = attempt.runningLimit, now.timeIntervalSince(attempt.startedAt) > limit,
                  let run = active[key.runPk] else { continue }
            running[key]?.limitAlerted = true
            let drafts = alerts.drafts(for: AlertEvent(kind: .deadlineMissed, dag: run.dag, run: run.record,
                                                       taskId: key.taskId, tryNumber: attempt.spec.tryNumber,
                                                       state: TaskState.running.rawValue, logPath: attempt.spec.logPath,
                                                       detail: "task running longer than its limit of \(Int(limit)) s"))
            try store.enqueueAlerts(drafts, now: now)
        }
    }
}
