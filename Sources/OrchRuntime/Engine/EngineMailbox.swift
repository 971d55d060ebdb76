import Foundation
import OrchCore
import OrchStore

/// Events posted from the launcher's threads (an attempt started or ended) for the engine's next step. Posting
/// takes a lock, not a hop onto the engine's actor: under a burst of attempt ends, no Swift task is created per
/// event, and the step takes them all at once.
final class EngineMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var waking: [EngineEvent] = []
    private var quiet: [EngineEvent] = []
    private var processes: [AttemptProcess] = []

    /// `wakes`: the event needs a step (the caller then notifies the engine's signal); otherwise it waits for the
    /// next step, whatever causes it. `process`: an attempt's process for the step to record with its batch.
    func post(_ event: EngineEvent, wakes: Bool, process: AttemptProcess? = nil) {
        lock.withLock {
            wakes ? waking.append(event) : quiet.append(event)
            if let process { processes.append(process) }
        }
    }

    /// True when an event that needs a step waits.
    var needsStep: Bool { lock.withLock { !waking.isEmpty } }

    /// Everything posted so far: the quiet events (attempt starts) first, so that a start is seen before the end
    /// of the same attempt.
    func take() -> (quiet: [EngineEvent], waking: [EngineEvent], processes: [AttemptProcess]) {
        lock.withLock {
            defer { waking = []; quiet = []; processes = [] }
            return (quiet, waking, processes)
        }
    }
}
