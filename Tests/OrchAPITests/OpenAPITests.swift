import Foundation
import OrchAPI
import OrchCore
import Testing

/// The OpenAPI document lists exactly the real routes, and real responses carry the fields it requires.
@Suite struct OpenAPITests {
    let app: TestApp
    let document: [String: Any]

    init() throws {
        // One Insights dashboard whose panel needs PostgreSQL (ORCH_TEST_PG) but no warehouse table.
        let probe = Dashboard("probe", title: "Probe", panels: [
            Panel("days", title: "Days", kind: .kpi, sql: "SELECT $2::date - $1::date AS days",
                  reads: [AssetRead("gold.t", producedBy: "etl", "load")]),
        ])
        let pg = ProcessInfo.processInfo.environment["ORCH_TEST_PG"] ?? "postgresql://orch:orch@127.0.0.1:5432/orch_test"
        let connections = try NamedConnections(environment: ["ORCH_CONN_WAREHOUSE": pg])
        app = try TestApp { $0.insights = InsightsConfiguration(dashboards: [probe], connections: connections) }
        document = try app.get("/api/v1/openapi.json").json()
    }

    var paths: [String: [String: Any]] { document["paths"] as? [String: [String: Any]] ?? [:] }

    @Test func isOpenAPI3() {
        #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
        #expect((document["servers"] as? [[String: String]])?.first?["url"] == "/api/v1")
    }

    @Test func documentsEveryRouteAndNothingElse() {
        let real = Set(app.server.routes.filter { $0.pattern.hasPrefix("/api/v1/") }
            .map { "\($0.method.lowercased()) \($0.pattern)" })
        var documented: Set<String> = []
        for (path, operations) in paths {
            for method in operations.keys { documented.insert("\(method) /api/v1\(path)") }
        }
        #expect(real == documented, "undocumented: \(real.subtracting(documented)); not real: \(documented.subtracting(real))")
        #expect(real.count >= 19)
    }

    /// The document is served byte for byte as the file `openapi/v1.json` holds it.
    @Test func isServedAsTheFileHoldsIt() throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: TestApp.repository + "/openapi/v1.json"))
        #expect(try app.get("/api/v1/openapi.json").body == [UInt8](file))
    }

    /// Without the openapi/ folder the route says where to put it instead of serving an empty document.
    @Test func missingFolderIsAnErrorThatSaysWhatToDo() throws {
        let bare = try TestApp { $0.openAPIRoot = NSTemporaryDirectory() + "no-such-openapi-\(UUID().uuidString)" }
        let response = try bare.get("/api/v1/openapi.json")
        #expect(response.status == 500)
        #expect(response.text.contains("cannot read the OpenAPI document"))
    }

    @Test func stateChangingOperationsDeclareTheBearerToken() {
        var checked = 0
        for (path, operations) in paths {
            for (method, op) in operations where method != "get" {
                let security = (op as? [String: Any])?["security"] as? [[String: Any]]
                #expect(security?.first?["bearer"] != nil, "\(method) \(path)")
                checked += 1
            }
        }
        #expect(checked >= 15, "only \(checked) state-changing operations in the document: is it the whole one?")
    }

    /// Fills `{param}` with seeded values and checks the GET response against the documented 200 schema.
    @Test func realResponsesCarryTheDocumentedFields() throws {
        let alertId = try #require((try app.get("/api/v1/alerts").json()["alerts"] as? [[String: Any]])?.first?["id"] as? Int)
        let values = ["dag_id": "etl", "run_id": esc(app.failed.runId), "task_id": "transform_a", "try_number": "1",
                      "alert_id": String(alertId), "dashboard_id": "probe", "panel_id": "days", "asset_id": "1"]
        var checked = 0
        // The worker API's reads need a current lease or a loaded bundle's hash: RemoteWorkerCLITests covers them.
        for (path, operations) in paths where path != "/openapi.json" && !path.hasPrefix("/worker/") {
            guard let op = operations["get"] as? [String: Any] else { continue }
            var url = "/api/v1" + path
            for (name, value) in values { url = url.replacingOccurrences(of: "{\(name)}", with: value) }
            // With the admin token: /audit and /tokens are not open reads.
            let response = try app.send("GET", url)
            #expect(response.status == 200, "GET \(url)")
            let schema = try #require(responseSchema(op, "200"), "GET \(path) documents no 200 schema")
            let body = try JSONSerialization.jsonObject(with: Data(response.body))
            check(body, against: schema, at: "GET \(path)")
            checked += 1
        }
        #expect(checked >= 14)
    }

    @Test func changeResponsesCarryTheDocumentedFields() throws {
        let cases: [(String, String, String, String, String)] = [
            ("post", "/dags/{dag_id}/runs", "/api/v1/dags/etl/runs", #"{"conf": {}}"#, "201"),
            ("patch", "/dags/{dag_id}", "/api/v1/dags/etl", #"{"is_paused": false}"#, "200"),
            ("patch", "/dags/{dag_id}/runs/{run_id}/tasks/{task_id}",
             "/api/v1/dags/etl/runs/\(esc(app.failed.runId))/tasks/transform_a", #"{"state": "success"}"#, "200"),
            ("post", "/auth/check", "/api/v1/auth/check", "", "200"),
            ("post", "/dags/{dag_id}/runs/{run_id}/clear", "/api/v1/dags/etl/runs/\(esc(app.failed.runId))/clear", "{}", "200"),
            ("patch", "/dags/{dag_id}/runs/{run_id}", "/api/v1/dags/etl/runs/\(esc(app.running.runId))", #"{"state": "failed"}"#, "200"),
            ("post", "/dags/{dag_id}/tasks/bulk-clear", "/api/v1/dags/etl/tasks/bulk-clear",
             #"{"task_ids": ["load"], "dry_run": true}"#, "200"),
            ("post", "/dags/{dag_id}/runs/bulk-mark", "/api/v1/dags/etl/runs/bulk-mark",
             #"{"state": "success", "run_states": ["failed"]}"#, "200"),
        ]
        for (method, path, url, body, status) in cases {
            let response = try app.send(method.uppercased(), url, json: body)
            #expect(String(response.status) == status, "\(method) \(url): \(response.text)")
            let op = try #require(paths[path]?[method] as? [String: Any])
            let schema = try #require(responseSchema(op, status))
            check(try JSONSerialization.jsonObject(with: Data(response.body)), against: schema, at: "\(method) \(path)")
        }
        // Errors follow the documented Error schema too.
        let error = try app.get("/api/v1/dags/ghost")
        let errorSchema = try #require(resolve(["$ref": "#/components/schemas/Error"]))
        check(try JSONSerialization.jsonObject(with: Data(error.body)), against: errorSchema, at: "error")
    }

    func responseSchema(_ op: [String: Any], _ status: String) -> [String: Any]? {
        let response = (op["responses"] as? [String: Any])?[status] as? [String: Any]
        let content = (response?["content"] as? [String: Any])?["application/json"] as? [String: Any]
        return (content?["schema"] as? [String: Any]).flatMap(resolve)
    }

    func resolve(_ schema: [String: Any]) -> [String: Any]? {
        guard let ref = schema["$ref"] as? String else { return schema }
        let name = String(ref.split(separator: "/").last ?? "")
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        return schemas?[name] as? [String: Any]
    }

    /// Required fields are present; every present documented field has the documented JSON type; no field is
    /// returned that the document does not describe. Recurses into objects and the elements of arrays.
    func check(_ value: Any, against schema: [String: Any], at place: String) {
        if value is NSNull {
            #expect(schema["nullable"] as? Bool == true, "\(place) is null but not nullable")
            return
        }
        guard let schema = resolve(schema) else { Issue.record("\(place): unresolvable schema"); return }
        switch schema["type"] as? String {
        case "object":
            guard let object = value as? [String: Any] else { Issue.record("\(place) is not an object"); return }
            guard let properties = schema["properties"] as? [String: [String: Any]] else { return }
            for name in schema["required"] as? [String] ?? [] {
                #expect(object[name] != nil, "\(place) lacks required field '\(name)'")
            }
            for (name, field) in object {
                guard let fieldSchema = properties[name] else {
                    Issue.record("\(place) returns undocumented field '\(name)'")
                    continue
                }
                check(field, against: fieldSchema, at: "\(place).\(name)")
            }
        case "array":
            guard let array = value as? [Any] else { Issue.record("\(place) is not an array"); return }
            if let items = schema["items"] as? [String: Any] {
                for (i, element) in array.prefix(3).enumerated() { check(element, against: items, at: "\(place)[\(i)]") }
            }
        case "string": #expect(value is String, "\(place) is not a string")
        case "integer": #expect(value as? Int != nil, "\(place) is not an integer")
        case "number": #expect(value as? Double != nil || value as? Int != nil, "\(place) is not a number")
        case "boolean": #expect(value as? Bool != nil, "\(place) is not a boolean")
        default: break
        }
    }
}
