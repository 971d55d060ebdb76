import Foundation

/// Runs an engine's loop: step, then sleep until an attempt ends, a retry falls due, or `maxSleep` passes.
public enum EngineDriver {
    public static func drive(_ engine: RunEngine, signal: AsyncSignal, maxSleep: Double = 1,
                             until done: @Sendable () async -> Bool) async {
        while true {
            await engine.step()
            if await done() { return }
            var sleep = maxSleep
            if let wake = await engine.nextWakeTime { sleep = min(sleep, max(0.001, wake.timeIntervalSinceNow)) }
            await signal.wait(timeout: sleep)
        }
    }
}
