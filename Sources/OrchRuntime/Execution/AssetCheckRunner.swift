import Foundation
import OrchCore

/// Runs a task's asset checks right after its body succeeded, in the same attempt, and hands each result to the
/// engine through XCom (`orch.check:<name>`). A check that throws has failed, with the error as its details.
/// The attempt itself stays a success: the data was written; a failed error check blocks its readers instead.
/// Only a result that cannot be recorded fails the attempt (an unrecorded error check would block nothing).
enum AssetCheckRunner {
    static func run(_ checks: [AssetCheck], context: TaskContext) async throws {
        for check in checks {
            let outcome: AssetCheckOutcome
            do { outcome = try await check.body(context) } catch {
                outcome = AssetCheckOutcome(passed: false, details: "the check threw: \(error)")
            }
            let record = AssetCheckRecord(name: check.name, asset: check.asset, severity: check.severity, outcome: outcome)
            context.log("check \(check.name) on \(check.asset) (\(check.severity.rawValue)): "
                        + (outcome.passed ? "passed" : "FAILED") + (outcome.details.isEmpty ? "" : " — \(outcome.details)"))
            try context.push(AssetCheck.xcomKey(check.name), record.json)
        }
    }
}
