import Foundation

/// The one loop that drives an engine, for `orch run`, `orch scheduler` and `orch serve`: a turn runs the hooks and
/// one engine step, then sleeps until an event arrives (an attempt ended, a wake-up from another process), the
/// engine's wake time, the hook's own due time, or `maxSleep`, whichever comes first.
public enum EngineDriver {
    /// What a long-running owner adds to each turn (the scheduler: a reload before, runs to create, heartbeat and
    /// alerts after).
    public struct Hooks: Sendable {
        /// Before the step.
        public var beforeStep: @Sendable () async -> Void
        /// After the step: what can wait until the step has launched what it could (a turn taken for an attempt's
        /// end starts the next attempt first). Returns the next time the owner needs a turn, if any.
        public var afterStep: @Sendable () async -> Date?

        public init(beforeStep: @escaping @Sendable () async -> Void = {},
                    afterStep: @escaping @Sendable () async -> Date? = { nil }) {
            self.beforeStep = beforeStep
            self.afterStep = afterStep
        }
    }

    /// The turns run on ``EngineTurnExecutor``: a helper's reader thread that reads an attempt's end runs the turn it
    /// wakes, when none is running.
    public static func drive(_ engine: RunEngine, signal: AsyncSignal, maxSleep: Double = 1, hooks: Hooks = Hooks(),
                             until done: @Sendable () async -> Bool) async {
        let turns = EngineTurnExecutor()
        defer { turns.stop() }
        await withTaskExecutorPreference(turns) {
            await turnsUntilDone(engine, signal: signal, maxSleep: maxSleep, hooks: hooks, until: done)
        }
    }

    private static func turnsUntilDone(_ engine: RunEngine, signal: AsyncSignal, maxSleep: Double, hooks: Hooks,
                                       until done: @Sendable () async -> Bool) async {
        while true {
            await hooks.beforeStep()
            await engine.step()
            let ownerDue = await hooks.afterStep()
            if await done() { return }
            var sleep = maxSleep
            for due in [ownerDue, await engine.nextWakeTime].compactMap({ $0 }) {
                sleep = min(sleep, due.timeIntervalSinceNow)
            }
            await signal.wait(timeout: max(0.001, sleep))
        }
    }
}
