import Foundation
import OrchStore

/// A few read connections to the state database, one per server thread at most, so reads run in parallel
/// (each `SQLiteStateStore` serialises its own connection behind a lock). WAL mode lets them read while the
/// scheduler writes. `@unchecked Sendable`: the free list is only touched under `lock`.
final class StorePool: @unchecked Sendable {
    private let lock = NSCondition()
    private var free: [SQLiteStateStore]

    init(location: StateLocation, size: Int) throws {
        free = try (0..<max(1, size)).map { _ in try SQLStateStore(location: location, migrate: false) }
    }

    /// Runs `body` with a store nobody else is using; waits when all are busy.
    func with<T>(_ body: (SQLiteStateStore) throws -> T) rethrows -> T {
        lock.lock()
        while free.isEmpty { lock.wait() }
        let store = free.removeLast()
        lock.unlock()
        defer {
            lock.lock()
            free.append(store)
            lock.signal()
            lock.unlock()
        }
        return try body(store)
    }
}
