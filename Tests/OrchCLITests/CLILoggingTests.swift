#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// `orch serve --log-format json`: every line the daemon writes to standard error is one JSON object with time,
/// level, component and message, and a finished attempt's line carries its run and task ids.
@Suite struct CLILoggingTests {
    @Test func serveLogsOneJSONObjectPerLine() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let serve = try s.start(["serve", "--port", "0", "--log-format", "json", "--log-level", "info"])
        defer { serve.stop(SIGTERM) }
        #expect(s.waitFor(60) { serve.stderr.contains("web server on") }, "\(serve.stderr)")
        let trigger = try s.run("trigger", "example_shell", "--wait")
        #expect(trigger.status == 0, "\(trigger.output)")
        #expect(s.waitFor(10) { serve.stderr.contains("\"task_id\"") })
        serve.stop(SIGTERM)
        let lines = serve.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count >= 3, "\(serve.stderr)")
        var objects: [[String: Any]] = []
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            if let object { objects.append(object) }
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for object in objects {
            #expect((object["time"] as? String).flatMap(formatter.date(from:)) != nil, "\(object)")
            #expect(["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(object["level"] as? String ?? ""))
            #expect(["scheduler", "webserver", "alerts"].contains(object["component"] as? String ?? ""), "\(object)")
            #expect((object["message"] as? String)?.isEmpty == false)
        }
        #expect(objects.contains { ($0["message"] as? String)?.hasPrefix("web server on http://127.0.0.1:") == true
                                   && $0["component"] as? String == "webserver" })
        let attempts = objects.filter { $0["message"] as? String == "attempt ended" && $0["dag_id"] as? String == "example_shell" }
        #expect(!attempts.isEmpty)
        for attempt in attempts {
            #expect((attempt["run_id"] as? String)?.hasPrefix("manual__") == true)
            #expect(attempt["task_id"] is String && attempt["try_number"] is String)
        }
        // example_shell's exit_3 fails once, is retried, fails again; the other tasks succeed.
        let exit3 = attempts.filter { $0["task_id"] as? String == "exit_3" }.map { $0["state"] as? String ?? "" }
        #expect(exit3 == ["up_for_retry", "failed"])
        #expect(attempts.filter { $0["state"] as? String == "success" }.count == 3)
        // The admin token never reaches the log.
        let token = try String(contentsOf: s.home.appendingPathComponent("api-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!token.isEmpty && !serve.stderr.contains(token))
    }

    @Test func textFormatAndBadOptions() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let bad = try s.run("scheduler", "--log-format", "xml")
        #expect(bad.status == 64 && bad.stderr.contains("--log-format must be text or json"))
        let level = try s.run("webserver", "--log-level", "loud")
        #expect(level.status == 64 && level.stderr.contains("--log-level must be"))
        let web = try s.start(["webserver", "--port", "0"])
        defer { web.stop(SIGTERM) }
        #expect(s.waitFor(60) { web.stderr.contains("web server on") }, "\(web.stderr)")
        let line = try #require(web.stderr.split(separator: "\n").first { $0.contains("web server on") })
        #expect(line.contains(" notice webserver: web server on http://127.0.0.1:"), "\(line)")
        // Warning level drops the notice: once the server listens (so it is past where the notice is logged).
        let quiet = try s.start(["webserver", "--port", "0", "--log-level", "warning"])
        #expect(s.waitFor(60) { holdsListeningSocket(quiet.process.processIdentifier) },
                "the quiet web server never listened: \(quiet.stderr)")
        usleep(300_000)
        quiet.stop(SIGTERM)
        #expect(!quiet.stderr.contains("web server on"), "\(quiet.stderr)")
        #expect(quiet.process.terminationStatus == 0, "\(quiet.stderr)")
    }
}
