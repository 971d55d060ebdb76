/// The settings of a task that most tasks of a DAG have in common, stored once per distinct value (``TaskSpec``).
struct TaskSettings: Sendable, Hashable {
    var triggerRule: TriggerRule
    var retry: RetryPolicy
    var executionTimeout: Double?
    var isolation: Isolation
    var pool: String
    var poolSlots: Int
    var doc: String
    var runningLimit: Double?
    var assets: TaskAssets
    var queue: String?
}

/// An immutable ``TaskSettings``, shared by every task of a DAG that has the same one.
final class TaskSettingsBox: Sendable {
    let value: TaskSettings
    init(_ value: TaskSettings) { self.value = value }
}

extension Array where Element == TaskSpec {
    /// These tasks, in a buffer of their own size, with equal settings held in one box: what a DAG keeps once
    /// declared or decoded (a 1,000-task DAG of default tasks then holds one box instead of a thousand).
    func sharingSettings() -> [TaskSpec] {
        var boxes: [TaskSettings: TaskSettingsBox] = [:]
        var shared: [TaskSpec] = []
        shared.reserveCapacity(count)
        for var task in self {
            if let box = boxes[task.settings.value] {
                task.settings = box
            } else {
                boxes[task.settings.value] = task.settings
            }
            shared.append(task)
        }
        return shared
    }
}
