import Foundation
import OrchCore

/// Small conversions from orch's values to the JSON Airflow's models expect: nullable dates, states, the task
/// instance id (a UUID in Airflow).
enum AirflowValues {
    /// The bundle name every DAG reports: orch's DAGs are compiled into one bundle, the `dags/` package.
    static let bundleName = "dags"

    static func date(_ date: Date?) -> JSONValue { date.map { .string(APIDate.format($0)) } ?? .null }
    static func string(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
    static func int(_ n: Int?) -> JSONValue { n.map { .number(Double($0)) } ?? .null }
    static func int(_ n: Int) -> JSONValue { .number(Double(n)) }

    /// Seconds between two dates, when both are known.
    static func duration(_ start: Date?, _ end: Date?) -> JSONValue {
        guard let start, let end else { return .null }
        return .number(((end.timeIntervalSince(start)) * 1000).rounded() / 1000)
    }

    /// Airflow has no `none` task state: a task that has not been scheduled has state null.
    static func state(_ state: TaskState) -> JSONValue {
        if state == .blockedByCheck { return .string(TaskState.upstreamFailed.rawValue) }   // Airflow has no such state
        return state == .none ? .null : .string(state.rawValue)
    }

    /// How a run was started, in Airflow's words; orch does not record whether a manual run came from the CLI, the
    /// API or the dashboard, so that is null.
    static func triggeredBy(_ type: RunType) -> JSONValue {
        switch type {
        case .scheduled: return "timetable"
        case .backfill: return "backfill"
        case .manual: return .null
        }
    }

    /// Airflow's name for a task's kind of work.
    static func operatorName(_ task: TaskSpec?) -> JSONValue {
        guard let task else { return .null }
        switch task.action {
        case .swift: return "SwiftTask"
        case .shell: return "ShellTask"
        }
    }

    /// A stable UUID for the task instance (run primary key, task id): Airflow identifies task instances by UUID;
    /// orch by (run, task). The same task instance always gets the same id.
    static func taskInstanceId(runPk: Int64, taskId: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in taskId.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let high = UInt32(truncatingIfNeeded: hash >> 32)
        let mid = UInt16(truncatingIfNeeded: hash >> 16) & 0x0fff
        let low = UInt16(truncatingIfNeeded: hash) & 0x0fff
        let run = UInt64(bitPattern: runPk) & 0xffff_ffff_ffff
        return String(format: "%08x-%04x-4%03x-8%03x-%012llx", high, UInt16(truncatingIfNeeded: hash >> 48), mid, low, run)
    }
}
