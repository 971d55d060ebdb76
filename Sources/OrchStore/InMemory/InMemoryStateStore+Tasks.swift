import Foundation
import OrchCore

// Task instances, attempts, XComs, the lease
extension InMemoryStateStore {
    /// In task id order (the SQLite table's primary key order).
    public func taskInstances(runPk: Int64) throws -> [TaskInstanceRecord] {
        read { ($0.instances[runPk] ?? [:]).values.sorted { $0.taskId < $1.taskId } }
    }

    public func setTaskStates(runPk: Int64, _ changes: [(taskId: String, state: TaskState)], now: Date) throws {
        write { t in
            for c in changes {
                guard let ti = t.instances[runPk]?[c.taskId] else { continue }
                t.instances[runPk]?[c.taskId]?.state = c.state
                if c.state.isFinished { t.instances[runPk]?[c.taskId]?.endDate = ti.endDate ?? now }
            }
        }
    }

    public func beginAttempt(runPk: Int64, taskId: String, tryNumber: Int, isolation: Isolation, logPath: String,
                             now: Date) throws -> Int64 {
        try write { t in
            guard var ti = t.instances[runPk]?[taskId], [.none, .scheduled, .queued, .upForRetry].contains(ti.state) else {
                throw StoreError.conflict("task '\(taskId)' of run \(runPk) is not waiting to start")
            }
            guard !t.attempts.values.contains(where: { $0.runPk == runPk && $0.taskId == taskId && $0.tryNumber == tryNumber }) else {
                throw StoreError.conflict("try \(tryNumber) of task '\(taskId)' of run \(runPk) is already recorded")
            }
            ti.state = .running
            ti.tryNumber = tryNumber
            ti.startDate = now
            ti.endDate = nil
            ti.nextRetryAt = nil
            ti.pid = nil
            ti.error = nil
            t.instances[runPk]?[taskId] = ti
            let id = t.nextAttemptId
            t.nextAttemptId += 1
            t.attempts[id] = AttemptRecord(id: id, runPk: runPk, taskId: taskId, tryNumber: tryNumber, state: .running,
                                           isolation: isolation.rawValue, pid: nil, pidStartTicks: nil, startDate: now,
                                           endDate: nil, exitCode: nil, signal: nil, error: nil, logPath: logPath)
            return id
        }
    }

    public func recordAttemptProcess(attemptId: Int64, runPk: Int64, taskId: String, pid: Int, startTicks: Int64?) throws {
        write { t in
            if t.attempts[attemptId] != nil {
                t.attempts[attemptId]?.pid = pid
                t.attempts[attemptId]?.pidStartTicks = startTicks
            }
            if t.instances[runPk]?[taskId] != nil { t.instances[runPk]?[taskId]?.pid = pid }
        }
    }

    public func finishAttempt(runPk: Int64, taskId: String, tryNumber: Int, outcome: AttemptOutcome,
                              resolution: AttemptResolution, now: Date, alerts: [AlertDraft]) throws {
        var exitCode: Int?
        var signal: Int?
        var error: String?
        switch outcome {
        case .success: break
        case .failed(let code, _): exitCode = code.map(Int.init); error = outcome.summary
        case .crashed(let sig, _): signal = Int(sig); error = outcome.summary
        case .timedOut, .skipped: error = outcome.summary
        }
        let attemptState: TaskState
        switch outcome {
        case .success: attemptState = .success
        case .skipped: attemptState = .skipped
        default: attemptState = .failed
        }
        write { t in
            if let id = t.attempts.first(where: { $0.value.runPk == runPk && $0.value.taskId == taskId
                && $0.value.tryNumber == tryNumber })?.key {
                t.attempts[id]?.state = attemptState
                t.attempts[id]?.endDate = now
                t.attempts[id]?.exitCode = exitCode
                t.attempts[id]?.signal = signal
                t.attempts[id]?.error = error
            }
            if let ti = t.instances[runPk]?[taskId], ti.tryNumber == tryNumber {
                t.instances[runPk]?[taskId]?.state = resolution.state
                t.instances[runPk]?[taskId]?.endDate = now
                t.instances[runPk]?[taskId]?.nextRetryAt = resolution.nextRetryAt
                t.instances[runPk]?[taskId]?.error = error
                t.instances[runPk]?[taskId]?.pid = nil
            }
            Self.insertAlerts(alerts, into: &t)
        }
    }

    public func attempts(runPk: Int64, taskId: String?) throws -> [AttemptRecord] {
        let all = read { $0.attempts.values.filter { $0.runPk == runPk && (taskId == nil || $0.taskId == taskId) } }
        if taskId != nil { return all.sorted { $0.tryNumber < $1.tryNumber } }
        return all.sorted { ($0.startDate, $0.id) < ($1.startDate, $1.id) }
    }

    public func clearTasks(runPk: Int64, taskIds: [String], now: Date) throws {
        write { Self.clearTasks(runPk, taskIds, in: &$0) }
    }

    /// ``clearTasks(runPk:taskIds:now:)`` inside a write (single and bulk clears).
    static func clearTasks(_ runPk: Int64, _ taskIds: [String], in t: inout Tables) {
        for id in taskIds {
            guard let ti = t.instances[runPk]?[id], !ti.state.isActive else { continue }
            t.instances[runPk]?[id]?.state = .none
            t.instances[runPk]?[id]?.maxTries = ti.maxTries + ti.tryNumber
            t.instances[runPk]?[id]?.nextRetryAt = nil
            t.instances[runPk]?[id]?.endDate = nil
            t.instances[runPk]?[id]?.error = nil
        }
        if t.runs[runPk] != nil {
            t.runs[runPk]?.state = .queued
            t.runs[runPk]?.endDate = nil
        }
    }

    public func markTasks(runPk: Int64, taskIds: [String], state: TaskState, now: Date) throws {
        guard state == .success || state == .failed else {
            throw StoreError.invalid("a task can be marked success or failed, not \(state.rawValue)")
        }
        try write { t in
            guard let run = t.runs[runPk] else { throw StoreError.notFound("run \(runPk)") }
            guard run.state.isFinished else {
                throw StoreError.conflict("run '\(run.runId)' is \(run.state.rawValue); wait for it to finish "
                    + "before marking its tasks, or mark the whole run")
            }
            try Self.markTasks(runPk, taskIds, state, now, in: &t)
        }
    }

    /// ``markTasks(runPk:taskIds:state:now:)`` inside a write, the run known finished.
    static func markTasks(_ runPk: Int64, _ taskIds: [String], _ state: TaskState, _ now: Date,
                          in t: inout Tables) throws {
        for id in taskIds {
            guard let ti = t.instances[runPk]?[id] else { throw StoreError.notFound("task '\(id)' of run \(runPk)") }
            t.instances[runPk]?[id]?.state = state
            t.instances[runPk]?[id]?.endDate = ti.endDate ?? now
            t.instances[runPk]?[id]?.nextRetryAt = nil
        }
        t.runs[runPk]?.state = .queued
        t.runs[runPk]?.endDate = nil
    }

    public func pushXCom(runPk: Int64, taskId: String, key: String, value: JSONValue, now: Date) throws {
        let size = value.jsonText.utf8.count
        guard size <= SQLiteStateStore.maxXComBytes else {
            throw StoreError.invalid("XCom '\(key)' of task '\(taskId)' is \(size) bytes; the limit is \(SQLiteStateStore.maxXComBytes)")
        }
        write { $0.xcoms[runPk, default: [:]][taskId, default: [:]][key] = value }
    }

    public func pullXCom(runPk: Int64, taskId: String, key: String) throws -> JSONValue? {
        read { $0.xcoms[runPk]?[taskId]?[key] }
    }

    public func xcoms(runPk: Int64) throws -> [(taskId: String, key: String, value: JSONValue)] {
        read { t in
            (t.xcoms[runPk] ?? [:]).flatMap { task, values in values.map { (taskId: task, key: $0.key, value: $0.value) } }
                .sorted { ($0.taskId, $0.key) < ($1.taskId, $1.key) }
        }
    }

    public func acquireLease(holder: String, pid: Int, hostname: String, now: Date, ttl: Double,
                             holderIsAlive: (LeaseRecord) -> Bool) throws -> LeaseRecord? {
        write { t in
            if let current = t.lease, current.holder != holder,
               now.timeIntervalSince(current.heartbeatAt) < ttl, holderIsAlive(current) {
                return current
            }
            let epoch = t.lease.map { $0.holder == holder ? $0.epoch : $0.epoch + 1 } ?? 1
            t.lease = LeaseRecord(holder: holder, pid: pid, hostname: hostname, acquiredAt: now, heartbeatAt: now,
                                  epoch: epoch)
            return nil
        }
    }

    public func heartbeat(holder: String, now: Date) throws -> Bool {
        write { t in
            guard t.lease?.holder == holder else { return false }
            t.lease?.heartbeatAt = now
            return true
        }
    }

    public func releaseLease(holder: String) throws { write { t in if t.lease?.holder == holder { t.lease = nil } } }

    public func lease() throws -> LeaseRecord? { read { $0.lease } }
}
