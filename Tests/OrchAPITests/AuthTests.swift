import Foundation
import OrchAPI
import Testing

/// Every state change needs `Authorization: Bearer <token>`; reads do not.
@Suite struct AuthTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    var changes: [(String, String, String)] {
        [("POST", "/api/v1/dags/etl/runs", "{}"),
         ("PATCH", "/api/v1/dags/etl", "{\"is_paused\": true}"),
         ("PATCH", "/api/v1/dags/etl/runs/\(esc(app.failed.runId))", "{\"state\": \"success\"}"),
         ("POST", "/api/v1/dags/etl/runs/\(esc(app.failed.runId))/clear", "{}")]
    }

    @Test func changesWithoutTokenAre401AndChangeNothing() throws {
        for (method, path, body) in changes {
            for token: String? in [nil, "wrong-token", testToken + "x", String(testToken.dropLast()), ""] {
                let response = try app.send(method, path, json: body, token: token)
                #expect(response.status == 401, "\(method) \(path) token \(token ?? "none")")
                #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
                #expect(try response.json()["status"] as? Int == 401)
                #expect(!response.text.contains(testToken))
            }
        }
        #expect(try app.get("/api/v1/dags/etl/runs").json()["total_entries"] as? Int == 3)
        #expect(try app.get("/api/v1/dags/etl").json()["is_paused"] as? Bool == false)
        #expect((try app.get("/api/v1/dags/etl/runs/\(esc(app.failed.runId))").json()["run"] as? [String: Any])?["state"]
            as? String == "failed")
    }

    @Test func otherSchemesAreRefused() throws {
        let response = try app.client.send(.init(method: "POST", url: app.base + "/api/v1/dags/etl/runs",
                                                 headers: [("Authorization", "Basic \(testToken)")], body: []))
        #expect(response.status == 401)
    }

    @Test func tokenComparison() {
        let token = APIToken("abc123")
        #expect(token.accepts(authorization: "Bearer abc123"))
        #expect(!token.accepts(authorization: "Bearer abc1234"))
        #expect(!token.accepts(authorization: "Bearer abc12"))
        #expect(!token.accepts(authorization: "bearer abc123"))
        #expect(!token.accepts(authorization: nil))
    }

    @Test func tokenIsGeneratedOnceWithMode0600() throws {
        let path = NSTemporaryDirectory() + "orch-token-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try APIToken.load(environment: [:], path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.count == 64)
        #expect(first.accepts(authorization: "Bearer \(text)"))
        let second = try APIToken.load(environment: [:], path: path)
        #expect(second.accepts(authorization: "Bearer \(text)"))
        let fromEnv = try APIToken.load(environment: ["ORCH_API_TOKEN": "env-token"], path: path)
        #expect(fromEnv.accepts(authorization: "Bearer env-token"))
        #expect(!fromEnv.accepts(authorization: "Bearer \(text)"))
    }
}
