import Foundation

/// When the scheduler gives freed memory back (``FreedMemory/giveBack()``): once its runs have all ended after a
/// busy spell, at most every `minimumInterval` seconds. A run's attempts, logs and store reads leave megabytes free
/// in malloc's arenas that an idle scheduler would otherwise carry until its next run; giving them back walks
/// every arena's free memory, so it is done when nothing is waiting for the loop and not after every quick run of
/// a busy day. Pure: the caller passes the time.
struct IdleMemoryGate {
    let minimumInterval: TimeInterval
    private var workSinceGiveBack = false
    private var lastGiveBack: Date?

    init(minimumInterval: TimeInterval = 10) {
        self.minimumInterval = minimumInterval
    }

    /// Called after each loop turn with whether runs are active and how many runs the turn's looks created (the
    /// next turn starts them: the engine is idle just before a run starts); true when the caller should give memory
    /// back now.
    mutating func turnEnded(runsActive: Bool, runsCreated: Int = 0, now: Date) -> Bool {
        if runsActive || runsCreated > 0 {
            workSinceGiveBack = true
            return false
        }
        guard workSinceGiveBack else { return false }
        if let last = lastGiveBack, now.timeIntervalSince(last) < minimumInterval { return false }
        workSinceGiveBack = false
        lastGiveBack = now
        return true
    }
}
