import Foundation
import OrchCore
import OrchRuntime
import OrchStore

/// Settings from `ORCH_HOME/orch.json` with environment variables over them.
struct Settings: Codable {
    var dagsArePausedAtCreation = false
    var workerSlots: Int?
    /// Days of finished runs the scheduler keeps (nil: keep everything); see `orch db clean`.
    var retentionDays: Int?
    /// DAG bundles to load (folders or executables); see `BundleSelection`.
    var bundles: [String]?
    /// Whether DAGs tagged `example` are listed and scheduled (Airflow's load_examples; nil: true).
    var loadExamples: Bool?
    /// The queues the scheduler's own worker pool serves (nil: `default`); tasks of other queues wait for remote
    /// workers (`orch worker`). `--queues` of `orch scheduler`/`orch serve` wins.
    var queues: [String]?
    /// Seconds without a heartbeat after which a remote worker's lease is lost (nil: 30).
    var leaseTimeout: Double?

    static func load(_ home: OrchHome) -> Settings {
        var s = Settings()
        if let data = FileManager.default.contents(atPath: home.configPath),
           let file = try? JSONDecoder().decode(Settings.self, from: data) { s = file }
        let env = ProcessInfo.processInfo.environment
        if let v = env["ORCH_DAGS_ARE_PAUSED_AT_CREATION"] { s.dagsArePausedAtCreation = ["1", "true", "yes"].contains(v.lowercased()) }
        if let v = env["ORCH_WORKER_SLOTS"], let n = Int(v), n > 0 { s.workerSlots = n }
        if let v = env["ORCH_LOAD_EXAMPLES"] { s.loadExamples = ["1", "true", "yes"].contains(v.lowercased()) }
        if let v = env["ORCH_QUEUES"] { s.queues = QueueList.parse(v) }
        if let v = env["ORCH_LEASE_TIMEOUT"], let n = Double(v), n > 0 { s.leaseTimeout = n }
        if let v = env["ORCH_RETENTION_DAYS"], let n = Int(v), n >= 0 { s.retentionDays = n }
        return s
    }

    var examplesLoaded: Bool { loadExamples ?? true }

    /// The remote-worker settings of the scheduler, `--queues` first.
    func remoteBoard(queuesOption: String?) -> RemoteAttemptBoard.Configuration {
        let queues = queuesOption.map(QueueList.parse) ?? self.queues ?? [TaskSpec.defaultQueue]
        return RemoteAttemptBoard.Configuration(localQueues: Set(queues), leaseTimeout: leaseTimeout ?? 30)
    }

    var slots: Int { workerSlots ?? ProcessInfo.processInfo.activeProcessorCount }
}
