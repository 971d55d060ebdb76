import Foundation

/// Whether a helper's client is starting its helper, readable while the client's own lock is held: a start holds
/// that lock for as long as the helper takes to say `ready` (up to 10 s), an event or a send for microseconds. The
/// clients' `launchesWithoutWaiting` tells the two apart, so that an attempt goes to a thread of its own only when a
/// start is under way, not whenever the helper's reader thread is handling an event.
final class HelperStartFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var starting = false

    var isStarting: Bool { lock.withLock { starting } }

    /// Runs a start, flagged as under way while it runs.
    func during<T>(_ start: () -> T) -> T {
        lock.withLock { starting = true }
        defer { lock.withLock { starting = false } }
        return start()
    }
}
