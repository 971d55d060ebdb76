import Foundation

extension Timetable {
    /// The data interval of a manual run, aligned to the schedule as Airflow's `infer_manual_data_interval` does.
    ///
    /// - No logical date: the latest complete interval at `triggeredAt` (a `@daily` DAG triggered on 2026-11-30 at
    ///   12:46 covers `[2026-11-29 00:00, 2026-11-30 00:00)`; triggered exactly at midnight, the day that just ended).
    /// - A logical date: the schedule interval that contains it (`2026-11-01` and `2026-11-01T12:46` both give
    ///   `[2026-11-01 00:00, 2026-11-02 00:00)`).
    /// - `@once`: the instant itself (there is no grid to align to).
    ///
    /// Time is a parameter: the caller passes the trigger time.
    public func manualInterval(logicalDate: Date?, triggeredAt: Date) -> DataInterval {
        if schedule.isOnce {
            let at = logicalDate ?? triggeredAt
            return DataInterval(start: at, end: at)
        }
        if let logicalDate {
            guard let start = schedule.previous(atOrBefore: logicalDate, in: timeZone, anchor: anchor),
                  let end = schedule.next(after: start, in: timeZone, anchor: anchor) else {
                return dataInterval(startingAt: logicalDate)
            }
            return DataInterval(start: start, end: end)
        }
        guard let end = schedule.previous(atOrBefore: triggeredAt, in: timeZone, anchor: anchor),
              let start = schedule.previous(before: end, in: timeZone, anchor: anchor) else {
            return dataInterval(startingAt: triggeredAt)
        }
        return DataInterval(start: start, end: end)
    }
}
