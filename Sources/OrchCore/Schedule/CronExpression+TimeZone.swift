import Foundation

/// Reading a cron expression in a time zone, with Vixie cron's daylight-saving rules:
///
/// - Fixed-time expressions (neither minute nor hour starts with `*`, e.g. `30 2 * * *`): a wall time skipped by a
///   spring-forward jump fires once, at the first instant after the jump (03:00 local for 02:30 in New York); a wall
///   time repeated by a fall-back fires once, at its first occurrence.
/// - Wildcard expressions (`*/15 * * * *`, `0 * * * *`): they follow the clock as it reads; skipped times do not
///   fire and repeated times fire at each real occurrence, so an hourly schedule still fires every real hour.
extension CronExpression {
    /// Forward jumps up to this long fire their skipped fixed times at the jump (Vixie cron's limit).
    static let maxCatchUpJump: Int64 = 3 * 3600

    /// The first fire instant strictly after `date`, or nil when none lies within `searchYears`.
    func nextFire(after date: Date, in zone: TimeZone) -> Date? {
        let x = date.timeIntervalSince1970
        let base = Int64(x.rounded(.down))
        let offNow = Int64(zone.cronOffset(at: base))
        // A fall-back soon after `date` replays wall times earlier than the current one; start that much earlier.
        let lookback = max(0, offNow - Int64(zone.cronOffset(at: base + 26 * 3600)))
        var cursor = CivilTime(wallSeconds: base + offNow - lookback)
        var best: Int64?
        while let w = nextMatch(atOrAfter: cursor) {
            let wall = w.wallSeconds
            let r = zone.cronResolve(wall: wall)
            let earliest = r.instants.first ?? r.gapEnd
            if let b = best, earliest >= b { break }
            let candidates: [Int64]
            if r.instants.isEmpty {
                candidates = isFixedTime && r.gapLength <= Self.maxCatchUpJump ? [r.gapEnd] : []
            } else {
                candidates = isFixedTime ? [r.instants[0]] : r.instants
            }
            for c in candidates where Double(c) > x && c < (best ?? .max) { best = c }
            if isFixedTime, best != nil { break }   // first occurrences only grow with the wall time
            cursor = CivilTime(wallSeconds: wall + 60)
        }
        return best.map { Date(timeIntervalSince1970: Double($0)) }
    }
}

extension TimeZone {
    /// Seconds east of UTC in effect at an instant given in seconds since 1970.
    fileprivate func cronOffset(at instant: Int64) -> Int {
        secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
    }

    /// The instants at which the clock of this zone reads `wall` (seconds since 1970-01-01 00:00 on the clock):
    /// usually one, two in a fall-back overlap, none in a spring-forward gap. For a gap, `gapEnd` is the first
    /// instant after the jump and `gapLength` the size of the jump; otherwise `gapEnd` is the first instant.
    fileprivate func cronResolve(wall: Int64) -> (instants: [Int64], gapEnd: Int64, gapLength: Int64) {
        // Offsets in effect within a day either side cover every instant whose clock can read `wall`.
        let offsets = Set([cronOffset(at: wall - 86_400), cronOffset(at: wall), cronOffset(at: wall + 86_400)].map(Int64.init))
        let instants = offsets.map { wall - $0 }.filter { Int64(cronOffset(at: $0)) == wall - $0 }.sorted()
        if let first = instants.first { return (instants, first, 0) }
        // Gap: the clock reads less than `wall` at `lo` and more at `hi`; bisect for the jump.
        var lo = wall - offsets.max()!
        var hi = wall - offsets.min()!
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if mid + Int64(cronOffset(at: mid)) > wall { hi = mid } else { lo = mid }
        }
        return ([], hi, offsets.max()! - offsets.min()!)
    }
}
