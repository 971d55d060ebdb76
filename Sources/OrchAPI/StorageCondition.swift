import Foundation

/// Whether ORCH_HOME's file system can take writes, as `/health` reports it and as state-changing requests are
/// refused (507) while it cannot.
public enum StorageCondition: Sendable, Equatable {
    case ok(freeBytes: UInt64?)
    case full(freeBytes: UInt64?, reason: String)

    public var isFull: Bool { if case .full = self { true } else { false } }

    /// The sentence that says why writes are refused; nil when they are not.
    public var reason: String? { if case .full(_, let r) = self { r } else { nil } }

    public var freeBytes: UInt64? {
        switch self {
        case .ok(let free): free
        case .full(let free, _): free
        }
    }

    /// Below this much free space ORCH_HOME counts as full: SQLite needs room for its journal and each task for
    /// its log.
    public static let minimumFreeBytes: UInt64 = 1 << 20
    /// A write that failed for lack of space keeps the condition `full` this long, even if a little space shows up.
    public static let failureMemorySeconds: Double = 10

    /// The decision, pure: free space under `folder` (nil if unknown) and the last write that failed for lack of
    /// space (when, and SQLite's message), at time `now`.
    public static func assess(freeBytes: UInt64?, folder: String, lastFullWrite: (at: Date, message: String)?,
                              now: Date) -> StorageCondition {
        if let free = freeBytes, free < minimumFreeBytes {
            return .full(freeBytes: free, reason: "no space left on the file system of \(folder) (\(free) bytes free, "
                + "orch needs at least \(minimumFreeBytes)); free space there, orch resumes by itself")
        }
        if let last = lastFullWrite, now.timeIntervalSince(last.at) < failureMemorySeconds {
            return .full(freeBytes: freeBytes, reason: "a write to the state database under \(folder) failed "
                + "\(Int(now.timeIntervalSince(last.at))) s ago: \(last.message); free space there, orch resumes by itself")
        }
        return .ok(freeBytes: freeBytes)
    }
}
