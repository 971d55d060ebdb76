import Foundation

extension EngineStateMachine {
    /// Timeouts (stop, then kill), running limits and run deadlines that fall due at `now`.
    mutating func checkTimers(now: Date, _ step: inout Step) {
        for key in running.keys.sorted() {
            guard var a = running[key] else { continue }
            if let timeout = a.timeout, a.started {
                if a.terminatedAt == nil, now >= timeout.terminateAt(startedAt: a.startedAt) {
                    a.terminatedAt = now
                    step.stops.append((key, a.tryNumber, .terminate))
                } else if let t = a.terminatedAt, !a.killed, now >= timeout.killAt(terminatedAt: t) {
                    a.killed = true
                    step.stops.append((key, a.tryNumber, .kill))
                }
            }
            if let limit = a.runningLimit, a.started, !a.limitAlerted, limit.isExceeded(startedAt: a.startedAt, now: now) {
                a.limitAlerted = true
                step.batch.alerts.append(AlertIntent(kind: .deadlineMissed, runPk: key.runPk, taskId: key.taskId,
                                                     tryNumber: a.tryNumber, state: TaskState.running.rawValue,
                                                     detail: "task running longer than its limit of \(Int(limit.seconds)) s"))
            }
            running[key] = a
        }
        for pk in active.keys.sorted() where !deadlineAlerted.contains(pk) {
            guard let run = active[pk], let deadline = deadline(of: run), deadline.isMissed(
                intervalEnd: run.intervalEnd, queuedAt: run.queuedAt, now: now) else { continue }
            deadlineAlerted.insert(pk)
            step.batch.alerts.append(AlertIntent(kind: .deadlineMissed, runPk: pk, state: run.state.rawValue,
                detail: "run not finished \(Int(deadline.minutes)) minutes after its data interval ended"))
        }
    }

    func deadline(of run: EngineRun) -> RunDeadline? {
        plans[run.planKey]?.dag.alerts.runDeadlineMinutes.map(RunDeadline.init)
    }

    /// The earliest time something falls due without an outside event.
    func nextWake(now: Date) -> Date? {
        var wake = retryDue.values.min()
        func consider(_ d: Date?) { if let d, d < (wake ?? .distantFuture) { wake = d } }
        for a in running.values {
            consider(a.nextDue)
            consider(a.leaseExpiry(timeout: configuration.leaseTimeout))
        }
        for (pk, run) in active where !deadlineAlerted.contains(pk) {
            guard let deadline = deadline(of: run) else { continue }
            let due = deadline.due(intervalEnd: run.intervalEnd)
            // Missed means strictly after the due time.
            if run.queuedAt <= due { consider(due.addingTimeInterval(0.001)) }
        }
        return wake
    }
}
