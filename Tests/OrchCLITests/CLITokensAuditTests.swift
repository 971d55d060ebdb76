import Foundation
import Testing

/// `orch tokens` and the CLI's side of the audit log, through the real binary on a real SQLite file.
@Suite struct CLITokensAuditTests {
    @Test func tokensAreCreatedListedAndRevoked() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let created = try s.run("tokens", "create", "--role", "operator", "--name", "ci-deploy")
        #expect(created.status == 0, "\(created.output)")
        let secret = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("orch_") && secret.count == 69)
        #expect(created.stderr.contains("shown only now"))
        let listed = try s.run("tokens", "list")
        #expect(listed.stdout.contains("ci-deploy") && listed.stdout.contains("operator"))
        #expect(!listed.stdout.contains(secret))
        let row = try #require(try s.database().queryOne("SELECT * FROM api_token WHERE name = 'ci-deploy'"))
        #expect(row["token_hash"].string?.count == 64 && row["token_hash"].string != secret)
        #expect(try s.run("tokens", "create", "--role", "admin", "--name", "ci-deploy").status != 0)
        #expect(try s.run("tokens", "create", "--role", "root", "--name", "x").status != 0)
        let revoked = try s.run("tokens", "revoke", "ci-deploy")
        #expect(revoked.status == 0, "\(revoked.output)")
        #expect(try s.database().queryOne("SELECT revoked_at FROM api_token WHERE name = 'ci-deploy'")?["revoked_at"].double != nil)
        #expect(try s.run("tokens", "revoke", "ci-deploy").status != 0)
    }

    @Test func cliChangesAreAuditedAsTheUnixUser() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        #expect(try s.run("dags", "pause", "example_shell").status == 0)
        let trigger = try s.run("trigger", "example_shell")
        #expect(trigger.status == 0, "\(trigger.output)")
        #expect(try s.run("tokens", "create", "--role", "viewer", "--name", "grafana").status == 0)
        #expect(try s.run("tokens", "revoke", "grafana").status == 0)
        #expect(try s.run("dags", "list").status == 0)   // a read: not audited
        let rows = try s.database().query("SELECT * FROM audit_log ORDER BY id")
        #expect(rows.map { $0["action"].string ?? "" } == ["dag.pause", "run.trigger", "token.create", "token.revoke"])
        let user = String(cString: getpwuid(getuid())!.pointee.pw_name)
        for row in rows {
            #expect(row["actor"].string == "cli:\(user)")
            #expect(row["source"].string == "cli")
            #expect(row["role"].isNull)
            #expect(abs((row["at"].double ?? 0) - Date().timeIntervalSince1970) < 120)
        }
        #expect(rows[1]["target"].string?.contains("\"dag_id\":\"example_shell\"") == true)
        #expect(rows[1]["target"].string?.contains("\"run_id\":\"manual__") == true)
        let shown = try s.run("audit")
        #expect(shown.status == 0 && shown.stdout.contains("token.revoke") && shown.stdout.contains("cli:\(user)"))
    }
}
