import Foundation

/// The one loop that drives an engine, for `orch run`, `orch scheduler` and `orch serve`: a turn runs the hooks and
/// one engine step, then sleeps until an event arrives (an attempt ended, a wake-up from another process), the
/// engine's wake time, the hook's own due time, or `maxSleep`, whichever comes first.
public enum EngineDriver {
    /// What a long-running owner adds to each turn (the scheduler: due runs before, heartbeat and alerts after).
    public struct Hooks: Sendable {
        /// Before the step; returns the next time the owner needs a turn, if any.
        public var beforeStep: @Sendable () async -> Date?
        /// After the step.
        public var afterStep: @Sendable () async -> Void

        public init(beforeStep: @escaping @Sendable () async -> Date? = { nil },
                    afterStep: @escaping @Sendable () async -> Void = {}) {
            self.beforeStep = beforeStep
            self.afterStep = afterStep
        }
    }

    public static func drive(_ engine: RunEngine, signal: AsyncSignal, maxSleep: Double = 1, hooks: Hooks = Hooks(),
                             until done: @Sendable () async -> Bool) async {
        while true {
            let ownerDue = await hooks.beforeStep()
            await engine.step()
            await hooks.afterStep()
            if await done() { return }
            var sleep = maxSleep
            for due in [ownerDue, await engine.nextWakeTime].compactMap({ $0 }) {
                sleep = min(sleep, due.timeIntervalSinceNow)
            }
            await signal.wait(timeout: max(0.001, sleep))
        }
    }
}
