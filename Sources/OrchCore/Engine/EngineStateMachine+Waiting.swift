import Foundation

extension EngineStateMachine {
    /// Why a task instance is not running, or nil when it is running or finished (or unknown).
    public func waitingReason(of key: AttemptKey, now: Date) -> WaitingReason? {
        if let run = active[key.runPk] {
            guard let ti = run.instances[key.taskId], !ti.state.isFinished, running[key] == nil else { return nil }
            return taskReason(ti, in: run, now: now)
        }
        if queued[key.runPk]?.instances[key.taskId]?.state.isFinished == false
            || unloadable[key.runPk] != nil {
            return runWaitingReason(key.runPk)
        }
        return nil
    }

    /// Why a run is not running yet (queued), or nil when it runs or is unknown.
    public func runWaitingReason(_ pk: Int64) -> WaitingReason? {
        if let dagId = unloadable[pk] { return .dagNotLoaded(dagId) }
        guard let run = queued[pk] else { return nil }
        // Pause first: with a scheduler or without, a paused DAG's run stays queued.
        if !PauseRule(honoured: configuration.honourPause).mayAdmit(dagId: run.dagId, paused: paused) {
            return .dagPaused(run.dagId)
        }
        if !holdsLease { return .noScheduler }
        if draining { return .schedulerStopping }
        let limit = plans[run.dagId]?.dag.maxActiveRuns ?? 1
        let runningRuns = active.values.filter { $0.dagId == run.dagId }.sorted { $0.pk < $1.pk }
        if runningRuns.count >= limit {
            return .maxActiveRuns(dagId: run.dagId, limit: limit, running: runningRuns.map(\.runId))
        }
        // Older queued runs of the same DAG take the free places first.
        let older = queued.values.filter {
            $0.dagId == run.dagId && ($0.logicalDate, $0.pk) < (run.logicalDate, run.pk)
        }.sorted { ($0.logicalDate, $0.pk) < ($1.logicalDate, $1.pk) }
        if runningRuns.count + older.count >= limit {
            return .maxActiveRuns(dagId: run.dagId, limit: limit,
                                  running: runningRuns.map(\.runId) + older.prefix(limit - runningRuns.count).map(\.runId))
        }
        return .nextStep
    }

    /// The reason of every task instance not running in every run the engine knows.
    public func waitingReasons(now: Date) -> [AttemptKey: WaitingReason] {
        var out: [AttemptKey: WaitingReason] = [:]
        for run in Array(active.values) + Array(queued.values) {
            for id in run.instances.keys {
                let key = AttemptKey(runPk: run.pk, taskId: id)
                if let r = waitingReason(of: key, now: now) { out[key] = r }
            }
        }
        return out
    }

    func taskReason(_ ti: TaskInstanceSnapshot, in run: EngineRun, now: Date) -> WaitingReason? {
        guard let task = plans[run.planKey]?.dag.task(ti.taskId) else { return nil }
        switch ti.state {
        case .none:
            let waits = task.upstream.compactMap { id -> WaitingReason.UpstreamWait? in
                guard let s = run.instances[id]?.state, !s.isFinished else { return nil }
                return .init(taskId: id, state: s)
            }
            return waits.isEmpty ? .nextStep : .upstream(waits)
        case .upForRetry:
            if let at = ti.nextRetryAt, at > now {
                return .retryWait(until: at, nextTry: ti.tryNumber + 1, maxTries: ti.maxTries)
            }
            return slotReason(task, dagId: run.dagId)
        case .scheduled, .queued, .running:
            return slotReason(task, dagId: run.dagId)
        default:
            return nil
        }
    }

    /// What stops a ready task from taking a slot now, checked in the order the allocator checks.
    func slotReason(_ task: TaskSpec, dagId: String) -> WaitingReason {
        if !holdsLease { return .noScheduler }
        if draining { return .schedulerStopping }
        if isRemote(task) {
            if remoteRunning >= configuration.remoteSlots {
                return .workerSlotsFull(used: remoteRunning, total: configuration.remoteSlots)
            }
        } else if localRunningCount >= configuration.workerSlots {
            return .workerSlotsFull(used: localRunningCount, total: configuration.workerSlots)
        }
        let limit = plans[dagId]?.dag.maxActiveTasks ?? Int.max
        if runningPerDAG[dagId, default: 0] >= limit { return .maxActiveTasks(dagId: dagId, limit: limit) }
        guard let size = pools[task.pool] else { return .unknownPool(task.pool) }
        let used = poolUse[task.pool, default: 0]
        if used + task.poolSlots > size {
            let holders = running.filter { $0.value.pool == task.pool }.keys.sorted()
                .map { "\(active[$0.runPk]?.dagId ?? "?").\($0.taskId)" }
            return .poolFull(pool: task.pool, used: used, size: size, needs: task.poolSlots, usedBy: holders)
        }
        return .nextStep
    }
}
