import Foundation
import OrchSQLite

/// One API token as stored: its name, role and the SHA-256 of the secret (never the secret).
public struct TokenRecord: Sendable, Hashable {
    public var name: String
    public var role: Role
    public var tokenHash: String
    public var createdAt: Date
    public var createdBy: String
    public var revokedAt: Date?
}

/// A token name or role that cannot be used; the message says what to do.
public struct TokenError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension SQLiteStateStore {
    /// Stores a new token. Names are unique for good (a revoked name stays in the list, so the audit log's names
    /// keep meaning one token).
    public func createToken(name: String, role: Role, tokenHash: String, createdBy: String, now: Date) throws {
        try write {
            if !(try db.query("SELECT 1 FROM api_token WHERE name = ?", [name]).isEmpty) {
                throw TokenError("a token named '\(name)' exists already (or did: names are not reused); choose another name")
            }
            try db.execute("""
                INSERT INTO api_token (name, role, token_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)
                """, [name, role.rawValue, tokenHash, now.unix, createdBy])
        }
    }

    /// Every token, active and revoked, oldest first.
    public func tokens() throws -> [TokenRecord] {
        try locked {
            try db.query("SELECT name, role, token_hash, created_at, created_by, revoked_at FROM api_token ORDER BY created_at, name")
                .map { r in
                    guard let name = r["name"].string, let roleText = r["role"].string, let role = Role(rawValue: roleText),
                          let hash = r["token_hash"].string, let created = r["created_at"].date,
                          let by = r["created_by"].string else {
                        throw TokenError("a row of api_token cannot be read (name \(r["name"].string ?? "?")); the database is damaged")
                    }
                    return TokenRecord(name: name, role: role, tokenHash: hash, createdAt: created, createdBy: by,
                                       revokedAt: r["revoked_at"].date)
                }
        }
    }

    /// Tokens not revoked.
    public func activeTokens() throws -> [TokenRecord] { try tokens().filter { $0.revokedAt == nil } }

    /// Revokes the token `name`; false when there is no active token of that name.
    @discardableResult
    public func revokeToken(name: String, now: Date) throws -> Bool {
        try write {
            try db.execute("UPDATE api_token SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                           [now.unix, name]) > 0
        }
    }
}
