import Foundation

/// Wakes the API's waiting lease requests (long polls) when the scheduler in this process offers attempts to
/// remote workers. A scheduler in another process cannot reach it: a waiting lease then looks at the database
/// again after at most ``WorkerLeasePoll/recheckInterval`` seconds.
public final class OfferSignal: @unchecked Sendable {
    public static let shared = OfferSignal()
    private let condition = NSCondition()
    private var generation: UInt64 = 0

    public init() {}

    /// The current generation: pass it to ``wait(after:timeout:)`` to miss no offer made after reading it.
    public var current: UInt64 { condition.withLock { generation } }

    public func notify() {
        condition.withLock {
            generation &+= 1
            condition.broadcast()
        }
    }

    /// Waits until an offer is made after `seen` or `timeout` seconds pass; returns the generation then.
    @discardableResult
    public func wait(after seen: UInt64, timeout: Double) -> UInt64 {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while generation == seen {
            if !condition.wait(until: deadline) { break }
        }
        return generation
    }
}
