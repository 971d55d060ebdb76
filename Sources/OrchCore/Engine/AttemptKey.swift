/// One task instance of one run: where an attempt belongs.
public struct AttemptKey: Sendable, Hashable, Comparable {
    public var runPk: Int64
    public var taskId: String

    public init(runPk: Int64, taskId: String) {
        self.runPk = runPk
        self.taskId = taskId
    }

    public static func < (a: AttemptKey, b: AttemptKey) -> Bool { (a.runPk, a.taskId) < (b.runPk, b.taskId) }
}
