import Foundation
import OrchStore

struct AuditEntryDTO: Codable, Sendable {
    let id: Int64
    let at: String?
    let actor: String
    let role: String?
    let action: String
    let target: [String: String]
    let source: String
    let status: Int?

    init(_ r: AuditRecord) {
        id = r.id
        at = APIDate.format(r.at)
        actor = r.entry.actor
        role = r.entry.role?.rawValue
        action = r.entry.action
        target = r.entry.target
        source = r.entry.source
        status = r.entry.status
    }
}

struct AuditPageDTO: Codable, Sendable {
    let entries: [AuditEntryDTO]
    let total_entries: Int
    let limit: Int
    let offset: Int
}

/// A token as listed: never its secret nor its hash.
struct TokenDTO: Codable, Sendable {
    let name: String
    let role: String
    let created_at: String?
    let created_by: String
    let revoked_at: String?

    init(_ t: TokenRecord) {
        name = t.name
        role = t.role.rawValue
        created_at = APIDate.format(t.createdAt)
        created_by = t.createdBy
        revoked_at = APIDate.format(t.revokedAt)
    }
}

struct TokenListDTO: Codable, Sendable {
    let tokens: [TokenDTO]
}

/// The answer to creating a token: the only time its secret is shown.
struct CreatedTokenDTO: Codable, Sendable {
    let name: String
    let role: String
    let token: String
}
