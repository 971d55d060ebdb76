import Foundation
import OrchHTTPServer
import OrchStore

/// Who sent a request: the token's name and role. The single legacy token (ORCH_HOME/api-token or
/// ORCH_API_TOKEN) is the admin `api-token`.
struct Principal: Sendable, Hashable {
    static let legacyName = "api-token"
    let name: String
    let role: Role
}

/// Finds the principal of a request's `Authorization: Bearer …` header: the legacy token first, then the named
/// tokens of the database (active ones only), each compared in constant time on the SHA-256 of the secret.
struct Authenticator: Sendable {
    let legacy: APIToken
    let readers: StorePool

    func principal(of request: HTTPRequest) throws -> Principal? {
        let header = request.header("Authorization")
        if legacy.accepts(authorization: header) { return Principal(name: Principal.legacyName, role: .admin) }
        guard let header, header.hasPrefix("Bearer ") else { return nil }
        let given = TokenSecret.hash(String(header.dropFirst(7)))
        let tokens = try readers.with { try $0.activeTokens() }
        var found: TokenRecord?
        for token in tokens where TokenSecret.constantTimeEqual(token.tokenHash, given) { found = token }
        return found.map { Principal(name: $0.name, role: $0.role) }
    }
}
