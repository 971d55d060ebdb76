import Foundation

/// The fire times of a schedule as an ordered sequence that can be walked both ways. Intervals count from
/// `anchor`; cron fire times are whole seconds, which the strict/inclusive conversions below rely on.
extension Schedule {
    /// The first fire time strictly after `date`.
    func next(after date: Date, in zone: TimeZone, anchor: Date) -> Date? {
        switch kind {
        case .cron: cron!.nextFire(after: date, in: zone)
        case .interval(let step): Self.gridNext(after: date, anchor: anchor, step: step)
        case .once: nil
        }
    }

    /// The first fire time at or after `date`.
    func first(atOrAfter date: Date, in zone: TimeZone, anchor: Date) -> Date? {
        switch kind {
        case .cron:
            // Fire times are whole seconds: t >= date  <=>  t > ceil(date) - 1.
            cron!.nextFire(after: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.up) - 1), in: zone)
        case .interval(let step):
            Self.gridPrevious(atOrBefore: date, anchor: anchor, step: step) == date
                ? date : Self.gridNext(after: date, anchor: anchor, step: step)
        case .once: nil
        }
    }

    /// The last fire time at or before `date`.
    func previous(atOrBefore date: Date, in zone: TimeZone, anchor: Date) -> Date? {
        switch kind {
        case .cron: cronPrevious(atOrBefore: date, in: zone)
        case .interval(let step): Self.gridPrevious(atOrBefore: date, anchor: anchor, step: step)
        case .once: nil
        }
    }

    /// The last fire time strictly before `date`.
    func previous(before date: Date, in zone: TimeZone, anchor: Date) -> Date? {
        switch kind {
        case .cron:
            cronPrevious(atOrBefore: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.up) - 1), in: zone)
        case .interval(let step):
            Self.gridPrevious(atOrBefore: date, anchor: anchor, step: step) == date
                ? date.addingTimeInterval(-Double(step))
                : Self.gridPrevious(atOrBefore: date, anchor: anchor, step: step)
        case .once: nil
        }
    }

    /// Cron has only a forward search, so walk back by doubling a window until it holds a fire time, then bisect:
    /// about 30 forward searches, whatever the distance.
    private func cronPrevious(atOrBefore date: Date, in zone: TimeZone) -> Date? {
        let cron = cron!
        var window: TimeInterval = 120
        var found: Date?
        while window <= Double(CronExpression.searchYears) * 366 * 86_400 {
            if let g = cron.nextFire(after: date.addingTimeInterval(-window), in: zone), g <= date {
                found = g
                break
            }
            window *= 2
        }
        guard var fire = found else { return nil }
        // Invariant: `fire` is a fire time <= date and none lies in (upper, date].
        var upper = date
        while upper.timeIntervalSince(fire) >= 1 {
            let mid = fire.addingTimeInterval(upper.timeIntervalSince(fire) / 2)
            if let g = cron.nextFire(after: mid, in: zone), g <= upper { fire = g } else { upper = mid }
        }
        return fire
    }
}
