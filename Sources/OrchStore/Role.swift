/// What an API token may do. Each role has the rights of the ones before it:
/// viewer reads; operator also triggers, clears, marks, pauses and reads the audit log; admin also manages tokens.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case viewer, `operator`, admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }

    /// True when a token of this role may do what needs `needed`.
    public func permits(_ needed: Role) -> Bool { self >= needed }
}
