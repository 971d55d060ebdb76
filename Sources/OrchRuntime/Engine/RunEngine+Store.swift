import Foundation
import OrchCore
import OrchStore

extension RunEngine {
    func owns(_ run: RunRecord) -> Bool {
        switch scope {
        case .runs(let pks): return pks.contains(run.pk)
        case .scheduler:
            guard let o = run.owner, o.hasPrefix("foreground:") else { return true }
            return !(Int32(o.dropFirst("foreground:".count)).map(processIsAlive) ?? false)
        }
    }

    /// Events from the store: runs to drive that the machine does not know yet (with what became of their
    /// attempts), runs it knows that a user changed (forgotten, then found again as they now are), pause and pool
    /// changes.
    func readStore(now: Date) throws -> [EngineEvent] {
        let stored = try store.activeRuns().filter(owns)
        let known = machine.knownRuns
        var events: [EngineEvent] = []
        var byPk: [Int64: RunRecord] = [:]
        for r in stored { byPk[r.pk] = r }
        for (pk, state) in known where byPk[pk]?.state != state {
            // Finished, deleted, cleared (back to queued) or started elsewhere.
            events.append(.runForgotten(pk: pk))
            records[pk] = nil
        }
        let fresh = stored.filter { known[$0.pk] == nil || known[$0.pk] != $0.state }
        if !fresh.isEmpty || machine.hasQueuedRuns {
            let sizes = try store.pools()
            if sizes != poolSizes { poolSizes = sizes; events.append(.poolsChanged(sizes)) }
            let paused = try store.pausedDAGIds()
            let before = pausedDAGs ?? []
            for d in paused.subtracting(before) { events.append(.dagPaused(d, true)) }
            for d in before.subtracting(paused) { events.append(.dagPaused(d, false)) }
            pausedDAGs = paused
        }
        guard !fresh.isEmpty else { return events }
        var inputs: [EngineRunInput] = []
        for var run in fresh {
            let instances = try store.taskInstances(runPk: run.pk)
            if run.state == .running && run.owner != owner {
                try store.setRunOwner(pk: run.pk, owner: owner)
                run.owner = owner
            }
            records[run.pk] = run
            let version = pinVersion(of: run)
            var found: [String: FoundAttempt] = [:]
            for ti in instances where ti.state.isActive {
                found[ti.taskId] = try probe(run: run, instance: ti)
            }
            inputs.append(EngineRunInput(pk: run.pk, runId: run.runId, dagId: run.dagId, state: run.state,
                                         logicalDate: run.logicalDate, queuedAt: run.queuedAt,
                                         intervalEnd: run.dataInterval.end, instances: instances.map(\.snapshot),
                                         found: found,
                                         failedChecks: hasChecks(run.dagId) ? try store.failedErrorChecks(runPk: run.pk) : [],
                                         dagVersion: version))
        }
        events.append(.runsFound(inputs))
        return events
    }

    /// What became of an attempt recorded as running (restart recovery). One whose process still runs is watched
    /// again by the launcher.
    func probe(run: RunRecord, instance ti: TaskInstanceRecord) throws -> FoundAttempt {
        let key = AttemptKey(runPk: run.pk, taskId: ti.taskId)
        if let l = launched[key], l.spec.tryNumber == ti.tryNumber { return .alive(startedAt: l.startedAt) }
        guard let attempt = try store.attempts(runPk: run.pk, taskId: ti.taskId).last(where: { $0.tryNumber == ti.tryNumber }),
              let dag = dag(of: run)
        else { return .missing }
        let spec = makeSpec(run: run, dag: dag, taskId: ti.taskId, tryNumber: ti.tryNumber, logPath: attempt.logPath)
        if let remote, let found = try remote.probe(key, tryNumber: ti.tryNumber) {
            if case .remote = found {
                launched[key] = Launched(spec: spec, dagId: dag.id, startedAt: attempt.startDate, isolation: .process,
                                         remote: true)
            }
            return found
        }
        guard attempt.isolation == Isolation.process.rawValue else { return .lostInProcess(startedAt: attempt.startDate) }
        guard AttemptLock.isHeld(spec.lockPath) else {
            // No lock file and no pid: the process was never started (stopped between recording and launching).
            if attempt.pid == nil && !FileManager.default.fileExists(atPath: spec.lockPath) { return .neverStarted }
            return .dead(startedAt: attempt.startDate, outcome: WorkerPool.leftOutcome(resultPath: spec.resultPath))
        }
        launched[key] = Launched(spec: spec, dagId: dag.id, startedAt: attempt.startDate, isolation: .process)
        pool.adopt(spec, pid: attempt.pid.map(Int32.init),
                   callbacks: callbacks(key, tryNumber: ti.tryNumber, attemptId: nil, recordsProcess: false))
        return .alive(startedAt: attempt.startDate)
    }

    func makeSpec(run: RunRecord, dag: DAG, taskId: String, tryNumber: Int, logPath: String) -> AttemptSpec {
        var params = dag.params
        for (k, v) in run.conf { params[k] = v }
        var environment = dag.environment.isEmpty ? [:] : TaskEnvironment.requested(dag.environment, from: processEnvironment)
        if let source = versions?.bundleSource(dagId: dag.id, version: run.dagVersion) {
            environment[TaskEnvironment.bundleSourceKey] = source
        }
        return AttemptSpec(dagId: dag.id, taskId: taskId, runId: run.runId, runPk: run.pk, tryNumber: tryNumber,
                           logicalDate: run.logicalDate, dataInterval: run.dataInterval, params: params,
                           logPath: logPath, home: home.rootPath, databasePath: store.path,
                           environment: environment, requestedEnvironment: dag.environment,
                           dagVersion: pinnedDAGs[EngineStateMachine.planKey(dagId: run.dagId, version: run.dagVersion)] == nil
                               ? nil : run.dagVersion)
    }
}

func processIsAlive(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
}
