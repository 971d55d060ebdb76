/// What an API token may do. Each of viewer, operator and admin has the rights of the ones before it:
/// viewer reads; operator also triggers, clears, marks, pauses and reads the audit log; admin also manages tokens.
/// `worker` stands apart: a remote worker's token (issue 19) may lease attempts and report on them
/// (`/api/v1/worker/…`) and nothing else, not even reads; admin may do what a worker does.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case viewer, `operator`, admin, worker

    private var rank: Int {
        switch self {
        case .worker: -1
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }

    /// True when a token of this role may do what needs `needed`.
    public func permits(_ needed: Role) -> Bool {
        if needed == .worker { return self == .worker || self == .admin }
        if self == .worker { return false }
        return self >= needed
    }
}
