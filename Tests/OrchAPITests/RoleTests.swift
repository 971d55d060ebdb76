import Foundation
import OrchAPI
import OrchStore
import Testing

/// Named tokens and their roles over real HTTP on loopback, against a real SQLite file: viewer reads, operator
/// changes runs and DAGs, admin manages tokens; a revoked token is refused; the legacy token is an admin.
@Suite struct RoleTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    /// Creates a token through the API with the legacy (admin) token and returns its secret.
    func create(_ name: String, _ role: Role) throws -> String {
        let response = try app.send("POST", "/api/v1/tokens", json: #"{"name": "\#(name)", "role": "\#(role.rawValue)"}"#)
        #expect(response.status == 201, "\(response.text)")
        return try #require(try response.json()["token"] as? String)
    }

    @Test func viewerReadsButCannotChangeAnything() throws {
        let viewer = try create("dash", .viewer)
        for (method, path, body) in [("POST", "/api/v1/dags/etl/runs", "{}"),
                                     ("PATCH", "/api/v1/dags/etl", #"{"is_paused": true}"#),
                                     ("POST", "/api/v1/dags/etl/runs/\(esc(app.failed.runId))/clear", "{}")] {
            let response = try app.send(method, path, json: body, token: viewer)
            #expect(response.status == 403, "\(method) \(path): \(response.text)")
            #expect(response.text.contains("viewer"))
        }
        #expect(try app.send("GET", "/api/v1/dags/etl/runs", token: viewer).status == 200)
        #expect(try app.send("GET", "/api/v1/audit", token: viewer).status == 403)
        #expect(try app.get("/api/v1/dags/etl/runs").json()["total_entries"] as? Int == 3)
    }

    @Test func operatorTriggersButCannotManageTokens() throws {
        let op = try create("ops", .operator)
        let triggered = try app.send("POST", "/api/v1/dags/etl/runs", json: #"{"conf": {"k": 1}}"#, token: op)
        #expect(triggered.status == 201, "\(triggered.text)")
        #expect(try app.send("PATCH", "/api/v1/dags/etl", json: #"{"is_paused": true}"#, token: op).status == 200)
        #expect(try app.send("GET", "/api/v1/audit", token: op).status == 200)
        let refused = try app.send("POST", "/api/v1/tokens", json: #"{"name": "sneaky", "role": "admin"}"#, token: op)
        #expect(refused.status == 403)
        #expect(try app.send("GET", "/api/v1/tokens", token: op).status == 403)
        #expect(try app.send("DELETE", "/api/v1/tokens/ops", token: op).status == 403)
        #expect(try app.store.tokens().map(\.name) == ["ops"])
    }

    @Test func revokedTokenIsRefusedWith401() throws {
        let op = try create("ci", .operator)
        #expect(try app.send("PATCH", "/api/v1/dags/etl", json: #"{"is_paused": true}"#, token: op).status == 200)
        #expect(try app.send("DELETE", "/api/v1/tokens/ci").status == 204)
        let after = try app.send("PATCH", "/api/v1/dags/etl", json: #"{"is_paused": false}"#, token: op)
        #expect(after.status == 401)
        #expect(after.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(try app.send("DELETE", "/api/v1/tokens/ci").status == 404)
        #expect(try app.get("/api/v1/dags/etl").json()["is_paused"] as? Bool == true)
    }

    @Test func legacyTokenIsAdmin() throws {
        let listed = try app.send("GET", "/api/v1/tokens")
        #expect(listed.status == 200)
        _ = try create("second-admin", .admin)
        let tokens = try #require(try app.send("GET", "/api/v1/tokens").json()["tokens"] as? [[String: Any]])
        #expect(tokens.map { $0["role"] as? String } == ["admin"])
        #expect(!(try app.send("GET", "/api/v1/tokens").text.contains("token_hash")))
    }

    @Test func tokensAreStoredHashedAndNamesAreUnique() throws {
        let secret = try create("hashed", .viewer)
        let stored = try #require(try app.store.tokens().first)
        #expect(stored.tokenHash == TokenSecret.hash(secret))
        #expect(stored.tokenHash != secret && stored.tokenHash.count == 64)
        if !app.onPostgres {   // on PostgreSQL the stored row is read above: its hash only
            let raw = try String(contentsOfFile: app.home.databasePath, encoding: .isoLatin1)
            #expect(!raw.contains(secret))
        }
        #expect(try app.send("POST", "/api/v1/tokens", json: #"{"name": "hashed", "role": "admin"}"#).status == 409)
        #expect(try app.send("POST", "/api/v1/tokens", json: #"{"name": "bad name", "role": "admin"}"#).status == 400)
        #expect(try app.send("POST", "/api/v1/tokens", json: #"{"name": "x", "role": "root"}"#).status == 400)
    }

    @Test(arguments: [(Role.viewer, Role.viewer, true), (.viewer, .operator, false), (.operator, .operator, true),
                      (.operator, .admin, false), (.admin, .operator, true), (.admin, .admin, true)])
    func rolePermits(has: Role, needs: Role, allowed: Bool) {
        #expect(has.permits(needs) == allowed)
    }

    @Test func constantTimeEqual() {
        #expect(TokenSecret.constantTimeEqual("abc", "abc"))
        #expect(!TokenSecret.constantTimeEqual("abc", "abd"))
        #expect(!TokenSecret.constantTimeEqual("abc", "abcd"))
        #expect(!TokenSecret.constantTimeEqual("", "a"))
    }
}
