import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron", abstract: "Print the next fire times of a schedule expression (cron, preset or interval).")
    @Argument(help: "Expression, like '*/15 9-17 * * MON-FRI', '@daily' or 'every 2h'.") var expression: String
    @Option(help: "IANA time zone the fields are read in.") var tz = "UTC"
    @Option(help: "Start after this time (ISO 8601 or YYYY-MM-DD); default now.") var from: String?
    @Option(name: .short, help: "How many times.") var n = 5

    func run() throws {
        guard let zone = NamedTimeZone.named(tz) else { throw ValidationError("unknown time zone '\(tz)'") }
        let schedule: Schedule
        do { schedule = try Schedule.parse(expression) } catch { throw ValidationError("\(error)") }
        var t = try from.map(parseDate) ?? Date()
        let local = DateFormatter()
        local.timeZone = zone
        local.dateFormat = "yyyy-MM-dd HH:mm:ss zzz"
        for _ in 0..<max(0, n) {
            guard let next = schedule.nextFire(after: t, in: zone) else {
                print("(no further fire times)")
                break
            }
            print("\(isoString(next))  \(local.string(from: next))")
            t = next
        }
    }
}

struct DagsNext: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "next",
                                                    abstract: "Print a DAG's next runs with their data intervals.")
    @Argument(help: "DAG id") var dagId: String
    @Option(name: .short, help: "How many runs.") var n = 5

    func run() throws {
        let ctx = try CLIContext()
        let dag = try ctx.dagAlone(dagId).dag   // this DAG's definition alone when the cache has it
        guard let timetable = RunCreator.timetable(for: dag) else { print("DAG \(dagId) has no schedule (manual runs only)"); return }
        let last = try ctx.store().dag(dagId)?.lastInterval
        printTable(["logical_date", "interval_start", "interval_end", "runs_at"],
                   timetable.upcoming(after: last, now: Date(), count: n).map { i in
            [isoString(i.start), isoString(i.start), isoString(i.end), isoString(i.end)]
        })
    }
}
