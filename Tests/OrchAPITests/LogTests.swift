import Foundation
import Testing

/// Logs per try from a byte offset; paths come from the attempt record only.
@Suite struct LogTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    func logPath(_ run: String, _ task: String, _ tryNumber: Int) -> String {
        "/api/v1/dags/etl/runs/\(esc(run))/tasks/\(task)/tries/\(tryNumber)/log"
    }

    @Test func readsFromOffsetsAndSaysWhenFinished() throws {
        let path = logPath(app.succeeded.runId, "extract", 1)
        let whole = try app.get(path).json()
        #expect(whole["content"] as? String == "extract says hello\nline 2 ✓\n")
        #expect(whole["finished"] as? Bool == true)
        let size = try #require(whole["size"] as? Int)
        #expect(whole["next_offset"] as? Int == size)
        let tail = try app.get(path + "?offset=19").json()
        #expect(tail["content"] as? String == "line 2 ✓\n")
        #expect(tail["offset"] as? Int == 19)
        let end = try app.get(path + "?offset=\(size)").json()
        #expect(end["content"] as? String == "")
        #expect(end["next_offset"] as? Int == size)
    }

    @Test func chunksNeverSplitAUTF8Character() throws {
        let path = logPath(app.succeeded.runId, "extract", 1)
        // "line 2 ✓" — the check mark is 3 bytes starting at byte 26; a 9-byte chunk from 19 would cut it.
        let chunk = try app.get(path + "?offset=19&limit=9").json()
        #expect(chunk["content"] as? String == "line 2 ")
        #expect(chunk["next_offset"] as? Int == 26)
    }

    @Test func runningTryIsNotFinishedAndGrows() throws {
        let path = logPath(app.running.runId, "extract", 1)
        let first = try app.get(path).json()
        #expect(first["finished"] as? Bool == false)
        let offset = try #require(first["next_offset"] as? Int)
        let file = app.home.attemptLogPath(dagId: "etl", runId: app.running.runId, taskId: "extract", tryNumber: 1)
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("more output\n".utf8))
        try handle.close()
        let next = try app.get(path + "?offset=\(offset)").json()
        #expect(next["content"] as? String == "more output\n")
    }

    @Test func eachTryHasItsOwnLog() throws {
        #expect(try app.get(logPath(app.failed.runId, "transform_a", 1)).json()["content"] as? String == "try 1 failed\n")
        #expect(try app.get(logPath(app.failed.runId, "transform_a", 2)).json()["content"] as? String == "try 2 failed\n")
        #expect(try app.get(logPath(app.failed.runId, "transform_a", 3)).status == 404)
    }

    @Test(arguments: ["?offset=-1", "?offset=abc", "?limit=0", "?limit=99999999"])
    func badOffsetsAre400(query: String) throws {
        let response = try app.get(logPath(app.succeeded.runId, "extract", 1) + query)
        #expect(response.status == 400)
        #expect(try response.json()["status"] as? Int == 400)
    }

    @Test(arguments: ["..%2F..%2F..%2Fsecret.txt", "%2e%2e", "extract%2F..%2F..%2F..%2F..%2Fsecret.txt"])
    func traversalInTheTaskIdFindsNothing(task: String) throws {
        let response = try app.get("/api/v1/dags/etl/runs/\(esc(app.succeeded.runId))/tasks/\(task)/tries/1/log")
        #expect(response.status == 404)
        #expect(!response.text.contains("SECRET"))
    }

    @Test func badTryNumberIs400() throws {
        #expect(try app.get(logPath(app.succeeded.runId, "extract", 1).replacingOccurrences(of: "/1/log", with: "/x/log")).status == 400)
        #expect(try app.get(logPath(app.succeeded.runId, "extract", 1).replacingOccurrences(of: "/1/log", with: "/0/log")).status == 400)
    }

    @Test func aRecordPointingOutsideTheLogsFolderIsRefused() throws {
        // A tampered attempt record: its log path leaves ORCH_HOME/logs. The API must not open it.
        let run = app.succeeded
        try app.store.clearTasks(runPk: run.pk, taskIds: ["extract"], now: Date())
        _ = try app.store.beginAttempt(runPk: run.pk, taskId: "extract", tryNumber: 2, isolation: .process,
                                       logPath: app.home.logsDirectory.path + "/../secret.txt", now: Date())
        let response = try app.get(logPath(run.runId, "extract", 2))
        #expect(response.status == 403)
        #expect(!response.text.contains("SECRET"))
    }
}
