import Foundation
import Logging
import OrchCore
import OrchStore

extension RunEngine {
    /// Carries out one step's actions: the batch first (one transaction, with `processes`), launches only once it
    /// is committed. Returns a problem to report, if any.
    func perform(_ actions: [EngineAction], processes: [AttemptProcess] = [], now: Date) -> String? {
        var ids: [AttemptKey: Int64] = [:]
        var ended: [EndedAttempt] = []
        var committed = true
        var problem: String?
        var unrecorded = processes
        var launchedHere = false
        for action in actions {
            switch action {
            case .persist(let batch):
                do {
                    let written = try persist(batch, processes: unrecorded, now: now)
                    unrecorded = []
                    ids = written.ids
                    ended += written.ended
                } catch {
                    committed = false
                    problem = "cannot record the engine's step: \(error); its runs are read again from the store"
                    abandon(batch)
                }
            case .launch(let l):
                guard committed else { continue }
                launch(l, attemptId: ids[l.key], now: now)
                launchedHere = launchedHere || l.remoteQueue == nil
            case .revokeLease(let key, let tryNumber):
                do { try remote?.revoke(key, tryNumber: tryNumber, now: now) } catch {
                    problem = "cannot revoke the lease of \(key.taskId) try \(tryNumber): \(error)"
                }
            case .stop(let key, let tryNumber, let signal):
                guard let l = launched[key], l.spec.tryNumber == tryNumber else { continue }
                if l.remote {
                    do { try remote?.stop(key, tryNumber: tryNumber, signal) } catch {
                        problem = "cannot ask the worker of \(key.taskId) to stop: \(error)"
                    }
                    continue
                }
                let timeout = dag(dagId: l.dagId, version: l.spec.dagVersion)?.task(key.taskId)?.executionTimeout
                pool.stop(l.spec, signal, reason: timeout.map { "execution timeout of \(Int($0)) s reached" } ?? "stopped")
            case .wake(let at):
                wakeAt = at
            }
        }
        pendingAttempts = [:]
        // The requests just written woke a helper (a fork server, a task host), often onto this core: the kernel
        // places a woken thread beside its waker, and leaves it there when the other core frees a moment later.
        // What this step and its turn still do (records, log lines, metrics, the scheduler's looks) can wait; the
        // next attempt cannot. Yielding lets the helper run first (docs/performance.md, "A turn yields its core
        // to the helper it woke"); with nothing else runnable here it returns at once.
        if launchedHere { sched_yield() }
        // A step that wrote no batch (its ends changed nothing, or the batch failed) records them on their own.
        for p in unrecorded {
            try? store.recordAttemptProcess(attemptId: p.attemptId, runPk: p.key.runPk, taskId: p.key.taskId,
                                            pid: p.pid, startTicks: p.startTicks)
        }
        report(ended, now: now)   // after the launches: the next task of a chain does not wait for these lines
        return problem
    }

    /// Writes a batch with its alerts, then updates what the runtime keeps beside the machine. Returns the ids of the
    /// attempts begun and the attempts ended, whose metrics and log lines wait for ``report(_:now:)``.
    func persist(_ batch: TransitionBatch, processes: [AttemptProcess] = [],
                 now: Date) throws -> (ids: [AttemptKey: Int64], ended: [EndedAttempt]) {
        var begun: [AttemptKey: AttemptStart] = [:]
        for b in batch.attemptsBegun {
            guard let run = records[b.key.runPk], let dag = dag(of: run), let task = dag.task(b.key.taskId) else { continue }
            let logPath = home.attemptLogFile(dagId: dag.id, runId: run.runId, taskId: b.key.taskId, tryNumber: b.tryNumber)
            let spec = makeSpec(run: run, dag: dag, taskId: b.key.taskId, tryNumber: b.tryNumber, logPath: logPath)
            let isolation = pool.isolation(of: spec, task: task)
            begun[b.key] = AttemptStart(isolation: isolation, logPath: logPath)
            pendingAttempts[b.key] = (spec, isolation)
        }
        for pk in batch.startedRuns {
            guard var r = records[pk] else { continue }
            r.state = .running
            r.startDate = r.startDate ?? now
            r.owner = owner
            records[pk] = r
        }
        for r in batch.finishedRuns {
            records[r.pk]?.state = r.state
            records[r.pk]?.endDate = now
        }
        let drafts = batch.alerts.flatMap(drafts) + lineageDrafts(batch, now: now)
        let ids = try store.applyEngineBatch(batch, owner: owner, begun: begun, processes: processes, alerts: drafts,
                                             now: now)
        let ended = batch.attemptsEnded.map(attemptEnded)
        for r in batch.finishedRuns {
            records[r.pk] = nil
            for c in finishedWaiters.removeValue(forKey: r.pk) ?? [] { c.resume(returning: r.state) }
        }
        if !drafts.isEmpty { signal.notify() }
        return (ids, ended)
    }

    /// The batch was not written: attempts it began are not launched, and its runs are read again from the store.
    func abandon(_ batch: TransitionBatch) {
        for b in batch.attemptsBegun { inbox.append(.attemptAbandoned(b.key, tryNumber: b.tryNumber)) }
        var pks = Set(batch.startedRuns + batch.finishedRuns.map(\.pk))
        for k in batch.taskChanges.map(\.key) + batch.attemptsBegun.map(\.key) + batch.attemptsEnded.map(\.key) {
            pks.insert(k.runPk)
        }
        for pk in pks.sorted() {
            inbox.append(.runForgotten(pk: pk))
            records[pk] = nil
        }
    }

    /// The attempt is no longer running here; what its report needs (its run's record may be gone by then).
    func attemptEnded(_ e: TransitionBatch.AttemptEnd) -> EndedAttempt {
        let l = launched.removeValue(forKey: e.key)
        return EndedAttempt(end: e, dagId: l?.dagId ?? records[e.key.runPk]?.dagId, runId: records[e.key.runPk]?.runId,
                            startedAt: l?.startedAt)
    }

    /// The metrics and log lines of the attempts a step ended.
    func report(_ endedAttempts: [EndedAttempt], now: Date) {
        for ended in endedAttempts {
            let e = ended.end
            if let dagId = ended.dagId, let startedAt = ended.startedAt {
                OrchMetrics.recordAttempt(dagId: dagId, outcome: e.resolution.state.rawValue,
                                          seconds: now.timeIntervalSince(startedAt))
            }
            OrchLog.scheduler.info("attempt ended", metadata: [
                "dag_id": "\(ended.dagId ?? "?")", "run_id": "\(ended.runId ?? "?")", "task_id": "\(e.key.taskId)",
                "try_number": "\(e.tryNumber)", "state": "\(e.resolution.state.rawValue)"])
        }
    }

    func launch(_ l: AttemptLaunch, attemptId: Int64?, now: Date) {
        guard let (spec, isolation) = pendingAttempts.removeValue(forKey: l.key), let run = records[l.key.runPk],
              let task = dag(of: run)?.task(l.key.taskId) else { return }
        if l.isRunsFirst {
            OrchMetrics.recordTriggerToStart(dagId: l.dagId, seconds: now.timeIntervalSince(run.queuedAt))
        }
        if let queue = l.remoteQueue {
            launched[l.key] = Launched(spec: spec, dagId: l.dagId, startedAt: now, isolation: .process, remote: true)
            do {
                guard let remote, let attemptId else { throw RemoteOfferError("no worker API: cannot offer to queue \(queue)") }
                try remote.offer(spec, attemptId: attemptId, queue: queue, now: now)
            } catch {
                inbox.append(.attemptExited(l.key, tryNumber: l.tryNumber,
                                            outcome: .failed(exitCode: nil, error: "not offered to remote workers: \(error)")))
            }
            return
        }
        launched[l.key] = Launched(spec: spec, dagId: l.dagId, startedAt: now, isolation: isolation)
        pool.launch(spec, task: task, as: isolation, callbacks: callbacks(l.key, tryNumber: l.tryNumber, attemptId: attemptId,
                                                           recordsProcess: isolation == .process,
                                                           startIsUrgent: task.executionTimeout != nil || task.runningLimit != nil))
    }

    /// `startIsUrgent`: the start sets a timer (a timeout, a running limit) and wakes the engine; otherwise it waits
    /// for the next step with the time it happened, and costs no step of its own.
    nonisolated func callbacks(_ key: AttemptKey, tryNumber: Int, attemptId: Int64?,
                               recordsProcess: Bool, startIsUrgent: Bool = true) -> AttemptCallbacks {
        AttemptCallbacks(
            started: { [store, clock] pid, ticks in
                // Recorded at once, for display and for killing; liveness itself is the attempt's lock file.
                if recordsProcess, let attemptId {
                    try? store.recordAttemptProcess(attemptId: attemptId, runPk: key.runPk, taskId: key.taskId,
                                                    pid: Int(pid), startTicks: ticks)
                }
                self.post(.attemptStarted(key, tryNumber: tryNumber, at: clock()), wakes: startIsUrgent)
            },
            // The end is in hand and `finished` comes next: the process goes to the mailbox with the start, and the
            // step that takes the end records it in its transaction, instead of one of its own between the end and
            // the next launch (docs/performance.md, "A quick forked attempt's pid recorded with its end").
            startedWithEnd: { [clock] pid, ticks in
                let process = recordsProcess ? attemptId.map {
                    AttemptProcess(attemptId: $0, key: key, pid: Int(pid), startTicks: ticks)
                } : nil
                self.post(.attemptStarted(key, tryNumber: tryNumber, at: clock()), wakes: false, process: process)
            },
            finished: { outcome in
                self.post(.attemptExited(key, tryNumber: tryNumber, outcome: outcome))
            })
    }

    /// Outbox rows for an alert the machine decided on (none when the DAG's rules say so).
    func drafts(_ intent: AlertIntent) -> [AlertDraft] {
        guard let run = records[intent.runPk], let dag = dag(of: run) else { return [] }
        var logPath: String?
        if let t = intent.taskId, let n = intent.tryNumber {
            logPath = launched[AttemptKey(runPk: run.pk, taskId: t)]?.spec.logPath
                ?? home.attemptLogPath(dagId: dag.id, runId: run.runId, taskId: t, tryNumber: n).path
        }
        return alerts.drafts(for: AlertEvent(kind: intent.kind, dag: dag, run: run, taskId: intent.taskId,
                                             tryNumber: intent.tryNumber, state: intent.state, error: intent.error,
                                             logPath: logPath, detail: intent.detail))
    }
}

/// An attempt a step ended, as its report needs it (its run's record may be gone by then).
struct EndedAttempt {
    let end: TransitionBatch.AttemptEnd
    let dagId: String?
    let runId: String?
    /// nil: not launched by this engine (adopted, or found ended in the store).
    let startedAt: Date?
}
