import Foundation

/// A value one service hands to another once (the alert dispatcher, when the scheduler holds the lease).
/// `wait()` returns nil when its task is cancelled first (the group shut down while standing by).
final class Handoff<Value: Sendable>: Sendable {
    private let stream: AsyncStream<Value>
    private let continuation: AsyncStream<Value>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Value.self, bufferingPolicy: .bufferingNewest(1))
    }

    func give(_ value: Value) {
        continuation.yield(value)
        continuation.finish()
    }

    func wait() async -> Value? {
        for await value in stream { return value }
        return nil
    }
}
