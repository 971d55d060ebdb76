import Foundation

extension EngineStateMachine {
    /// A run read from the store. A queued run waits for admission; a running one (left by a stopped scheduler)
    /// is adopted at once, with what was found of its attempts.
    mutating func found(_ input: EngineRunInput, now: Date, _ step: inout Step) {
        guard !knows(run: input.pk) else { return }
        guard let plan = plans[input.planKey] else {
            unloadable[input.pk] = input.dagId
            return
        }
        let run = EngineRun(input, plan: plan)
        if input.state == .queued {
            queued[input.pk] = run
            admissionDirty = true
        } else {
            adopt(run, plan: plan, found: input.found, now: now, &step)
        }
    }

    /// Starts driving a run: tasks that left the DAG are removed, attempts found running are followed again or
    /// resolved (restart recovery).
    mutating func adopt(_ run: EngineRun, plan: DAGPlan, found: [String: FoundAttempt], now: Date, _ step: inout Step) {
        var run = run
        for (id, ti) in run.instances.sorted(by: { $0.key < $1.key }) where plan.dag.task(id) == nil && !ti.state.isFinished {
            run.setState(id, .removed, rank: 0)
            step.batch.taskChanges.append(.init(key: AttemptKey(runPk: run.pk, taskId: id), state: .removed))
        }
        for (id, ti) in run.instances where ti.state == .upForRetry {
            retryDue[AttemptKey(runPk: run.pk, taskId: id)] = ti.nextRetryAt ?? now
        }
        active[run.pk] = run
        dirtyRuns.insert(run.pk)
        admissionDirty = true
        for id in run.order where run.instances[id]?.state.isActive == true {
            recover(AttemptKey(runPk: run.pk, taskId: id), found: found[id] ?? .missing, now: now, &step)
        }
        // Attempts still followed from before the run was forgotten keep counting for it.
        active[run.pk]?.runningCount = running.keys.reduce(0) { $0 + ($1.runPk == run.pk ? 1 : 0) }
    }

    /// A user cleared, marked or deleted the run: forget it; if still active it is found again as it now is.
    mutating func forget(_ pk: Int64) {
        queued[pk] = nil
        active[pk] = nil
        unloadable[pk] = nil
        dirtyRuns.remove(pk)
        deadlineAlerted.remove(pk)
        for key in retryDue.keys where key.runPk == pk { retryDue[key] = nil }
        admissionDirty = true
    }

    /// Admits queued runs, oldest logical date first, while max_active_runs and pause allow.
    mutating func admitRuns(now: Date, _ step: inout Step) {
        admissionDirty = false
        let pause = PauseRule(honoured: configuration.honourPause)
        let candidates = queued.values.filter { pause.mayAdmit(dagId: $0.dagId, paused: paused) }
            .sorted { ($0.logicalDate, $0.pk) < ($1.logicalDate, $1.pk) }
        guard !candidates.isEmpty else { return }
        var runningRuns: [String: Int] = [:]
        for r in active.values { runningRuns[r.dagId, default: 0] += 1 }
        let admitted = RunAdmission.admit(queued: candidates, dagOf: \.dagId, running: runningRuns,
                                          maxActiveRuns: { plans[$0]?.dag.maxActiveRuns ?? 1 })
        for var run in admitted {
            queued[run.pk] = nil
            run.state = .running
            step.batch.startedRuns.append(run.pk)
            guard let plan = plans[run.planKey] else { continue }
            adopt(run, plan: plan, found: [:], now: now, &step)
        }
    }

    /// Applies trigger rules and due retries to the runs where something changed; ends runs with nothing left.
    mutating func evaluateRuns(now: Date, _ step: inout Step) {
        for (key, due) in retryDue where due <= now {
            retryDue[key] = nil
            guard active[key.runPk] != nil else { continue }
            active[key.runPk]?.pending.insert(key.taskId)
            dirtyRuns.insert(key.runPk)
        }
        // Blocking a task (asset checks) makes its run dirty again: evaluate until nothing changes.
        while !dirtyRuns.isEmpty {
            let dirty = dirtyRuns
            dirtyRuns = []
            evaluate(dirty, now: now, &step)
        }
    }

    private mutating func evaluate(_ dirty: Set<Int64>, now: Date, _ step: inout Step) {
        for pk in dirty.sorted() {
            let plan: DAGPlan, decisions: [RunDecision]
            do {   // no copy of the run outlives this block: the run changes below
                guard let run = active[pk], run.isDirty, let p = plans[run.planKey] else { continue }
                plan = p
                if run.needsFullEvaluation {
                    decisions = RunEvaluator.evaluate(dag: plan.dag, order: run.order, instances: run.instances, now: now)
                } else {
                    decisions = RunEvaluator.evaluate(dag: plan.dag, candidates: run.pending, instances: run.instances,
                                                      rank: plan.rank, downstream: plan.downstream, upstream: run.upstream,
                                                      now: now)
                }
            }
            active[pk]?.needsFullEvaluation = false
            active[pk]?.pending = []
            for d in decisions {
                let change: (String, TaskState)
                var error: String?
                switch d {
                case .schedule(let t):
                    // Asset checks: a task reading an asset whose error check failed in this run is blocked, and
                    // its downstream tasks are evaluated next (they see a failed upstream).
                    if let failed = active[pk]?.failedChecks, !failed.isEmpty,
                       let reason = CheckBlocking.reason(inlets: plan.dag.task(t)?.assets.inlets ?? [], failed: failed) {
                        change = (t, .blockedByCheck)
                        error = reason
                        active[pk]?.pending.formUnion(plan.downstream[t] ?? [])
                        dirtyRuns.insert(pk)
                    } else {
                        change = (t, .scheduled)
                    }
                case .upstreamFailed(let t): change = (t, .upstreamFailed)
                case .skip(let t): change = (t, .skipped)
                case .finishRun: continue
                }
                active[pk]?.setState(change.0, change.1, rank: plan.rank[change.0] ?? 0)
                step.batch.taskChanges.append(.init(key: AttemptKey(runPk: pk, taskId: change.0), state: change.1,
                                                    error: error))
            }
            if active[pk]?.unfinishedCount == 0 { finishRun(pk, plan: plan, now: now, &step) }
        }
    }

    /// Every task is finished: the run ends (Airflow's rule: failed if a leaf failed or was upstream_failed).
    mutating func finishRun(_ pk: Int64, plan: DAGPlan, now: Date, _ step: inout Step) {
        guard let run = active.removeValue(forKey: pk) else { return }
        let state = RunEvaluator.outcome(dag: plan.dag, states: run.instances.mapValues(\.state))
        let failed = run.instances.values.filter { $0.state == .failed }.map(\.taskId).sorted()
        step.batch.finishedRuns.append(.init(pk: pk, state: state, failedTasks: failed))
        step.batch.alerts.append(AlertIntent(kind: state == .success ? .runSucceeded : .runFailed, runPk: pk,
                                             state: state.rawValue,
                                             error: failed.isEmpty ? nil : "failed tasks: \(failed.joined(separator: ", "))"))
        deadlineAlerted.remove(pk)
        admissionDirty = true
    }
}
