/// The blocking rule: a task may not run while an asset it reads has a failed error-severity check in its run.
public enum CheckBlocking {
    /// A failed error check of a run: the asset it belongs to and its name.
    public struct FailedCheck: Sendable, Hashable {
        public var asset: String
        public var name: String
        public init(asset: String, name: String) { self.asset = asset; self.name = name }
    }

    /// Why `inlets` may not be read, or nil when nothing blocks them. Names every blocking check, sorted.
    public static func reason(inlets: [String], failed: [FailedCheck]) -> String? {
        let reading = Set(inlets)
        let blocking = Set(failed.filter { reading.contains($0.asset) }).sorted { ($0.asset, $0.name) < ($1.asset, $1.name) }
        guard !blocking.isEmpty else { return nil }
        return "blocked by check " + blocking.map { "'\($0.name)' on \($0.asset)" }.joined(separator: ", ") + " (error)"
    }
}
