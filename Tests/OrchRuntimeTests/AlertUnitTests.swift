import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

@Suite("Alert building blocks") struct AlertUnitTests {
    @Test func signatureMatchesGitHubsDocumentedExample() {
        // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
        let sig = WebhookSignature.sign(body: Array("Hello, World!".utf8), secret: "It's a Secret to Everybody")
        #expect(sig == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
        #expect(WebhookSignature.verify(body: Array("Hello, World!".utf8), secret: "It's a Secret to Everybody", signature: sig))
        #expect(!WebhookSignature.verify(body: Array("Hello, World?".utf8), secret: "It's a Secret to Everybody", signature: sig))
    }

    @Test func backoffDoublesUpToTheCapWithBoundedJitter() {
        let b = AlertBackoff(base: 1, cap: 300, jitter: 0.2)
        #expect((1...5).map { b.delay(afterAttempt: $0, random: 0) } == [1, 2, 4, 8, 16])
        #expect(b.delay(afterAttempt: 3, random: 1) == 4.8)
        #expect(b.delay(afterAttempt: 30, random: 1) == 300)
        let created = Date(timeIntervalSince1970: 0)
        #expect(b.nextAttempt(afterAttempt: 1, now: created, createdAt: created, maxAge: 60, random: 0)
                == created.addingTimeInterval(1))
        // Never past the age limit; nothing at or after it.
        #expect(b.nextAttempt(afterAttempt: 9, now: created.addingTimeInterval(59.5), createdAt: created, maxAge: 60)
                == created.addingTimeInterval(60))
        #expect(b.nextAttempt(afterAttempt: 9, now: created.addingTimeInterval(60), createdAt: created, maxAge: 60) == nil)
    }

    @Test func configurationFromFileWithEnvironmentOverIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orch-alert-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("orch.json")
        try #"{"workerSlots": 2, "alerts": {"webhooks": ["https://hooks.example.com/a/b"], "secret": "filesecret", "timeout_seconds": 4, "max_age_hours": 2}}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try AlertConfiguration.load(environment: [:], configFile: file.path)
        #expect(fromFile == AlertConfiguration(webhooks: ["https://hooks.example.com/a/b"], secret: "filesecret",
                                               timeoutSeconds: 4, maxAgeHours: 2))
        #expect(!fromFile.description.contains("filesecret") && !fromFile.description.contains("/a/b"))
        let env = ["ORCH_ALERT_WEBHOOKS": "http://127.0.0.1:9/x, https://h.example.com/y", "ORCH_ALERT_SECRET": "envsecret",
                   "ORCH_ALERT_TIMEOUT": "7.5", "ORCH_BASE_URL": "http://dash.example.com"]
        let both = try AlertConfiguration.load(environment: env, configFile: file.path)
        #expect(both.webhooks == ["http://127.0.0.1:9/x", "https://h.example.com/y"])
        #expect(both.secret == "envsecret" && both.timeoutSeconds == 7.5 && both.maxAgeHours == 2)
        #expect(both.baseURL == "http://dash.example.com")
        #expect(try AlertConfiguration.load(environment: [:], configFile: dir.appendingPathComponent("none.json").path)
                == AlertConfiguration())
    }

    @Test func badConfigurationNamesTheSetting() throws {
        func message(_ env: [String: String]) -> String {
            do { _ = try AlertConfiguration.load(environment: env, configFile: nil); return "" } catch { return "\(error)" }
        }
        #expect(message(["ORCH_ALERT_WEBHOOKS": "ftp://x/y"]).contains("not an http(s) URL"))
        #expect(message(["ORCH_ALERT_TIMEOUT": "soon"]).contains("ORCH_ALERT_TIMEOUT"))
        #expect(message(["ORCH_ALERT_TIMEOUT": "-1"]).contains("out of range"))
        #expect(message(["ORCH_ALERT_MAX_AGE_HOURS": "x"]).contains("ORCH_ALERT_MAX_AGE_HOURS"))
    }

    @Test func composerFollowsTheDAGsRules() throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let rules = AlertRules(onTaskFailure: true, onTaskRetry: false, onRunFailure: true, onRunSuccess: false,
                               mutedTasks: ["quiet"])
        let dag = DAG("rules_dag", alerts: rules) { d in d.task("a") { _ in }; d.task("quiet") { _ in } }
        let run = try t.store.createRun(dagId: dag.id, runId: "r1", runType: .manual,
                                        interval: DataInterval(start: Date(), end: Date()), conf: [:],
                                        tasks: [("a", 1), ("quiet", 1)], owner: nil, now: Date())
        let composer = WebhookAlertComposer(targets: ["http://a.example/1", "http://b.example/2"])
        func count(_ kind: AlertEventKind, task: String? = nil) -> Int {
            composer.drafts(for: AlertEvent(kind: kind, dag: dag, run: run, taskId: task, tryNumber: task == nil ? nil : 1,
                                            state: "failed")).count
        }
        #expect(count(.taskFailed, task: "a") == 2, "one row per webhook")
        #expect(count(.taskFailed, task: "quiet") == 0)
        #expect(count(.taskRetry, task: "a") == 0)
        #expect(count(.runFailed) == 2)
        #expect(count(.runSucceeded) == 0)
        #expect(count(.deadlineMissed) == 2)
        let drafts = composer.drafts(for: AlertEvent(kind: .runFailed, dag: dag, run: run, state: "failed"))
        #expect(Set(drafts.map(\.deliveryId)).count == 2)
        #expect(WebhookAlertComposer(targets: []).drafts(for: AlertEvent(kind: .runFailed, dag: dag, run: run, state: "failed")).isEmpty)
    }

    @Test func logTailIsBounded() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("orch-tail-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let long = String(repeating: "x", count: 1000)
        try ((1...5000).map { "row \($0)" } + [long]).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let tail = try #require(LogTail.read(path: path, lines: 20, maxBytes: 4096, maxLineLength: 100))
        let lines = tail.split(separator: "\n")
        #expect(lines.count == 20)
        #expect(lines.first == "row 4982")
        #expect(lines.last == Substring(String(repeating: "x", count: 100) + "…"))
        #expect(LogTail.read(path: path + ".missing") == nil)
    }

    @Test func redactionKeepsOnlySchemeHostAndPort() {
        #expect(redactedWebhookTarget("https://hooks.slack.com/services/T0/B0/XXXX") == "https://hooks.slack.com/…")
        #expect(redactedWebhookTarget("http://127.0.0.1:8099") == "http://127.0.0.1:8099")
        #expect(redactedWebhookTarget("http://h:1/?token=abc") == "http://h:1/…")
    }
}
