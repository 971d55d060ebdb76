import Foundation

extension Timetable {
    /// The timetable of a DAG: its schedule read in its time zone, with its start and end dates and catchup.
    /// nil when the DAG has no schedule (manual runs only). Throws when the schedule does not parse or the time
    /// zone is not a known IANA name.
    public static func of(_ dag: DAG) throws(ScheduleError) -> Timetable? {
        guard let text = dag.schedule else { return nil }
        let schedule = try Schedule.parse(text)
        guard let zone = NamedTimeZone.named(dag.timeZone) else {
            throw ScheduleError(field: "timezone", message: "unknown time zone '\(dag.timeZone)'; use an IANA name such as 'UTC' or 'Europe/London'")
        }
        return Timetable(schedule: schedule, timeZone: zone, startDate: dag.startDate, endDate: dag.endDate,
                         catchup: dag.catchup)
    }

    /// The data interval of a run whose logical date is `logicalDate` (manual triggers, backfill of one date):
    /// up to the next fire time for cron, one step for intervals (`[d, d + N]`), the instant itself for `@once`.
    public func dataInterval(startingAt logicalDate: Date) -> DataInterval {
        switch schedule.kind {
        case .cron:
            let end = schedule.nextFire(after: logicalDate, in: timeZone) ?? logicalDate
            return DataInterval(start: logicalDate, end: end)
        case .interval(let seconds):
            return DataInterval(start: logicalDate, end: logicalDate.addingTimeInterval(Double(seconds)))
        case .once:
            return DataInterval(start: logicalDate, end: logicalDate)
        }
    }
}
