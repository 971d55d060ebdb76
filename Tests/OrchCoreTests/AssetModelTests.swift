import Foundation
@testable import OrchCore
import Testing

/// Asset URIs, inlets/outlets on tasks, freshness declarations and materialization reports (issue 14).
@Suite struct AssetModelTests {
    @Test(arguments: [
        ("postgres://warehouse/gold.fct_orders", nil),
        ("eventlog://shopstream/orders", nil),
        ("s3+parquet://bucket/key.parquet", nil),
        ("", "may not be empty"),
        ("gold.fct_orders", "needs a scheme"),
        ("Postgres://x/y", "has scheme 'Postgres'"),
        ("1db://x", "has scheme '1db'"),
        ("postgres://", "names nothing after"),
        ("postgres://ware house/t", "space or control character"),
        ("x://" + String(repeating: "a", count: 500), "longer than 500"),
    ] as [(String, String?)])
    func uriRule(uri: String, problem: String?) {
        if let problem {
            #expect(AssetURI.problem(uri)?.contains(problem) == true, "\(uri): \(AssetURI.problem(uri) ?? "nil")")
        } else {
            #expect(AssetURI.problem(uri) == nil)
        }
    }

    @Test func tasksDeclareInletsAndOutletsAndTheDAGListsThem() {
        let dag = DAG("d") { d in
            let a = d.task("a", outlets: ["pg://w/t1", "pg://w/t1"])
            let b = d.shell("b", "true", inlets: ["pg://w/t1"], outlets: ["pg://w/t2"])
            d.freshness("pg://w/t2", .hours(26))
            a >> b
        }
        #expect(dag.task("a")?.assets == TaskAssets(inlets: [], outlets: ["pg://w/t1", "pg://w/t1"]))
        #expect(dag.assetReferences == [
            AssetReference(uri: "pg://w/t1", dagId: "d", taskId: "a", role: .outlet),
            AssetReference(uri: "pg://w/t1", dagId: "d", taskId: "b", role: .inlet),
            AssetReference(uri: "pg://w/t2", dagId: "d", taskId: "b", role: .outlet),
        ])
        #expect(dag.freshness == ["pg://w/t2": FreshnessPolicy(maxAge: 93_600)])
        #expect(DAGValidator.validate(dag).isEmpty)
    }

    @Test func badAssetsAndFreshnessAreReportedAtLoad() {
        let dag = DAG("d") { d in
            d.task("a", inlets: ["nope"], outlets: ["pg://w/t"])
            d.freshness("pg://w/other", .hours(1))
            d.freshness("pg://w/t", FreshnessPolicy(maxAge: 0))
        }
        let messages = DAGValidator.validate(dag).map(\.description)
        #expect(messages.count == 3, "\(messages)")
        #expect(messages.contains("DAG 'd', task 'a': asset URI 'nope' needs a scheme, like postgres://warehouse/gold.fct_orders"))
        #expect(messages.contains("DAG 'd': freshness policy for 'pg://w/other', which no task of this DAG writes"))
        #expect(messages.contains { $0.contains("freshness of 'pg://w/t' must allow more than 0 seconds") })
    }

    @Test func theModelFieldsAreCodable() throws {
        let assets = TaskAssets(inlets: ["a://x"], outlets: ["b://y"])
        #expect(try JSONDecoder().decode(TaskAssets.self, from: JSONEncoder().encode(assets)) == assets)
        let policy = FreshnessPolicy.hours(2)
        #expect(try JSONDecoder().decode(FreshnessPolicy.self, from: JSONEncoder().encode(policy)) == policy)
    }

    @Test func materializationReportRoundTripsAndSumsRows() throws {
        let m = AssetMaterialization(rowsInserted: 3, rowsUpdated: 2, rowsDeleted: 1, rowsUpserted: 4,
                                     extra: ["bytes": 10])
        #expect(m.rowsWritten == 9)
        #expect(try AssetMaterialization(json: m.json) == m)
        #expect(AssetMaterialization(rowCount: 7).rowsWritten == 7)
        #expect(AssetMaterialization().rowsWritten == nil)
        #expect(AssetMaterialization().json == .object([:]))
    }

    @Test(arguments: [
        (JSONValue.array([]), "must be a JSON object"),
        (.object(["rows_inserted": "3"]), "'rows_inserted' must be a whole number"),
        (.object(["rows_deleted": -1]), "'rows_deleted' must be a whole number"),
        (.object(["row_count": 1.5]), "'row_count' must be a whole number"),
    ] as [(JSONValue, String)])
    func badReportsAreRefusedByName(json: JSONValue, message: String) {
        #expect { try AssetMaterialization(json: json) } throws: { "\($0)".contains(message) }
    }

    @Test func theContextReportsThroughXComAndRefusesABadURI() throws {
        let xcom = RecordingXCom()
        let ctx = TaskContext(dagId: "d", taskId: "t", runId: "r", logicalDate: Date(timeIntervalSince1970: 0),
                              dataInterval: DataInterval(start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 86_400)),
                              params: [:], tryNumber: 1, home: "/tmp", logger: SilentLogger(), xcom: xcom)
        try ctx.materialize("pg://w/t", AssetMaterialization(rowsInserted: 5))
        #expect(xcom.values["t/orch.materialization:pg://w/t"] == .object(["rows_inserted": 5]))
        #expect(throws: AssetURIError.self) { try ctx.materialize("no scheme", AssetMaterialization()) }
        #expect(xcom.values.count == 1)
    }
}

final class RecordingXCom: XComAccess, @unchecked Sendable {
    var values: [String: JSONValue] = [:]
    func push(task: String, key: String, value: JSONValue) throws { values["\(task)/\(key)"] = value }
    func pull(task: String, key: String) throws -> JSONValue? { values["\(task)/\(key)"] }
}

struct SilentLogger: TaskLogger { func log(_ message: String) {} }
