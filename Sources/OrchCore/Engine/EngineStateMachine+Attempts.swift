import Foundation

extension EngineStateMachine {
    /// Starts scheduled tasks while worker slots, max_active_tasks and pool slots allow. Priority: oldest run
    /// (logical date) first, each run in topological order, with ``FairShare`` between runs.
    mutating func startReadyTasks(now: Date, _ step: inout Step) {
        let free = configuration.workerSlots - localRunningCount
        // Without remote queues no task can take a remote slot: counting them would keep the allocator from ever
        // being full, and every step would look at every scheduled task.
        let freeRemote = configuration.localQueues == nil ? 0 : configuration.remoteSlots - remoteRunning
        guard free > 0 || freeRemote > 0 else { return }
        let readyRuns = active.values.filter { $0.scheduledCount > 0 }
            .sorted { ($0.logicalDate, $0.pk) < ($1.logicalDate, $1.pk) }
        guard !readyRuns.isEmpty else { return }
        let ready = readyRuns.map(\.pk)
        // The limits of the DAGs with tasks to start only (not of every DAG loaded, at every step).
        var maxActiveTasks: [String: Int] = [:]
        for run in readyRuns { maxActiveTasks[run.dagId] = plans[run.dagId]?.dag.maxActiveTasks }
        var allocator = SlotAllocator(freeWorkerSlots: free, runningPerDAG: runningPerDAG,
                                      maxActiveTasks: maxActiveTasks, usedPoolSlots: poolUse,
                                      poolSizes: pools, freeRemoteSlots: max(0, freeRemote))
        let busy = Set(ready.filter { (active[$0]?.runningCount ?? 0) > 0 })
        for (pk, atMost) in FairShare.passes(ready, isBusy: busy.contains) where !allocator.isFull {
            for c in takeReady(from: pk, allocator: &allocator, atMost: atMost) { start(c, now: now, &step) }
        }
    }

    /// Up to `atMost` of the run's scheduled tasks that the allocator lets start, in topological order. The run
    /// keeps a cursor past its leading tasks that are not waiting, so a step costs what it starts, not the DAG's size.
    mutating func takeReady(from pk: Int64, allocator: inout SlotAllocator, atMost: Int) -> [SlotCandidate] {
        guard let run = active[pk], let plan = plans[run.planKey] else { return [] }
        var i = run.readyCursor
        while i < run.order.count && run.instances[run.order[i]]?.state != .scheduled { i += 1 }
        active[pk]?.readyCursor = i
        var seen = 0
        var chosen: [SlotCandidate] = []
        while i < run.order.count && seen < run.scheduledCount && chosen.count < atMost && !allocator.isFull {
            let taskId = run.order[i]
            i += 1
            guard run.instances[taskId]?.state == .scheduled, let task = plan.dag.task(taskId) else { continue }
            seen += 1
            let c = SlotCandidate(runKey: pk, dagId: run.dagId, taskId: taskId, pool: task.pool, poolSlots: task.poolSlots,
                                  remote: isRemote(task))
            if allocator.take(c) { chosen.append(c) }
        }
        return chosen
    }

    /// What a decision about one task instance reads of its run, without keeping a copy of the run: a copy alive
    /// while the run changes would copy all of its task states.
    struct InstanceFacts {
        let dagId: String
        let neverStarted: Bool
        let instance: TaskInstanceSnapshot
        let plan: DAGPlan
    }

    func facts(_ key: AttemptKey) -> InstanceFacts? {
        guard let run = active[key.runPk], let ti = run.instances[key.taskId], let plan = plans[run.planKey] else { return nil }
        return InstanceFacts(dagId: run.dagId, neverStarted: run.neverStarted, instance: ti, plan: plan)
    }

    mutating func start(_ c: SlotCandidate, now: Date, _ step: inout Step) {
        let key = AttemptKey(runPk: c.runKey, taskId: c.taskId)
        guard let run = facts(key), let task = run.plan.dag.task(c.taskId) else { return }
        let plan = run.plan
        let tryNumber = run.instance.tryNumber + 1
        let remote = isRemote(task)
        step.launches.append(AttemptLaunch(key: key, dagId: run.dagId, tryNumber: tryNumber, isRunsFirst: run.neverStarted,
                                           remoteQueue: remote ? task.queueName : nil))
        step.batch.attemptsBegun.append(.init(key: key, tryNumber: tryNumber))
        active[c.runKey]?.setState(c.taskId, .running, rank: plan.rank[c.taskId] ?? 0)
        active[c.runKey]?.instances[c.taskId]?.tryNumber = tryNumber
        active[c.runKey]?.neverStarted = false
        var attempt = RunningAttempt(tryNumber: tryNumber, dagId: run.dagId, pool: task.pool, poolSlots: task.poolSlots,
                                     startedAt: now, started: false, timeout: timeout(of: task),
                                     runningLimit: task.runningLimit.map(RunningLimit.init))
        attempt.remote = remote
        hold(key, attempt)
    }

    func timeout(of task: TaskSpec) -> ExecutionTimeout? {
        task.executionTimeout.map { ExecutionTimeout(seconds: $0, killGrace: configuration.killGrace) }
    }

    /// The attempt takes its worker slot, its DAG's task slot and its pool slots.
    mutating func hold(_ key: AttemptKey, _ attempt: RunningAttempt) {
        running[key] = attempt
        if attempt.remote { remoteRunning += 1 }
        runningPerDAG[attempt.dagId, default: 0] += 1
        poolUse[attempt.pool, default: 0] += attempt.poolSlots
        active[key.runPk]?.runningCount += 1
    }

    mutating func release(_ key: AttemptKey) -> RunningAttempt? {
        guard let attempt = running.removeValue(forKey: key) else { return nil }
        if attempt.remote { remoteRunning -= 1 }
        runningPerDAG[attempt.dagId, default: 1] -= 1
        poolUse[attempt.pool, default: attempt.poolSlots] -= attempt.poolSlots
        active[key.runPk]?.runningCount -= 1
        return attempt
    }

    /// The attempt's process started: its timeout counts from now.
    mutating func attemptStarted(_ key: AttemptKey, tryNumber: Int, now: Date) {
        guard running[key]?.tryNumber == tryNumber, running[key]?.started == false else { return }
        running[key]?.started = true
        running[key]?.startedAt = now
        // A remote attempt starts when a worker leases it: its lease runs from now.
        if running[key]?.remote == true { running[key]?.heartbeatAt = now }
    }

    /// An attempt ended: resolve it (retry or not) and let its downstream tasks be evaluated.
    mutating func attemptExited(_ key: AttemptKey, tryNumber: Int, outcome: AttemptOutcome, now: Date,
                                _ step: inout Step) {
        guard running[key]?.tryNumber == tryNumber, let attempt = release(key) else { return }
        // Asked to stop for its timeout: a timeout, however the process then ended.
        var outcome = outcome
        if attempt.terminatedAt != nil, let timeout = attempt.timeout { outcome = .timedOut(seconds: timeout.seconds) }
        resolve(key, tryNumber: tryNumber, outcome: outcome, now: now, &step)
    }

    /// Applies the retry policy to an ended try and records it with its alerts.
    mutating func resolve(_ key: AttemptKey, tryNumber: Int, outcome: AttemptOutcome, now: Date, _ step: inout Step) {
        guard let facts = facts(key), facts.instance.tryNumber == tryNumber else { return }
        let plan = facts.plan, ti = facts.instance
        let task = plan.dag.task(key.taskId)
        var policy = task?.retry ?? RetryPolicy()
        policy.retries = max(0, ti.maxTries - 1)
        let resolution = AttemptResolution.resolve(outcome, tryNumber: tryNumber, policy: policy, now: now)
        step.batch.attemptsEnded.append(.init(key: key, tryNumber: tryNumber, outcome: outcome, resolution: resolution,
                                              outlets: task?.assets.outlets ?? [],
                                              hasChecks: task?.checks.isEmpty == false))
        if resolution.isFinalFailure || resolution.isRetry, !plan.dag.alerts.mutedTasks.contains(key.taskId) {
            step.batch.alerts.append(AlertIntent(kind: resolution.isRetry ? .taskRetry : .taskFailed, runPk: key.runPk,
                                                 taskId: key.taskId, tryNumber: tryNumber,
                                                 state: resolution.state.rawValue, error: outcome.summary))
        }
        active[key.runPk]?.setState(key.taskId, resolution.state, rank: plan.rank[key.taskId] ?? 0)
        active[key.runPk]?.instances[key.taskId]?.nextRetryAt = resolution.nextRetryAt
        if resolution.state == .upForRetry {
            retryDue[key] = resolution.nextRetryAt ?? now
        } else {
            active[key.runPk]?.pending.formUnion(plan.downstream[key.taskId] ?? [])
        }
        dirtyRuns.insert(key.runPk)
    }

    /// Restart recovery: an attempt recorded as running when its run was picked up.
    mutating func recover(_ key: AttemptKey, found: FoundAttempt, now: Date, _ step: inout Step) {
        if let held = running[key], held.tryNumber == active[key.runPk]?.instances[key.taskId]?.tryNumber { return }
        guard let run = facts(key), let task = run.plan.dag.task(key.taskId) else { return }
        let ti = run.instance
        switch found {
        case .alive(let startedAt):
            // Followed again; a timeout that elapsed meanwhile stops it at this step (see `checkTimers`).
            hold(key, RunningAttempt(tryNumber: ti.tryNumber, dagId: run.dagId, pool: task.pool,
                                     poolSlots: task.poolSlots, startedAt: startedAt, started: true,
                                     timeout: timeout(of: task),
                                     runningLimit: task.runningLimit.map(RunningLimit.init)))
        case .dead(let startedAt, let left):
            let outcome = timeout(of: task).map { $0.unwatchedOutcome(startedAt: startedAt, left: left, now: now) }
                ?? left ?? ExecutionTimeout.unwatchedFailure
            resolve(key, tryNumber: ti.tryNumber, outcome: outcome, now: now, &step)
        case .neverStarted:
            // Withdrawn (its record goes) and scheduled again: the same try starts afresh at this step or a later one.
            step.batch.attemptsWithdrawn.append(.init(key: key, tryNumber: ti.tryNumber))
            active[key.runPk]?.instances[key.taskId]?.tryNumber = ti.tryNumber - 1
            active[key.runPk]?.setState(key.taskId, .scheduled, rank: run.plan.rank[key.taskId] ?? 0)
        case .missing:
            resolve(key, tryNumber: ti.tryNumber, outcome: .failed(exitCode: nil,
                    error: "no attempt record; the scheduler stopped while starting it"), now: now, &step)
        case .remote(let startedAt):
            var attempt = RunningAttempt(tryNumber: ti.tryNumber, dagId: run.dagId, pool: task.pool,
                                         poolSlots: task.poolSlots, startedAt: startedAt ?? now,
                                         started: startedAt != nil, timeout: timeout(of: task),
                                         runningLimit: task.runningLimit.map(RunningLimit.init))
            attempt.remote = true
            attempt.heartbeatAt = now
            hold(key, attempt)
        case .lostInProcess:
            resolve(key, tryNumber: ti.tryNumber, outcome: .failed(exitCode: nil,
                    error: "the process running this in-process attempt stopped"), now: now, &step)
        }
    }
}
