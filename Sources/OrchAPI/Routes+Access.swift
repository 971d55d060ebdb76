import Foundation
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    /// `GET /audit`: every state change made through the API or the CLI, newest first. Operators and admins
    /// only: the log names tokens and client addresses, which a viewer has no need to see.
    func addAuditRoutes() {
        get("/audit", cached: false, role: .operator) { request, store in
            let limit = try request.intQuery("limit", default: 50, range: 1...500)
            let offset = try request.intQuery("offset", default: 0, range: 0...10_000_000)
            let action = request.query["action"].flatMap { $0.isEmpty ? nil : $0 }
            let rows = try store.auditLog(limit: limit, offset: offset, action: action)
            return .api(AuditPageDTO(entries: rows.map(AuditEntryDTO.init), total_entries: try store.countAudit(action: action),
                                     limit: limit, offset: offset))
        }
    }

    /// Token management, admin only: list (names and roles, never secrets), create (the secret is in the answer,
    /// once), revoke.
    func addTokenRoutes() {
        get("/tokens", cached: false, role: .admin) { _, store in
            .api(TokenListDTO(tokens: try store.tokens().map(TokenDTO.init)))
        }

        change("POST", "/tokens", role: .admin, action: "token.create") { request, store in
            let body = try request.jsonObject()
            try body.rejectUnknown(allowed: ["name", "role"])
            guard let name = try body.string("name"), TokenName.isValid(name) else {
                throw APIError.badRequest("field 'name': \(TokenName.rule)")
            }
            guard let roleText = try body.string("role"), let role = Role(rawValue: roleText) else {
                throw APIError.badRequest("field 'role' must be viewer, operator, admin or worker")
            }
            let secret = TokenSecret.generate()
            do {
                try store.createToken(name: name, role: role, tokenHash: TokenSecret.hash(secret), createdBy: "api", now: Date())
            } catch let error as TokenError {
                throw APIError.conflict(error.description)
            }
            return .api(201, CreatedTokenDTO(name: name, role: role.rawValue, token: secret))
        }

        change("DELETE", "/tokens/{name}", role: .admin, action: "token.revoke") { request, store in
            let name = request.path("name")
            guard try store.revokeToken(name: name, now: Date()) else {
                throw APIError.notFound("no active token '\(name)'; GET /api/v1/tokens lists them")
            }
            return HTTPResponse(status: 204)
        }
    }
}

/// Token names: what the audit log shows as the actor.
public enum TokenName {
    public static let rule = "a token name is 1-64 letters, digits, '.', '_' or '-', like ci-deploy"

    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name != Principal.legacyName
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}
