import Foundation

/// A task's body.
public enum TaskAction: Sendable {
    /// Swift code.
    case swift(@Sendable (TaskContext) async throws -> Void)
    /// A shell command run with `/bin/sh -c`; exit code 0 is success. Environment gets ORCH_* variables.
    case shell(String)
}

/// Where an attempt runs.
public enum Isolation: String, Sendable, Codable {
    /// A child process: the `orch` binary re-executed (default). Crashes and hangs stay there.
    case process
    /// Inside the worker's process, for trusted, light tasks. Timeouts cancel cooperatively.
    case inProcess = "in_process"
}

/// Arguments shared by the tasks of a DAG unless a task says otherwise (Airflow's default_args).
public struct TaskDefaults: Sendable {
    public var retry: RetryPolicy
    public var executionTimeout: Double?
    public var isolation: Isolation
    public var triggerRule: TriggerRule
    public var pool: String
    public var owner: String?
    /// The worker queue of the tasks (``TaskSpec/queue``).
    public var queue: String

    public init(retries: Int = 0, retryDelay: Double = 300, exponentialBackoff: Bool = false,
                maxRetryDelay: Double = 86_400, executionTimeout: Double? = nil, isolation: Isolation = .process,
                triggerRule: TriggerRule = .allSuccess, pool: String = "default_pool", owner: String? = nil,
                queue: String = TaskSpec.defaultQueue) {
        self.queue = queue
        self.retry = RetryPolicy(retries: retries, delay: retryDelay, exponentialBackoff: exponentialBackoff,
                                 maxDelay: maxRetryDelay)
        self.executionTimeout = executionTimeout
        self.isolation = isolation
        self.triggerRule = triggerRule
        self.pool = pool
        self.owner = owner
    }
}

/// One task of a DAG, fully resolved (defaults applied). `Codable` so that a bundle's `describe` manifest carries
/// every field (a Swift body is written as its kind only: it runs in the bundle executable).
///
/// The settings most tasks of a DAG share (trigger rule, retries, timeouts, pool, queue, doc, assets) are kept in
/// one immutable box that tasks with equal settings share (``TaskSettings``): a scheduler holding the manifests of
/// thousands of tasks, and the bundle process holding their bodies, store each distinct set once instead of ~140
/// bytes per task. The properties read and write as plain fields; a write gives the task a box of its own.
public struct TaskSpec: Sendable {
    public let id: String
    public var action: TaskAction
    public var upstream: [String]
    /// Checks of the assets this task writes, run right after its body succeeds (attached by the DAG).
    public var checks: [AssetCheck] = []
    var settings: TaskSettingsBox

    public var triggerRule: TriggerRule {
        get { settings.value.triggerRule }
        set { change(\.triggerRule, to: newValue) }
    }
    public var retry: RetryPolicy { get { settings.value.retry } set { change(\.retry, to: newValue) } }
    /// Seconds; nil = no limit.
    public var executionTimeout: Double? {
        get { settings.value.executionTimeout }
        set { change(\.executionTimeout, to: newValue) }
    }
    public var isolation: Isolation { get { settings.value.isolation } set { change(\.isolation, to: newValue) } }
    public var pool: String { get { settings.value.pool } set { change(\.pool, to: newValue) } }
    public var poolSlots: Int { get { settings.value.poolSlots } set { change(\.poolSlots, to: newValue) } }
    public var doc: String { get { settings.value.doc } set { change(\.doc, to: newValue) } }
    /// Alert when an attempt runs longer than this many seconds (deadline alert); nil = none.
    public var runningLimit: Double? {
        get { settings.value.runningLimit }
        set { change(\.runningLimit, to: newValue) }
    }
    /// Assets this task reads and writes (URIs; see ``AssetURI``). A successful attempt materializes every outlet.
    public var assets: TaskAssets { get { settings.value.assets } set { change(\.assets, to: newValue) } }
    /// The worker queue the task runs on (nil: `default`). The scheduler's own workers serve the queues it is
    /// told to (`default` unless configured); every other queue is offered to remote workers (`orch worker
    /// --queue`). Optional so that manifests of bundles built before queues existed still decode.
    public var queue: String? { get { settings.value.queue } set { change(\.queue, to: newValue) } }

    /// Queue of the tasks that name none.
    public static let defaultQueue = "default"
    /// The queue this task runs on.
    public var queueName: String { queue ?? Self.defaultQueue }

    public init(id: String, action: TaskAction, upstream: [String] = [], triggerRule: TriggerRule = .allSuccess,
                retry: RetryPolicy = RetryPolicy(), executionTimeout: Double? = nil, isolation: Isolation = .process,
                pool: String = "default_pool", poolSlots: Int = 1, doc: String = "", runningLimit: Double? = nil,
                assets: TaskAssets = TaskAssets()) {
        self.id = id
        self.action = action
        self.upstream = upstream
        self.settings = TaskSettingsBox(TaskSettings(
            triggerRule: triggerRule, retry: retry, executionTimeout: executionTimeout, isolation: isolation,
            pool: pool, poolSlots: poolSlots, doc: doc, runningLimit: runningLimit, assets: assets, queue: nil))
    }

    init(id: String, action: TaskAction, upstream: [String], checks: [AssetCheck], settings: TaskSettings) {
        self.id = id
        self.action = action
        self.upstream = upstream
        self.checks = checks
        self.settings = TaskSettingsBox(settings)
    }

    /// A write to one setting: the box is replaced, never changed, since other tasks may share it.
    private mutating func change<Value: Equatable>(_ setting: WritableKeyPath<TaskSettings, Value>, to value: Value) {
        guard settings.value[keyPath: setting] != value else { return }
        var changed = settings.value
        changed[keyPath: setting] = value
        settings = TaskSettingsBox(changed)
    }

    public var kind: String {
        if case .shell = action { return "shell" }
        return "swift"
    }
}
