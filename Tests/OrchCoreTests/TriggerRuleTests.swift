import OrchCore
import Testing

/// Airflow's eight trigger rules, one upstream mix at a time.
@Suite struct TriggerRuleTests {
    private func verdict(_ rule: TriggerRule, _ states: [TaskState]) -> TriggerVerdict {
        rule.verdict(UpstreamSummary(states: states))
    }

    @Test func summaryCountsFailedAndRemovedLikeAirflow() {
        let s = UpstreamSummary(states: [.success, .failed, .upstreamFailed, .skipped, .removed, .running, .none])
        #expect(s.total == 7)
        #expect(s.success == 1)
        #expect(s.failed == 2)
        #expect(s.skipped == 2)
        #expect(s.done == 5)
    }

    @Test(arguments: TriggerRule.allCases)
    func aTaskWithoutUpstreamsIsReadyUnderEveryRule(_ rule: TriggerRule) {
        #expect(verdict(rule, []) == .ready)
    }

    @Test func thereAreEightRules() {
        #expect(TriggerRule.allCases.map(\.rawValue).sorted() == [
            "all_done", "all_failed", "all_success", "always", "none_failed", "none_failed_min_one_success",
            "one_failed", "one_success",
        ])
    }

    @Test func allSuccess() {
        #expect(verdict(.allSuccess, [.success, .success]) == .ready)
        #expect(verdict(.allSuccess, [.success, .running]) == .wait)
        #expect(verdict(.allSuccess, [.failed, .running]) == .upstreamFailed)
        #expect(verdict(.allSuccess, [.upstreamFailed, .success]) == .upstreamFailed)
        #expect(verdict(.allSuccess, [.skipped, .success]) == .skip)
        #expect(verdict(.allSuccess, [.upForRetry, .success]) == .wait)
    }

    @Test func allFailed() {
        #expect(verdict(.allFailed, [.failed, .upstreamFailed]) == .ready)
        #expect(verdict(.allFailed, [.failed, .running]) == .wait)
        #expect(verdict(.allFailed, [.failed, .success]) == .skip)
        #expect(verdict(.allFailed, [.failed, .skipped]) == .skip)
    }

    @Test func allDone() {
        #expect(verdict(.allDone, [.failed, .success, .skipped, .upstreamFailed]) == .ready)
        #expect(verdict(.allDone, [.failed, .upForRetry]) == .wait)
        #expect(verdict(.allDone, [.queued]) == .wait)
    }

    @Test func oneSuccess() {
        #expect(verdict(.oneSuccess, [.success, .running]) == .ready)
        #expect(verdict(.oneSuccess, [.failed, .running]) == .wait)
        #expect(verdict(.oneSuccess, [.failed, .skipped]) == .upstreamFailed)
        #expect(verdict(.oneSuccess, [.skipped, .skipped]) == .skip)
    }

    @Test func oneFailed() {
        #expect(verdict(.oneFailed, [.failed, .running]) == .ready)
        #expect(verdict(.oneFailed, [.upstreamFailed, .running]) == .ready)
        #expect(verdict(.oneFailed, [.success, .running]) == .wait)
        #expect(verdict(.oneFailed, [.success, .skipped]) == .skip)
    }

    @Test func noneFailed() {
        #expect(verdict(.noneFailed, [.success, .skipped]) == .ready)
        #expect(verdict(.noneFailed, [.skipped, .skipped]) == .ready)
        #expect(verdict(.noneFailed, [.success, .running]) == .wait)
        #expect(verdict(.noneFailed, [.failed, .running]) == .upstreamFailed)
        #expect(verdict(.noneFailed, [.upstreamFailed, .success]) == .upstreamFailed)
    }

    @Test func noneFailedMinOneSuccess() {
        #expect(verdict(.noneFailedMinOneSuccess, [.success, .skipped]) == .ready)
        #expect(verdict(.noneFailedMinOneSuccess, [.skipped, .skipped]) == .skip)
        #expect(verdict(.noneFailedMinOneSuccess, [.success, .running]) == .wait)
        #expect(verdict(.noneFailedMinOneSuccess, [.failed, .success]) == .upstreamFailed)
    }

    @Test func always() {
        #expect(verdict(.always, [.running, .none]) == .ready)
        #expect(verdict(.always, [.failed, .upstreamFailed]) == .ready)
    }
}
