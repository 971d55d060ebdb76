import Foundation
import Testing
@testable import OrchCore

@Suite("Timetable: Airflow data intervals")
struct TimetableTests {
    func timetable(_ text: String, zone: TimeZone = Zones.utc, start: Date?, end: Date? = nil,
                   catchup: Bool) throws -> Timetable {
        Timetable(schedule: try Schedule.parse(text), timeZone: zone, startDate: start, endDate: end, catchup: catchup)
    }

    func interval(_ a: Date, _ b: Date) -> DataInterval { DataInterval(start: a, end: b) }

    /// Drives the timetable like the scheduler does at a fixed `now`: create every due interval in turn.
    func createAllDue(_ t: Timetable, now: Date, after last: DataInterval? = nil) -> [DataInterval] {
        var created: [DataInterval] = []
        var last = last
        while let next = t.nextDueInterval(after: last, now: now) {
            created.append(next)
            last = next
            if created.count > 1000 { break }
        }
        return created
    }

    @Test("catchup on: every interval since the start date, oldest first; the run is due at the interval's end")
    func catchupOn() throws {
        let t = try timetable("@daily", start: utcDate(2026, 11, 1), catchup: true)
        let now = utcDate(2026, 11, 4, 12)
        #expect(createAllDue(t, now: now) == [
            interval(utcDate(2026, 11, 1), utcDate(2026, 11, 2)),
            interval(utcDate(2026, 11, 2), utcDate(2026, 11, 3)),
            interval(utcDate(2026, 11, 3), utcDate(2026, 11, 4)),
        ])
        let last = interval(utcDate(2026, 11, 3), utcDate(2026, 11, 4))
        #expect(t.nextDueTime(after: last, now: now) == utcDate(2026, 11, 5))
        // Exactly at the end the interval is due.
        #expect(t.nextDueInterval(after: last, now: utcDate(2026, 11, 5))
                == interval(utcDate(2026, 11, 4), utcDate(2026, 11, 5)))
    }

    @Test("catchup off: only the latest complete interval; older ones are skipped")
    func catchupOff() throws {
        let t = try timetable("@daily", start: utcDate(2026, 11, 1), catchup: false)
        let now = utcDate(2026, 11, 4, 12)
        #expect(createAllDue(t, now: now) == [interval(utcDate(2026, 11, 3), utcDate(2026, 11, 4))])
        // After a scheduler outage, resume at the latest interval, not the one after `last`.
        let last = interval(utcDate(2026, 11, 1), utcDate(2026, 11, 2))
        #expect(t.nextDueInterval(after: last, now: utcDate(2026, 11, 7, 1))
                == interval(utcDate(2026, 11, 6), utcDate(2026, 11, 7)))
        // In step: the next one is the one after `last`, due at its end.
        let current = interval(utcDate(2026, 11, 3), utcDate(2026, 11, 4))
        #expect(t.nextDueInterval(after: current, now: now) == nil)
        #expect(t.nextDueTime(after: current, now: now) == utcDate(2026, 11, 5))
    }

    @Test("nothing is due before the first interval ends; the due time is its end")
    func notYetDue() throws {
        for catchup in [true, false] {
            let t = try timetable("0 6 * * *", start: utcDate(2026, 11, 1), catchup: catchup)
            let now = utcDate(2026, 11, 1, 12)
            #expect(t.nextDueInterval(after: nil, now: now) == nil)
            #expect(t.nextDueTime(after: nil, now: now) == utcDate(2026, 11, 2, 6))
        }
    }

    @Test("the first interval starts at the first fire time at or after the start date")
    func startAlignment() throws {
        let cron = try timetable("0 */6 * * *", start: utcDate(2026, 11, 1, 10, 17), catchup: true)
        #expect(cron.nextInterval(after: nil, now: utcDate(2026, 11, 1, 10, 17))
                == interval(utcDate(2026, 11, 1, 12), utcDate(2026, 11, 1, 18)))
        let onBoundary = try timetable("0 */6 * * *", start: utcDate(2026, 11, 1, 12), catchup: true)
        #expect(onBoundary.nextInterval(after: nil, now: utcDate(2026, 11, 1))
                == interval(utcDate(2026, 11, 1, 12), utcDate(2026, 11, 1, 18)))
        // catchup off with a start date in the future: still the first aligned interval.
        let future = try timetable("@daily", start: utcDate(2026, 12, 1, 9), catchup: false)
        #expect(future.nextDueTime(after: nil, now: utcDate(2026, 11, 1)) == utcDate(2026, 12, 3))
    }

    @Test("interval schedules are aligned to the start date")
    func intervalAlignment() throws {
        let t = try timetable("every 1h", start: utcDate(2026, 11, 1, 10, 17), catchup: true)
        #expect(createAllDue(t, now: utcDate(2026, 11, 1, 13, 20)) == [
            interval(utcDate(2026, 11, 1, 10, 17), utcDate(2026, 11, 1, 11, 17)),
            interval(utcDate(2026, 11, 1, 11, 17), utcDate(2026, 11, 1, 12, 17)),
            interval(utcDate(2026, 11, 1, 12, 17), utcDate(2026, 11, 1, 13, 17)),
        ])
        let off = try timetable("every 15m", start: utcDate(2026, 11, 1, 10, 5), catchup: false)
        #expect(createAllDue(off, now: utcDate(2026, 11, 1, 13, 1))
                == [interval(utcDate(2026, 11, 1, 12, 35), utcDate(2026, 11, 1, 12, 50))])
    }

    @Test("no interval starts after the end date")
    func endDate() throws {
        let t = try timetable("@daily", start: utcDate(2026, 11, 1), end: utcDate(2026, 11, 3), catchup: true)
        let created = createAllDue(t, now: utcDate(2027, 1, 1))
        #expect(created.map(\.start) == [utcDate(2026, 11, 1), utcDate(2026, 11, 2), utcDate(2026, 11, 3)])
        #expect(t.nextDueTime(after: created.last, now: utcDate(2027, 1, 1)) == nil)
        #expect(t.upcoming(after: nil, now: utcDate(2026, 10, 1), count: 10).count == 3)
        // catchup off, end date long past: the latest complete interval starts after it, so nothing.
        let off = try timetable("@daily", start: utcDate(2026, 11, 1), end: utcDate(2026, 11, 3), catchup: false)
        #expect(off.nextDueInterval(after: nil, now: utcDate(2027, 1, 1)) == nil)
    }

    @Test("@once: one interval [start, start], due at the start date")
    func once() throws {
        let start = utcDate(2026, 11, 1, 9, 30)
        let t = try timetable("@once", start: start, catchup: true)
        #expect(t.nextDueInterval(after: nil, now: utcDate(2026, 11, 1)) == nil)
        #expect(t.nextDueTime(after: nil, now: utcDate(2026, 11, 1)) == start)
        #expect(t.nextDueInterval(after: nil, now: start) == interval(start, start))
        #expect(t.nextDueInterval(after: interval(start, start), now: utcDate(2027, 1, 1)) == nil)
        #expect(t.nextDueTime(after: interval(start, start), now: utcDate(2027, 1, 1)) == nil)
        #expect(try timetable("@once", start: nil, catchup: true).nextDueTime(after: nil, now: start) == nil)
        #expect(t.intervals(logicalFrom: utcDate(2026, 11, 1), to: utcDate(2026, 11, 2)) == [interval(start, start)])
        #expect(t.intervals(logicalFrom: utcDate(2026, 11, 2), to: utcDate(2026, 11, 3)).isEmpty)
    }

    @Test("backfill: every interval whose logical date lies in [from, to], both ends included")
    func backfill() throws {
        let t = try timetable("@daily", start: utcDate(2026, 1, 1), catchup: false)
        let days = t.intervals(logicalFrom: utcDate(2026, 11, 1), to: utcDate(2026, 11, 7))
        #expect(days.count == 7)
        #expect(days.first == interval(utcDate(2026, 11, 1), utcDate(2026, 11, 2)))
        #expect(days.last == interval(utcDate(2026, 11, 7), utcDate(2026, 11, 8)))
        #expect(zip(days, days.dropFirst()).allSatisfy { $0.end == $1.start })
        // A from that is not on the schedule starts at the next fire time.
        #expect(t.intervals(logicalFrom: utcDate(2026, 11, 1, 0, 1), to: utcDate(2026, 11, 3)).map(\.start)
                == [utcDate(2026, 11, 2), utcDate(2026, 11, 3)])
        #expect(t.intervals(logicalFrom: utcDate(2026, 11, 3), to: utcDate(2026, 11, 1)).isEmpty)
        #expect(try timetable("0 0 30 2 *", start: nil, catchup: true)
                    .intervals(logicalFrom: utcDate(2026, 1, 1), to: utcDate(2030, 1, 1)).isEmpty)
    }

    @Test("intervals in a zone span the local day, 25 hours on the fall-back day")
    func zonedIntervals() throws {
        let t = try timetable("@daily", zone: Zones.newYork, start: utcDate(2026, 10, 1), catchup: false)
        let days = t.intervals(logicalFrom: utcDate(2026, 10, 31, 4), to: utcDate(2026, 11, 1, 4))
        #expect(days == [interval(utcDate(2026, 10, 31, 4), utcDate(2026, 11, 1, 4)),
                         interval(utcDate(2026, 11, 1, 4), utcDate(2026, 11, 2, 5))])
        #expect(t.nextDueInterval(after: nil, now: utcDate(2026, 11, 3, 12))
                == interval(utcDate(2026, 11, 2, 5), utcDate(2026, 11, 3, 5)))
    }

    @Test("upcoming: the interval created next, then the ones after it")
    func upcoming() throws {
        let on = try timetable("0 12 * * *", start: utcDate(2026, 11, 1), catchup: true)
        #expect(on.upcoming(after: interval(utcDate(2026, 11, 4, 12), utcDate(2026, 11, 5, 12)),
                            now: utcDate(2026, 11, 5, 13), count: 2)
                == [interval(utcDate(2026, 11, 5, 12), utcDate(2026, 11, 6, 12)),
                    interval(utcDate(2026, 11, 6, 12), utcDate(2026, 11, 7, 12))])
        let off = try timetable("0 12 * * *", start: utcDate(2026, 11, 1), catchup: false)
        #expect(off.upcoming(after: nil, now: utcDate(2026, 11, 5, 13), count: 3).map(\.start)
                == [utcDate(2026, 11, 4, 12), utcDate(2026, 11, 5, 12), utcDate(2026, 11, 6, 12)])
        #expect(off.upcoming(after: nil, now: utcDate(2026, 11, 5, 13), count: 0).isEmpty)
    }

    @Test("catchup off finds the latest interval of a frequent schedule started long ago")
    func longAgo() throws {
        let t = try timetable("* * * * *", start: utcDate(2016, 1, 1), catchup: false)
        #expect(t.nextDueInterval(after: nil, now: utcDate(2026, 11, 5, 13, 0, 30))
                == interval(utcDate(2026, 11, 5, 12, 59), utcDate(2026, 11, 5, 13, 0)))
        let leap = try timetable("0 0 29 2 *", start: utcDate(2016, 1, 1), catchup: false)
        #expect(leap.nextDueInterval(after: nil, now: utcDate(2026, 11, 5))
                == interval(utcDate(2020, 2, 29), utcDate(2024, 2, 29)))
    }

    @Test("without a start date the latest complete interval is created, whatever catchup says")
    func noStartDate() throws {
        for catchup in [true, false] {
            let t = try timetable("@hourly", start: nil, catchup: catchup)
            #expect(t.nextDueInterval(after: nil, now: utcDate(2026, 11, 5, 13, 20))
                    == interval(utcDate(2026, 11, 5, 12), utcDate(2026, 11, 5, 13)))
        }
    }

    @Test("a schedule that never fires yields nothing")
    func neverFires() throws {
        let t = try timetable("0 0 30 2 *", start: utcDate(2026, 1, 1), catchup: true)
        #expect(t.nextDueInterval(after: nil, now: utcDate(2030, 1, 1)) == nil)
        #expect(t.nextDueTime(after: nil, now: utcDate(2030, 1, 1)) == nil)
        #expect(t.upcoming(after: nil, now: utcDate(2030, 1, 1), count: 3).isEmpty)
    }

    @Test("a DAG's timetable uses its schedule, zone, dates and catchup")
    func ofDAG() throws {
        var dag = DAG("daily", schedule: "@daily", timeZone: "America/New_York", startDate: utcDate(2026, 11, 1),
                      catchup: true)
        let t = try #require(try Timetable.of(dag))
        #expect(t.timeZone == Zones.newYork)
        #expect(t.catchup)
        #expect(t.nextDueInterval(after: nil, now: utcDate(2026, 11, 3))
                == interval(utcDate(2026, 11, 1, 4), utcDate(2026, 11, 2, 5)))
        dag.schedule = nil
        #expect(try Timetable.of(dag) == nil)
        dag.schedule = "@daily"
        dag.timeZone = "Mars/Olympus_Mons"
        #expect(throws: ScheduleError.self) { try Timetable.of(dag) }
        dag.timeZone = "UTC"
        dag.schedule = "0 0 * *"
        #expect(throws: ScheduleError.self) { try Timetable.of(dag) }
    }

    @Test("the data interval of a manual run at a logical date")
    func manualInterval() throws {
        let d = utcDate(2026, 11, 5, 10, 17)
        #expect(try timetable("@daily", start: nil, catchup: false).dataInterval(startingAt: d)
                == interval(d, utcDate(2026, 11, 6)))
        #expect(try timetable("every 15m", start: utcDate(2026, 1, 1), catchup: false).dataInterval(startingAt: d)
                == interval(d, utcDate(2026, 11, 5, 10, 32)))
        #expect(try timetable("@once", start: nil, catchup: false).dataInterval(startingAt: d) == interval(d, d))
    }
}
