import Foundation
import Testing
@testable import OrchCore

@Suite("Named connections")
struct NamedConnectionsTests {
    let defaults = [ConnectionDefault("warehouse", url: "postgresql://orch:orch@127.0.0.1/orch")]

    @Test("environment beats the file, the file beats ORCH_WAREHOUSE_DSN, which beats the bundle's default")
    func precedence() throws {
        let file = Data(#"{"warehouse": "postgresql://file@h/db", "reports": {"url": "host=r dbname=rep"}}"#.utf8)
        let env = ["ORCH_WAREHOUSE_DSN": "postgresql://legacy@h/db", "ORCH_CONN_WAREHOUSE": "postgresql://env@h/db"]
        #expect(try NamedConnections(environment: env, configFile: file, defaults: defaults)
            .resolve("warehouse") == .init(name: "warehouse", url: "postgresql://env@h/db", source: "env ORCH_CONN_WAREHOUSE"))
        let fromFile = try NamedConnections(environment: ["ORCH_WAREHOUSE_DSN": "x"], configFile: file, defaults: defaults)
        #expect(fromFile.resolve("warehouse")?.url == "postgresql://file@h/db")
        #expect(fromFile.resolve("reports")?.url == "host=r dbname=rep")
        #expect(try NamedConnections(environment: ["ORCH_WAREHOUSE_DSN": "postgresql://legacy@h/db"], defaults: defaults)
            .resolve("warehouse")?.source == "env ORCH_WAREHOUSE_DSN")
        #expect(try NamedConnections(environment: [:], defaults: defaults).resolve("warehouse")?.source
            == "default declared by the DAG bundle")
        #expect(try NamedConnections(environment: ["ORCH_CONN_SALES_DB": "host=s"]).names == ["sales_db"])
    }

    @Test("a malformed connections.json is a clear error")
    func malformed() {
        #expect(throws: ConnectionsError("ORCH_HOME/connections.json: 'w' must be a connection string or {\"url\": \"…\"}")) {
            try NamedConnections(environment: [:], configFile: Data(#"{"w": 5}"#.utf8))
        }
        #expect(throws: ConnectionsError("ORCH_HOME/connections.json is not a JSON object of name → connection string")) {
            try NamedConnections(environment: [:], configFile: Data("[1]".utf8))
        }
    }

    @Test("redacted hides the password in both forms")
    func redacted() {
        #expect(NamedConnections.redacted("postgresql://orch:s3cret@h:5432/db") == "postgresql://orch:***@h:5432/db")
        #expect(!NamedConnections.redacted("host=h password=s3cret dbname=db").contains("s3cret"))
    }
}
