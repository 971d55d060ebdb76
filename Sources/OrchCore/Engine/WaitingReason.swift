import Foundation

/// Why a task instance that is not running (or a queued run) is waiting, in plain words with the numbers behind
/// it. `code` is stable for programs (the API); `description` is for people.
public enum WaitingReason: Sendable, Hashable, CustomStringConvertible {
    /// Upstream tasks not finished yet (with their states).
    case upstream([UpstreamWait])
    /// Failed, waiting to try again.
    case retryWait(until: Date, nextTry: Int, maxTries: Int)
    /// Every worker slot is taken.
    case workerSlotsFull(used: Int, total: Int)
    /// The DAG has max_active_tasks attempts running.
    case maxActiveTasks(dagId: String, limit: Int)
    /// The task's pool has too few free slots (`usedBy`: the attempts holding it).
    case poolFull(pool: String, used: Int, size: Int, needs: Int, usedBy: [String])
    /// The task names a pool that does not exist.
    case unknownPool(String)
    /// The run is queued: its DAG is paused.
    case dagPaused(String)
    /// The run is queued: its DAG has max_active_runs runs running.
    case maxActiveRuns(dagId: String, limit: Int, running: [String])
    /// The run's DAG is not among the DAGs the scheduler loaded.
    case dagNotLoaded(String)
    /// No scheduler holds the lease: nothing starts.
    case noScheduler
    /// The scheduler is stopping: nothing new starts.
    case schedulerStopping
    /// Nothing holds it back: it starts at the scheduler's next step.
    case nextStep
    /// Queued on a queue the scheduler's own pool does not serve, offered to remote workers since `since`; no
    /// worker has leased it yet (issue 19).
    case waitingForWorker(queue: String, since: Date)

    public struct UpstreamWait: Sendable, Hashable {
        public var taskId: String
        public var state: TaskState
        public init(taskId: String, state: TaskState) {
            self.taskId = taskId
            self.state = state
        }
    }

    public var code: String {
        switch self {
        case .upstream: return "upstream"
        case .retryWait: return "retry_wait"
        case .workerSlotsFull: return "worker_slots_full"
        case .maxActiveTasks: return "max_active_tasks"
        case .poolFull: return "pool_full"
        case .unknownPool: return "unknown_pool"
        case .dagPaused: return "dag_paused"
        case .maxActiveRuns: return "max_active_runs"
        case .dagNotLoaded: return "dag_not_loaded"
        case .noScheduler: return "no_scheduler"
        case .schedulerStopping: return "scheduler_stopping"
        case .nextStep: return "next_step"
        case .waitingForWorker: return "waiting_for_worker"
        }
    }

    public var description: String {
        switch self {
        case .upstream(let waits):
            let running = waits.filter { $0.state.isActive }.map(\.taskId)
            let other = waits.filter { !$0.state.isActive }
            var parts: [String] = []
            if !running.isEmpty { parts.append("upstream \(Self.list(running)) still running") }
            if !other.isEmpty {
                parts.append("upstream " + other.prefix(5).map { "\($0.taskId) (\($0.state.rawValue))" }
                    .joined(separator: ", ") + (other.count > 5 ? " and \(other.count - 5) more" : "") + " not finished")
            }
            return parts.joined(separator: "; ")
        case .retryWait(let until, let nextTry, let maxTries):
            return "waiting to retry until \(UTCFormat.iso(until)) (try \(nextTry) of \(maxTries))"
        case .workerSlotsFull(let used, let total):
            return "all \(total) worker slots busy (\(used) running)"
        case .maxActiveTasks(let dagId, let limit):
            return "max_active_tasks \(limit) of DAG \(dagId) reached"
        case .poolFull(let pool, let used, let size, let needs, let usedBy):
            let by = usedBy.isEmpty ? "" : ", used by " + Self.list(usedBy)
            return "pool \(pool) full (\(used)/\(size)\(by)); this task needs \(needs) slot\(needs == 1 ? "" : "s")"
        case .unknownPool(let pool):
            return "pool \(pool) does not exist in the state database; add it (table pool) or change the task's pool"
        case .dagPaused(let dagId):
            return "DAG \(dagId) is paused"
        case .maxActiveRuns(let dagId, let limit, let running):
            return "max_active_runs \(limit) of DAG \(dagId) reached (running: \(Self.list(running)))"
        case .dagNotLoaded(let dagId):
            return "DAG \(dagId) is not loaded by the scheduler (removed from the bundle, or failed to load)"
        case .noScheduler:
            return "no scheduler holds the lease; start one with `orch scheduler` or `orch serve`"
        case .schedulerStopping:
            return "the scheduler is stopping; the next one starts it"
        case .nextStep:
            return "ready: starts at the scheduler's next step"
        case .waitingForWorker(let queue, let since):
            return "offered to remote workers of queue \(queue) since \(UTCFormat.iso(since)); no worker has leased it "
                + "(start one: `orch worker --queue \(queue)`)"
        }
    }

    static func list(_ items: [String], limit: Int = 5) -> String {
        items.prefix(limit).joined(separator: ", ") + (items.count > limit ? " and \(items.count - limit) more" : "")
    }
}
