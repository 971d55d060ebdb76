import Foundation

extension EngineStateMachine {
    /// Leases of remote attempts that ran out at `now`. Checked before the runs are evaluated, so that a lost
    /// attempt's retry (or its run's end) follows in the same step.
    mutating func expireLeases(now: Date, _ step: inout Step) {
        guard remoteRunning > 0 else { return }
        for key in running.keys.sorted() {
            guard let a = running[key], let expiry = a.leaseExpiry(timeout: configuration.leaseTimeout), now >= expiry
            else { continue }
            leaseLost(key, a, now: now, &step)
        }
    }

    /// A remote worker's lease ran out (no heartbeat for ``Configuration/leaseTimeout`` seconds): the lease is
    /// revoked (its worker's later calls are refused, and it stops its process when told so) and the attempt ends
    /// as failed, so the retry policy decides: retried (on whichever worker leases it next) or failed.
    mutating func leaseLost(_ key: AttemptKey, _ attempt: RunningAttempt, now: Date, _ step: inout Step) {
        _ = release(key)
        step.revoked.append((key, attempt.tryNumber))
        let silent = Int((now.timeIntervalSince(attempt.heartbeatAt ?? attempt.startedAt)).rounded())
        let outcome = AttemptOutcome.failed(exitCode: nil, error: "lease lost: no heartbeat from its worker for \(silent) s "
            + "(lease timeout \(Int(configuration.leaseTimeout)) s)")
        resolve(key, tryNumber: attempt.tryNumber, outcome: outcome, now: now, &step)
    }
}
