import Foundation

/// When something last happened (the current loop turn started, the freshness check ran), readable from any thread.
final class TurnClock: @unchecked Sendable {
    private let lock = NSLock()
    private var start: Date
    init(start: Date = Date()) { self.start = start }
    func mark() { lock.withLock { start = Date() } }
    var elapsed: Double { lock.withLock { Date().timeIntervalSince(start) } }
}
