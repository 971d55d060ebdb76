import Foundation

/// Airflow's run semantics over a `Schedule`: which data intervals exist, when each is due, catchup, start and
/// end dates.
///
/// - Cron and presets: interval *i* is `[fire_i, fire_(i+1))`. The logical date is the start; the run is due at the
///   end. The first interval starts at the first fire time at or after `startDate`.
/// - Intervals (`every 15m`): `[start + k·N, start + (k+1)·N)`, aligned to `startDate` (the Unix epoch without one).
/// - `@once`: the single interval `[startDate, startDate]`, due at `startDate`; nothing without a start date.
/// - `catchup = true`: every interval from the start date on is created, oldest first, one per call.
///   `catchup = false` (Airflow 2.x): only the most recent complete interval is created; older ones are skipped.
///   A timetable without a start date behaves as `catchup = false` for its first interval.
/// - `endDate`: no interval starts after it.
public struct Timetable: Sendable {
    public let schedule: Schedule
    public let timeZone: TimeZone
    public let startDate: Date?
    public let endDate: Date?
    public let catchup: Bool

    public init(schedule: Schedule, timeZone: TimeZone, startDate: Date?, endDate: Date?, catchup: Bool) {
        self.schedule = schedule
        self.timeZone = timeZone
        self.startDate = startDate
        self.endDate = endDate
        self.catchup = catchup
    }

    /// Grid origin for interval schedules.
    var anchor: Date { startDate ?? Date(timeIntervalSince1970: 0) }

    /// The interval the scheduler creates next after `last` (nil if none was created yet), due or not yet due;
    /// nil when no interval is left (end date passed, `@once` done, a cron that never fires).
    public func nextInterval(after last: DataInterval?, now: Date) -> DataInterval? {
        if schedule.isOnce {
            guard last == nil, let start = startDate else { return nil }
            if let endDate, start > endDate { return nil }
            return DataInterval(start: start, end: start)
        }
        let earliest = startDate.flatMap { schedule.first(atOrAfter: $0, in: timeZone, anchor: anchor) }
        var start: Date?
        if let last {
            // Continue where the last interval ended; if the schedule changed and that end is not a fire time,
            // take the fire time before it (no data gap), but never one at or before the last start.
            start = schedule.previous(atOrBefore: last.end, in: timeZone, anchor: anchor)
            if start == nil || start! <= last.start {
                start = schedule.next(after: last.start, in: timeZone, anchor: anchor)
            }
        } else {
            start = earliest
        }
        if !catchup || (last == nil && startDate == nil), let latest = latestCompleteStart(now: now) {
            start = max(start ?? latest, latest)
        }
        guard var start else { return nil }
        if let earliest, start < earliest { start = earliest }
        if let endDate, start > endDate { return nil }
        guard let end = schedule.next(after: start, in: timeZone, anchor: anchor) else { return nil }
        return DataInterval(start: start, end: end)
    }

    /// The next data interval that is due at `now` (its end <= now), given the last interval already created
    /// (nil if none). With `catchup = false` older due intervals are skipped and only the latest is returned.
    /// nil when nothing is due.
    public func nextDueInterval(after last: DataInterval?, now: Date) -> DataInterval? {
        guard let next = nextInterval(after: last, now: now), next.end <= now else { return nil }
        return next
    }

    /// When the next interval becomes due (its end), so the scheduler can sleep until then; a time at or before
    /// `now` means one is due already. nil when no interval is left.
    public func nextDueTime(after last: DataInterval?, now: Date) -> Date? {
        nextInterval(after: last, now: now)?.end
    }

    /// The next `count` intervals for `orch dags next`: the first is the one the scheduler creates next
    /// (`nextInterval(after:now:)`: with catchup off and no `last`, the latest complete interval, which may already
    /// be due), then the ones that follow it back to back, stopping at the end date.
    public func upcoming(after last: DataInterval?, now: Date, count: Int) -> [DataInterval] {
        var result: [DataInterval] = []
        var next = nextInterval(after: last, now: now)
        while let interval = next, result.count < count {
            result.append(interval)
            next = schedule.isOnce ? nil : following(interval)
        }
        return result
    }

    /// Backfill: every interval whose logical date (start) lies in `[from, to]`, in order. The DAG's start and end
    /// dates and catchup do not apply: the range is the caller's explicit choice.
    public func intervals(logicalFrom from: Date, to: Date) -> [DataInterval] {
        if schedule.isOnce {
            guard let start = startDate, start >= from, start <= to else { return [] }
            return [DataInterval(start: start, end: start)]
        }
        var result: [DataInterval] = []
        var start = schedule.first(atOrAfter: from, in: timeZone, anchor: anchor)
        while let s = start, s <= to, let e = schedule.next(after: s, in: timeZone, anchor: anchor) {
            result.append(DataInterval(start: s, end: e))
            start = e
        }
        return result
    }

    /// The interval right after `interval`, or nil past the end date.
    private func following(_ interval: DataInterval) -> DataInterval? {
        let start = interval.end
        if let endDate, start > endDate { return nil }
        guard let end = schedule.next(after: start, in: timeZone, anchor: anchor) else { return nil }
        return DataInterval(start: start, end: end)
    }

    /// The start of the latest interval whose end is at or before `now`.
    private func latestCompleteStart(now: Date) -> Date? {
        guard let end = schedule.previous(atOrBefore: now, in: timeZone, anchor: anchor) else { return nil }
        return schedule.previous(before: end, in: timeZone, anchor: anchor)
    }
}
