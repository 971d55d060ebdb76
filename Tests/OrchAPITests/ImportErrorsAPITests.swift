import Foundation
import OrchCore
import Testing

/// `GET /api/v1/importErrors` answers the server's import errors as they are at the request (it is not cached: a
/// fixed bundle's error goes away at the next request).
struct ImportErrorsAPITests {
    @Test func listsTheErrorsAsTheyAreNow() throws {
        let current = Current()
        current.set([BundleImportError(bundle: "/b/team", kind: .invalidDAG, dagId: "etl2", message: "DAG 'etl2': cycle"),
                     BundleImportError(bundle: "/b/gone", kind: .missing, message: "no bundle at /b/gone")])
        let app = try TestApp { $0.importErrors = { current.get() } }
        let first = try app.get("/api/v1/importErrors")
        #expect(first.status == 200)
        let body = try first.json()
        #expect(body["total_entries"] as? Int == 2)
        let errors = try #require(body["import_errors"] as? [[String: Any]])
        #expect(errors.first?["bundle"] as? String == "/b/team" && errors.first?["kind"] as? String == "invalid_dag")
        #expect(errors.first?["dag_id"] as? String == "etl2" && errors.first?["message"] as? String == "DAG 'etl2': cycle")
        #expect(errors.last?["kind"] as? String == "missing")

        current.set([])
        let cleared = try app.get("/api/v1/importErrors").json()
        #expect(cleared["total_entries"] as? Int == 0 && (cleared["import_errors"] as? [Any])?.isEmpty == true)
    }

    @Test func noErrorsByDefault() throws {
        let app = try TestApp()
        #expect(try app.get("/api/v1/importErrors").json()["total_entries"] as? Int == 0)
    }
}

private final class Current: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [BundleImportError] = []
    func set(_ e: [BundleImportError]) { lock.withLock { errors = e } }
    func get() -> [BundleImportError] { lock.withLock { errors } }
}
