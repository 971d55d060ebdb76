import Foundation

/// What changed between two versions of a DAG (`orch dags versions DAG --diff A B`): tasks added and removed,
/// tasks whose upstream tasks changed, tasks changed otherwise (command, retries, timeout, trigger rule…), the
/// schedule, and the DAG's other settings.
public struct DAGDiff: Sendable, Equatable {
    public struct Dependencies: Sendable, Equatable {
        public var taskId: String
        public var before: [String]
        public var after: [String]

        public init(taskId: String, before: [String], after: [String]) {
            self.taskId = taskId
            self.before = before
            self.after = after
        }
    }

    public var added: [String] = []
    public var removed: [String] = []
    public var dependencies: [Dependencies] = []
    /// Tasks in both whose definition changed beyond their upstream tasks.
    public var changed: [String] = []
    /// The schedule, when it changed (nil inside: no schedule).
    public var schedule: (before: String?, after: String?)?
    /// DAG settings other than the schedule that changed (by their manifest key).
    public var settings: [String] = []

    public var isEmpty: Bool {
        added.isEmpty && removed.isEmpty && dependencies.isEmpty && changed.isEmpty && schedule == nil && settings.isEmpty
    }

    public static func == (a: DAGDiff, b: DAGDiff) -> Bool {
        a.added == b.added && a.removed == b.removed && a.dependencies == b.dependencies && a.changed == b.changed
            && a.schedule?.before == b.schedule?.before && a.schedule?.after == b.schedule?.after
            && (a.schedule == nil) == (b.schedule == nil) && a.settings == b.settings
    }

    public init(from old: DAG, to new: DAG) {
        let oldIds = Set(old.tasks.map(\.id)), newIds = Set(new.tasks.map(\.id))
        added = new.tasks.map(\.id).filter { !oldIds.contains($0) }
        removed = old.tasks.map(\.id).filter { !newIds.contains($0) }
        for t in new.tasks {
            guard let before = old.task(t.id) else { continue }
            if Set(before.upstream) != Set(t.upstream) {
                dependencies.append(Dependencies(taskId: t.id, before: before.upstream.sorted(), after: t.upstream.sorted()))
            }
            var a = before, b = t
            a.upstream = []
            b.upstream = []
            if Self.json(a) != Self.json(b) { changed.append(t.id) }
        }
        if old.schedule != new.schedule || old.timeZone != new.timeZone {
            schedule = (old.schedule.map { "\($0) (\(old.timeZone))" }, new.schedule.map { "\($0) (\(new.timeZone))" })
        }
        let a = Self.object(old), b = Self.object(new)
        settings = Set(a.keys).union(b.keys).sorted().filter { key in
            !["tasks", "schedule", "timeZone", "taskIndex"].contains(key) && Self.canonical(a[key]) != Self.canonical(b[key])
        }
    }

    /// A value's canonical JSON (sorted keys), for comparing what the manifest holds.
    static func json<T: Encodable>(_ value: T) -> Data? {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        enc.dateEncodingStrategy = .secondsSince1970
        return try? enc.encode(value)
    }

    static func object(_ dag: DAG) -> [String: Any] {
        json(dag).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
    }

    static func canonical(_ value: Any?) -> Data? {
        guard let value else { return nil }
        return try? JSONSerialization.data(withJSONObject: ["v": value], options: [.sortedKeys])
    }
}
