import ArgumentParser
import Foundation
import OrchRuntime
import OrchStore

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Webhook alerts: list the outbox, show deliveries, send a test.",
        subcommands: [List.self, Show.self, Test.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Recent alerts with their state, attempts and last status (newest first).")
        @Option(help: "Only this DAG.") var dag: String?
        @Option(help: "Only this state: pending, delivered or failed.") var state: String?
        @Option(help: "How many.") var limit = 20
        @Option(help: "alerts (default), lineage (OpenLineage events, which share the outbox) or all.")
        var channel = "alerts"

        func run() async throws {
            var states: [AlertState] = []
            if let state {
                guard let s = AlertState(rawValue: state) else {
                    throw ValidationError("--state must be one of: pending, delivered, failed (not '\(state)')")
                }
                states = [s]
            }
            guard let outbox = OutboxChannel(rawValue: channel) else {
                throw ValidationError("--channel must be one of: alerts, lineage, all (not '\(channel)')")
            }
            let store = try CLIContext().store()
            let rows = try store.alerts(AlertQuery(dagId: dag, states: states, limit: limit, channel: outbox))
            if rows.isEmpty { print("no alerts"); return }
            printTable(["CREATED", "EVENT", "DAG", "RUN", "TASK", "TRY", "TARGET", "STATE", "ATTEMPTS", "LAST", "DELIVERY"],
                       rows.map { a in
                           [formatDate(a.createdAt), a.event, a.dagId, a.runId ?? "-", a.taskId ?? "-",
                            a.tryNumber.map(String.init) ?? "-", a.target, a.state.rawValue, String(a.attempts),
                            a.lastStatus.map { "HTTP \($0)" } ?? (a.lastError.map { String($0.prefix { $0 != ":" }) } ?? "-"),
                            a.deliveryId]
                       })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "One alert's delivery attempts.")
        @Argument(help: "Delivery id (from orch alerts list).") var deliveryId: String

        func run() async throws {
            let store = try CLIContext().store()
            guard let a = try store.alert(deliveryId: deliveryId) else {
                throw CLIError("no alert with delivery id '\(deliveryId)'; see orch alerts list")
            }
            print("\(a.event) for \(a.dagId) \(a.runId ?? "") \(a.taskId ?? "") to \(a.target): \(a.state.rawValue) after \(a.attempts) attempt(s)")
            if let next = a.nextAttemptAt { print("next attempt: \(formatDate(next))") }
            let rows = try store.alertDeliveries(alertId: a.id)
            printTable(["ATTEMPTED", "STATUS", "DURATION", "ERROR"], rows.map { d in
                [formatDate(d.attemptedAt), d.statusCode.map(String.init) ?? "-", String(format: "%.0f ms", d.durationMs),
                 d.error ?? "-"]
            })
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test", abstract: "POST a test payload (signed when a secret is configured) and print the status.",
            discussion: "Exits 1 unless the receiver answers 2xx. Nothing is written to the outbox.")
        @Argument(help: "Webhook URL (http or https).") var url: String

        func run() async throws {
            let config = try alertConfiguration(try CLIContext())
            guard (try? AlertConfiguration(webhooks: [url]).validate()) != nil else {
                throw ValidationError("'\(redactedWebhookTarget(url))' is not an http(s) URL; write it like https://hooks.example.com/path")
            }
            let id = UUID().uuidString.lowercased()
            let body = WebhookAlertComposer(config).testPayload(deliveryId: id).jsonText()
            let sender = WebhookSender(secret: config.secret, timeoutSeconds: config.timeoutSeconds)
            let result = await sender.send(url: url, deliveryId: id, event: "test", body: body)
            let signed = config.secret == nil ? "unsigned" : "signed"
            let outcome = result.statusCode.map { "HTTP \($0)" } ?? (result.error ?? "no response")
            print("test alert \(id) (\(signed)) to \(redactedWebhookTarget(url)): \(outcome) in \(String(format: "%.0f", result.durationMs)) ms")
            if !result.isSuccess { throw ExitCode(1) }
        }
    }
}
