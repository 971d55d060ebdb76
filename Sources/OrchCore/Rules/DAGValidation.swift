import Foundation

/// A problem found when DAGs load. The message names the DAG and, where it applies, the task.
public struct DAGValidationError: Error, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case badId = "bad_id"
        case duplicateDAG = "duplicate_dag"
        case duplicateTask = "duplicate_task"
        case unknownUpstream = "unknown_upstream"
        case cycle
        case badRetry = "bad_retry"
        case badTimeout = "bad_timeout"
        case badSchedule = "bad_schedule"
        case badSetting = "bad_setting"
        case badAsset = "bad_asset"
    }
    public let kind: Kind
    public let dagId: String
    public let taskId: String?
    public let message: String

    public var description: String {
        if let taskId { return "DAG '\(dagId)', task '\(taskId)': \(message)" }
        return "DAG '\(dagId)': \(message)"
    }
}

/// Checks DAGs before anything runs them.
public enum DAGValidator {
    /// Letters, digits, `_`, `-`, `.`; starting with a letter or digit; at most 250 characters (Airflow's rule).
    /// Byte by byte: every allowed character is ASCII, so bytes and characters are the same. (It built a
    /// CharacterSet per call, which was a quarter of what a CLI command spent loading 301 DAGs.)
    public static func isValidId(_ id: String) -> Bool {
        let bytes = id.utf8
        guard let first = bytes.first, bytes.count <= 250, isASCIILetterOrDigit(first) else { return false }
        return bytes.allSatisfy { isASCIILetterOrDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }

    private static func isASCIILetterOrDigit(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
    }

    /// Every problem in a set of DAGs (empty when they are all fine).
    public static func validate(_ dags: [DAG]) -> [DAGValidationError] {
        var errors: [DAGValidationError] = []
        var seen: Set<String> = []
        for dag in dags {
            if !seen.insert(dag.id).inserted {
                errors.append(.init(kind: .duplicateDAG, dagId: dag.id, taskId: nil,
                                    message: "DAG id is defined more than once"))
                continue
            }
            errors += validate(dag)
        }
        return errors
    }

    /// Every problem in one DAG.
    public static func validate(_ dag: DAG) -> [DAGValidationError] {
        var errors: [DAGValidationError] = []
        func add(_ k: DAGValidationError.Kind, _ task: String?, _ m: String) {
            errors.append(.init(kind: k, dagId: dag.id, taskId: task, message: m))
        }
        if !isValidId(dag.id) {
            add(.badId, nil, "DAG id '\(dag.id)' may use only letters, digits, '_', '-' and '.', and must start with a letter or digit")
        }
        if dag.maxActiveRuns < 1 { add(.badSetting, nil, "max_active_runs must be at least 1, got \(dag.maxActiveRuns)") }
        if dag.maxActiveTasks < 1 { add(.badSetting, nil, "max_active_tasks must be at least 1, got \(dag.maxActiveTasks)") }
        if NamedTimeZone.named(dag.timeZone) == nil { add(.badSchedule, nil, "unknown time zone '\(dag.timeZone)'") }
        if let s = dag.schedule {
            do { _ = try Schedule.parse(s) } catch { add(.badSchedule, nil, "schedule '\(s)': \(error)") }
        }
        if let start = dag.startDate, let end = dag.endDate, end < start {
            add(.badSetting, nil, "end date is before start date")
        }
        var ids: Set<String> = []
        for t in dag.tasks {
            if !ids.insert(t.id).inserted { add(.duplicateTask, t.id, "task id is defined more than once") }
            if !isValidId(t.id) {
                add(.badId, t.id, "task id may use only letters, digits, '_', '-' and '.', and must start with a letter or digit")
            }
            if t.retry.retries < 0 { add(.badRetry, t.id, "retries must be 0 or more, got \(t.retry.retries)") }
            if !(t.retry.delay >= 0) || !t.retry.delay.isFinite {
                add(.badRetry, t.id, "retry delay must be 0 or more seconds, got \(t.retry.delay)")
            }
            if !(t.retry.maxDelay >= 0) || t.retry.maxDelay < t.retry.delay && t.retry.exponentialBackoff {
                add(.badRetry, t.id, "maximum retry delay (\(t.retry.maxDelay) s) must be at least the retry delay (\(t.retry.delay) s)")
            }
            if let timeout = t.executionTimeout, !(timeout > 0) || !timeout.isFinite {
                add(.badTimeout, t.id, "execution timeout must be more than 0 seconds, got \(timeout)")
            }
            if t.poolSlots < 1 { add(.badSetting, t.id, "pool_slots must be at least 1, got \(t.poolSlots)") }
            for uri in t.assets.inlets + t.assets.outlets {
                if let problem = AssetURI.problem(uri) { add(.badAsset, t.id, problem) }
            }
        }
        let outlets = Set(dag.tasks.flatMap(\.assets.outlets))
        if let trigger = dag.assetSchedule {
            if dag.schedule != nil { add(.badSchedule, nil, "a DAG is scheduled on assets or on a cron schedule, not both") }
            if trigger.uris.isEmpty { add(.badSchedule, nil, "the asset schedule names no asset") }
            for uri in trigger.uris { if let problem = AssetURI.problem(uri) { add(.badSchedule, nil, problem) } }
        }
        var checkNames: Set<String> = []
        for c in dag.checks {
            if !checkNames.insert(c.name).inserted { add(.badAsset, nil, "check '\(c.name)' is declared more than once") }
            if !outlets.contains(c.asset) { add(.badAsset, nil, "check '\(c.name)' is on '\(c.asset)', which no task of this DAG writes") }
        }
        for (uri, policy) in dag.freshness.sorted(by: { $0.key < $1.key }) {
            if !outlets.contains(uri) { add(.badAsset, nil, "freshness policy for '\(uri)', which no task of this DAG writes") }
            if !(policy.maxAge > 0) || !policy.maxAge.isFinite {
                add(.badAsset, nil, "freshness of '\(uri)' must allow more than 0 seconds, got \(policy.maxAge)")
            }
        }
        for t in dag.tasks {
            for u in t.upstream where !ids.contains(u) {
                add(.unknownUpstream, t.id, "depends on '\(u)', which is not a task of this DAG")
            }
        }
        if let cycle = findCycle(dag) {
            add(.cycle, cycle.first, "cycle: \(cycle.joined(separator: " >> "))")
        }
        return errors
    }

    /// One cycle as a path of task ids (first == last), or nil.
    static func findCycle(_ dag: DAG) -> [String]? {
        var upstream: [String: [String]] = [:]
        for t in dag.tasks where upstream[t.id] == nil { upstream[t.id] = t.upstream }
        var color: [String: Int] = [:]   // 0 white, 1 grey, 2 black
        var stack: [String] = []
        func visit(_ id: String) -> [String]? {
            color[id] = 1
            stack.append(id)
            for u in upstream[id] ?? [] where upstream[u] != nil {
                if color[u] == 1 {
                    let from = stack.lastIndex(of: u)!
                    return (Array(stack[from...]) + [u]).reversed()
                }
                if color[u, default: 0] == 0, let c = visit(u) { return c }
            }
            stack.removeLast()
            color[id] = 2
            return nil
        }
        for t in dag.tasks where color[t.id, default: 0] == 0 {
            if let c = visit(t.id) { return c }
        }
        return nil
    }

    /// Tasks in an order where every upstream comes first (assumes no cycle).
    public static func topologicalOrder(_ dag: DAG) -> [String] {
        var indegree: [String: Int] = [:]
        for t in dag.tasks { indegree[t.id] = t.upstream.count }
        let down = dag.downstream
        var ready = dag.tasks.map(\.id).filter { indegree[$0] == 0 }
        var order: [String] = []
        while !ready.isEmpty {
            let id = ready.removeFirst()
            order.append(id)
            for d in down[id] ?? [] {
                indegree[d]! -= 1
                if indegree[d] == 0 { ready.append(d) }
            }
        }
        return order
    }
}

/// The loaded, validated set of DAGs.
public struct DAGBag: Sendable {
    public let dags: [DAG]
    private let byId: [String: DAG]

    /// Validates; throws every problem at once.
    public init(_ dags: [DAG]) throws(DAGBagError) {
        let errors = DAGValidator.validate(dags)
        guard errors.isEmpty else { throw DAGBagError(errors: errors) }
        self.dags = dags.sorted { $0.id < $1.id }
        self.byId = Dictionary(dags.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func dag(_ id: String) -> DAG? { byId[id] }
}

public struct DAGBagError: Error, CustomStringConvertible {
    public let errors: [DAGValidationError]
    public var description: String {
        "\(errors.count) problem(s) in DAGs:\n" + errors.map { "  - \($0)" }.joined(separator: "\n")
    }
}
