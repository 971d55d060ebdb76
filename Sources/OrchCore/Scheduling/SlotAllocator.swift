/// A task ready to start, waiting for a slot.
public struct SlotCandidate: Sendable, Hashable {
    public var runKey: Int64
    public var dagId: String
    public var taskId: String
    public var pool: String
    public var poolSlots: Int
    /// Offered to remote workers: takes a remote slot instead of a local worker slot.
    public var remote: Bool
    public init(runKey: Int64, dagId: String, taskId: String, pool: String, poolSlots: Int, remote: Bool = false) {
        self.remote = remote
        self.runKey = runKey
        self.dagId = dagId
        self.taskId = taskId
        self.pool = pool
        self.poolSlots = poolSlots
    }
}

/// Decides which ready tasks start now, honouring worker slots, each DAG's max_active_tasks and
/// named pools whose slots are shared across DAGs. Pure: the caller supplies every count.
public struct SlotAllocator: Sendable {
    public var freeWorkerSlots: Int
    public var runningPerDAG: [String: Int]
    public var maxActiveTasks: [String: Int]
    public var usedPoolSlots: [String: Int]
    public var poolSizes: [String: Int]
    /// Attempts that may still be offered to remote workers (their own slots bound what they lease).
    public var freeRemoteSlots: Int

    public init(freeWorkerSlots: Int, runningPerDAG: [String: Int], maxActiveTasks: [String: Int],
                usedPoolSlots: [String: Int], poolSizes: [String: Int], freeRemoteSlots: Int = 0) {
        self.freeRemoteSlots = freeRemoteSlots
        self.freeWorkerSlots = freeWorkerSlots
        self.runningPerDAG = runningPerDAG
        self.maxActiveTasks = maxActiveTasks
        self.usedPoolSlots = usedPoolSlots
        self.poolSizes = poolSizes
    }

    /// The candidates that may start, in the order given (callers order by priority: oldest run first).
    /// An unknown pool has no slots: its tasks wait (and the runtime reports it).
    public mutating func allocate(_ candidates: [SlotCandidate]) -> [SlotCandidate] {
        var chosen: [SlotCandidate] = []
        for c in candidates {
            guard !isFull else { break }
            if take(c) { chosen.append(c) }
        }
        return chosen
    }

    /// No worker slot is left, local or remote.
    public var isFull: Bool { freeWorkerSlots <= 0 && freeRemoteSlots <= 0 }

    /// Gives `c` a slot if every limit allows; candidates come in priority order.
    public mutating func take(_ c: SlotCandidate) -> Bool {
        guard (c.remote ? freeRemoteSlots : freeWorkerSlots) > 0 else { return false }
        let dagRunning = runningPerDAG[c.dagId, default: 0]
        guard dagRunning < maxActiveTasks[c.dagId, default: Int.max] else { return false }
        let used = usedPoolSlots[c.pool, default: 0]
        guard used + c.poolSlots <= poolSizes[c.pool, default: 0] else { return false }
        if c.remote { freeRemoteSlots -= 1 } else { freeWorkerSlots -= 1 }
        runningPerDAG[c.dagId] = dagRunning + 1
        usedPoolSlots[c.pool] = used + c.poolSlots
        return true
    }
}
