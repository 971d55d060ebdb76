import OrchCore
import OrchStore

// Wire shapes of DAG resources. Property names are the JSON field names (snake_case), as documented in
// the OpenAPI document.

/// A run as a coloured mark in the DAG list.
struct RunMarkDTO: Codable, Sendable {
    let run_id: String
    let state: String
    let logical_date: String
}

/// One entry of `GET /dags`.
struct DAGSummaryDTO: Codable, Sendable {
    let dag_id: String
    let description: String
    let owner: String
    let tags: [String]
    let schedule: String?
    let timezone: String
    let is_paused: Bool
    let next_run_at: String?
    let task_count: Int
    let last_run: RunMarkDTO?
    let recent_runs: [RunMarkDTO]
}

struct DAGListDTO: Codable, Sendable {
    let dags: [DAGSummaryDTO]
    let total_entries: Int
    /// Every tag and owner of every DAG (not only the matching ones), for the list's filter menus.
    let all_tags: [String]
    let all_owners: [String]
}

/// A task as the graph and detail pages show it.
struct TaskDTO: Codable, Sendable {
    let task_id: String
    let kind: String
    let upstream: [String]
    let downstream: [String]
    let trigger_rule: String
    let retries: Int
    let retry_delay_seconds: Double
    let execution_timeout_seconds: Double?
    let isolation: String
    let pool: String
    let doc: String
}

struct EdgeDTO: Codable, Sendable {
    let from: String
    let to: String
}

/// `GET /dags/{dag_id}`.
struct DAGDetailDTO: Codable, Sendable {
    let dag_id: String
    let description: String
    let owner: String
    let tags: [String]
    let schedule: String?
    let timezone: String
    let is_paused: Bool
    let next_run_at: String?
    let catchup: Bool
    let start_date: String?
    let max_active_runs: Int
    let max_active_tasks: Int
    let params: [String: JSONValue]
    /// What a param means, for the params that have a description.
    let param_descriptions: [String: String]
    let tasks: [TaskDTO]
    let edges: [EdgeDTO]
}

extension TaskDTO {
    init(_ t: TaskSpec, downstream: [String]) {
        task_id = t.id
        kind = t.kind
        upstream = t.upstream
        self.downstream = downstream
        trigger_rule = t.triggerRule.rawValue
        retries = t.retry.retries
        retry_delay_seconds = t.retry.delay
        execution_timeout_seconds = t.executionTimeout
        isolation = t.isolation.rawValue
        pool = t.pool
        doc = t.doc
    }
}

extension DAGDetailDTO {
    init(_ dag: DAG, record: DAGRecord?) {
        let down = dag.downstream
        dag_id = dag.id
        description = dag.description
        owner = dag.owner
        tags = dag.tags
        schedule = dag.schedule
        timezone = dag.timeZone
        is_paused = record?.isPaused ?? false
        next_run_at = APIDate.format(record?.nextRunAt)
        catchup = dag.catchup
        start_date = APIDate.format(dag.startDate)
        max_active_runs = dag.maxActiveRuns
        max_active_tasks = dag.maxActiveTasks
        params = dag.params
        param_descriptions = dag.paramDescriptions.filter { dag.params[$0.key] != nil }
        tasks = dag.tasks.map { TaskDTO($0, downstream: down[$0.id] ?? []) }
        edges = dag.edges.map { EdgeDTO(from: $0.0, to: $0.1) }
    }
}
