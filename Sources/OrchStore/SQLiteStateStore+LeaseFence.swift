import Foundation

/// The scheduler lease a store's engine writes are made under: its holder and epoch.
public struct LeaseFence: Sendable, Equatable {
    public let holder: String
    public let epoch: Int64
    public init(holder: String, epoch: Int64) {
        self.holder = holder
        self.epoch = epoch
    }
}

/// A scheduler's write refused because the lease it was made under is no longer held.
public struct StaleLeaseError: Error, CustomStringConvertible, Equatable {
    public let fence: LeaseFence
    public let current: LeaseRecord?
    public var description: String {
        let now = current.map { "now held by \($0.holder) at epoch \($0.epoch)" } ?? "now free"
        return "this scheduler's lease (epoch \(fence.epoch)) was taken over (\(now)); its writes are refused"
    }
}

extension SQLStateStore {
    /// From now on the scheduler's writes through this store are made only while `holder` holds the lease at
    /// `epoch` (checked inside each write transaction, which writers take in turn): every engine batch, every run
    /// created (due runs, asset-triggered runs), every schedule position and every alert claim. A scheduler that
    /// lost the lease cannot begin or end an attempt, create a run or send an alert any more, whatever it still
    /// believes. Stores of other processes (the API, the CLI) are not fenced.
    public func fenceEngineWrites(holder: String, epoch: Int64) {
        fenceLock.withLock { fence = LeaseFence(holder: holder, epoch: epoch) }
    }

    /// Inside a write transaction: throws ``StaleLeaseError`` when the fence no longer matches the lease row.
    func checkFence() throws {
        guard let fence = fenceLock.withLock({ fence }) else { return }
        let current = try db.queryOne("SELECT * FROM scheduler_lease WHERE id = 1").map(Self.leaseRecord)
        guard let current, current.holder == fence.holder, current.epoch == fence.epoch else {
            throw StaleLeaseError(fence: fence, current: current)
        }
    }
}
