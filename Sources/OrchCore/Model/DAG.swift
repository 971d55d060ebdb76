import Foundation

/// A workflow: tasks and the edges between them, with a schedule.
///
/// Build one with the closure initialiser:
/// ```swift
/// let dag = DAG("hello", schedule: "@daily", startDate: .utc(2026, 11, 1)) { d in
///     let a = d.task("extract") { ctx in ctx.log("hi") }
///     let b = d.shell("load", "echo loaded")
///     a >> b
/// }
/// ```
///
/// `Codable`: a bundle executable describes its DAGs to orch as JSON (`BundleManifest`), and every stored field
/// travels, so a field added here reaches the scheduler without other edits.
public struct DAG: Sendable, Codable {
    public let id: String
    public var description: String
    public var tags: [String]
    public var owner: String
    /// Cron expression, preset (`@daily`) or interval (`every 15m`); nil = manual runs only.
    public var schedule: String?
    /// IANA time zone the schedule is read in.
    public var timeZone: String
    public var startDate: Date?
    public var endDate: Date?
    public var catchup: Bool
    public var maxActiveRuns: Int
    public var maxActiveTasks: Int
    public var params: [String: JSONValue]
    /// What each param means, shown next to its field in the dashboard's trigger form.
    public var paramDescriptions: [String: String]
    /// Names of variables of the scheduler's environment that this DAG's task processes receive (`NAME`, or a
    /// prefix such as `PG*`). A task gets only ordinary variables (PATH, HOME, LANG, TZ…), its ORCH_* attempt
    /// variables, and these; orch's own secrets (ORCH_API_TOKEN, ORCH_ALERT_*) never.
    public var environment: [String]
    public var alerts: AlertRules
    /// Freshness policies of the assets this DAG's tasks write, by URI (issue 14).
    public var freshness: [String: FreshnessPolicy] = [:]
    /// Asset checks declared in this DAG (each also attached to the tasks that write its asset).
    public var checks: [AssetCheck] = []
    /// Run when these assets are updated (data-aware scheduling), instead of on a cron schedule.
    public var assetSchedule: AssetTrigger?
    /// Tasks in declaration order.
    public private(set) var tasks: [TaskSpec]
    private var index: TaskIndex

    public init(_ id: String, description: String = "", tags: [String] = [], owner: String = "orch",
                schedule: String? = nil, timeZone: String = "UTC", startDate: Date? = nil, endDate: Date? = nil,
                catchup: Bool = false, maxActiveRuns: Int = 16, maxActiveTasks: Int = 16,
                params: [String: JSONValue] = [:], paramDescriptions: [String: String] = [:],
                environment: [String] = [], defaults: TaskDefaults = TaskDefaults(),
                alerts: AlertRules = AlertRules(), build: (DAGBuilder) -> Void = { _ in }) {
        self.id = id
        self.description = description
        self.tags = tags
        self.owner = owner
        self.schedule = schedule
        self.timeZone = timeZone
        self.startDate = startDate
        self.endDate = endDate
        self.catchup = catchup
        self.maxActiveRuns = maxActiveRuns
        self.maxActiveTasks = maxActiveTasks
        self.params = params
        self.paramDescriptions = paramDescriptions
        self.environment = environment
        self.alerts = alerts
        let builder = DAGBuilder(defaults: defaults)
        build(builder)
        (self.tasks, self.index) = DAG.held(builder.resolvedTasks())
        self.freshness = builder.freshness
        self.checks = builder.checks
        self.assetSchedule = builder.assetSchedule
    }

    /// Builds a DAG from already-resolved tasks (tests, generated DAGs).
    public init(_ id: String, tasks: [TaskSpec], schedule: String? = nil, startDate: Date? = nil,
                maxActiveTasks: Int = 16, params: [String: JSONValue] = [:]) {
        self.init(id, schedule: schedule, startDate: startDate, maxActiveTasks: maxActiveTasks, params: params)
        (self.tasks, self.index) = DAG.held(tasks)
    }

    public func task(_ id: String) -> TaskSpec? {
        // A decoded DAG has no index until `reindexed()`: look the task up the slow way.
        if index.isEmpty { return tasks.first { $0.id == id } }
        return index.position(of: id, in: tasks).map { tasks[$0] }
    }

    /// This DAG with its task index rebuilt and its tasks' settings shared (after decoding it from a manifest).
    public func reindexed() -> DAG {
        var copy = self
        (copy.tasks, copy.index) = DAG.held(tasks)
        return copy
    }

    /// Tasks as a DAG holds them: equal settings in one box (``TaskSettings``), and their index.
    private static func held(_ tasks: [TaskSpec]) -> ([TaskSpec], TaskIndex) {
        let shared = tasks.sharingSettings()
        return (shared, TaskIndex(shared))
    }

    /// Downstream task ids of each task.
    public var downstream: [String: [String]] {
        var d: [String: [String]] = [:]
        for t in tasks { for u in t.upstream { d[u, default: []].append(t.id) } }
        return d
    }

    /// Every edge as (upstream, downstream), in task order.
    public var edges: [(String, String)] { tasks.flatMap { t in t.upstream.map { ($0, t.id) } } }

    /// Tasks nothing depends on: they decide the run's outcome.
    public var leaves: [String] {
        let d = downstream
        return tasks.map(\.id).filter { (d[$0] ?? []).isEmpty }
    }
}

extension Date {
    /// A UTC date, for start dates in DAG files, on the proleptic Gregorian calendar (Foundation's `Calendar` is
    /// Julian before 1582-10-15). Out-of-range parts roll over as in `DateComponents` (month 13 is next January).
    public static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> Date {
        let m0 = month - 1
        let y = year + (m0 >= 0 ? m0 / 12 : (m0 - 11) / 12)
        let m = ((m0 % 12) + 12) % 12 + 1
        let days = CivilTime.days(year: y, month: m, day: 1) + day - 1
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60))
    }
}
