import ArgumentParser
import Foundation
import OrchStore

/// `orch audit`: the audit log, newest first.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show the audit log: every state change made through the API or the CLI, newest first.")
    @Option(help: "How many entries.") var limit = 50
    @Option(help: "Only this action, e.g. run.trigger.") var action: String?

    func run() throws {
        let store = try CLIContext().store()
        printTable(["AT", "ACTOR", "ROLE", "ACTION", "TARGET", "FROM"], try store.auditLog(limit: limit, offset: 0, action: action).map {
            [formatDate($0.at), $0.entry.actor, $0.entry.role?.rawValue ?? "-", $0.entry.action,
             $0.entry.target.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "), $0.entry.source]
        })
    }
}
