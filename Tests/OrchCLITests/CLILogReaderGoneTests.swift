#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// orch's own log goes to standard error. When whoever reads it goes away (`orch scheduler 2>&1 | head`, a log
/// shipper that died), the lines are lost and orch goes on: a write to the closed pipe fails (EPIPE, SIGPIPE is
/// ignored) and must not stop the scheduler. Real scheduler, real pipe, real SQLite.
@Suite(.serialized) struct CLILogReaderGoneTests {
    @Test func aSchedulerWhoseLogReaderIsGoneKeepsRunningTasks() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let pipe = Pipe()
        let scheduler = try s.start(["scheduler"], standardError: pipe.fileHandleForWriting)
        defer { scheduler.stop(SIGTERM) }
        try pipe.fileHandleForWriting.close()   // the scheduler holds the only write end
        let holding = s.waitFor(60) {
            guard FileManager.default.fileExists(atPath: s.databasePath) else { return false }
            return (try? s.database().queryOne("SELECT pid FROM scheduler_lease WHERE pid = ?", [scheduler.pid])) != nil
        }
        #expect(holding, "the scheduler did not take the lease")
        try pipe.fileHandleForReading.close()   // the reader goes away: every later line fails to write

        #expect(try s.run("dags", "unpause", "example_fanout").status == 0)
        #expect(try s.run("trigger", "example_fanout").status == 0)
        let succeeded = s.waitFor(60) { (try? RunRows(try s.database(), dagId: "example_fanout"))?.state == "success" }
        #expect(succeeded, "the run did not succeed")
        #expect(scheduler.process.isRunning, "the scheduler stopped once its log could not be written")
    }
}
