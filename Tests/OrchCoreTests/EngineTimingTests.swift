import Foundation
import OrchCore
import Testing

/// Retries with backoff, timeouts, running limits and run deadlines: timers are data (`wake at`), time is moved by
/// hand.
@Suite struct EngineTimingTests {
    @Test func retriesWaitTheirBackoffAndSayUntilWhen() {
        let d = dag("flaky", [task("t", retries: 3, delay: 10, backoff: true)])
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(1, d)]))
        let t0 = h.clock.now
        h.exit(1, "t", try: 1, .failed(exitCode: 1, error: "boom"))
        #expect(h.batch?.attemptsEnded.first?.resolution == AttemptResolution(state: .upForRetry, nextRetryAt: t0 + 10))
        #expect(h.batch?.alerts.map(\.kind) == [.taskRetry])
        #expect(h.wake == t0 + 10)
        #expect(h.reason(1, "t") == .retryWait(until: t0 + 10, nextTry: 2, maxTries: 4))
        #expect(h.reason(1, "t")?.description == "waiting to retry until \(UTCFormat.iso(t0 + 10)) (try 2 of 4)")

        h.clock.advance(9.9)
        h.send(.tick)
        #expect(h.launched.isEmpty)
        h.clock.advance(0.1)
        h.send(.tick)
        #expect(h.launched == ["1.t#2"])
        let t1 = h.clock.now
        h.exit(1, "t", try: 2, .failed(exitCode: 1, error: "boom"))
        #expect(h.wake == t1 + 20)   // doubled
        h.clock.advance(20)
        h.send(.tick)
        h.exit(1, "t", try: 3, .crashed(signal: 9, error: "oom"))
        h.clock.advance(40)
        h.send(.tick)
        #expect(h.launched == ["1.t#4"])
        h.exit(1, "t", try: 4, .failed(exitCode: 1, error: "last"))
        #expect(h.batch?.attemptsEnded.first?.resolution.state == .failed)
        #expect(h.batch?.finishedRuns.first?.state == .failed)
    }

    @Test func anExitOfAnOldTryIsIgnored() {
        let d = dag("d", [task("t", retries: 1, delay: 0)])
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(1, d)]))
        h.exit(1, "t", try: 7, .success)
        #expect(h.batch == nil)
        #expect(h.machine.runningCount == 1)
    }

    @Test func aTimeoutStopsThenKillsAndIsRecordedAsATimeout() {
        let d = dag("slow", [task("t", timeout: 5)])
        var h = EngineHarness([d], killGrace: 2)
        h.send(.runsFound([h.run(1, d)]))
        #expect(h.wake == nil)   // launched, not started: a slow start does not eat the timeout
        h.clock.advance(3)
        h.started(1, "t")
        let t0 = h.clock.now
        #expect(h.wake == t0 + 5)
        h.clock.advance(5)
        h.send(.tick)
        #expect(h.stops == ["t#1:terminate"])
        #expect(h.wake == t0 + 8)   // grace 2 + 1
        h.clock.advance(3)
        h.send(.tick)
        #expect(h.stops == ["t#1:kill"])
        h.send(.tick)
        #expect(h.stops.isEmpty)
        h.exit(1, "t", .crashed(signal: 9, error: "killed"))
        #expect(h.batch?.attemptsEnded.first?.outcome == .timedOut(seconds: 5))
        #expect(h.batch?.finishedRuns.first?.state == .failed)
    }

    @Test func anAttemptThatEndsBeforeItsTimeoutIsNotStopped() {
        let d = dag("quick", [task("t", timeout: 5)])
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(1, d)]))
        h.started(1, "t")
        h.clock.advance(4.9)
        h.exit(1, "t")
        #expect(h.stops.isEmpty)
        #expect(h.batch?.attemptsEnded.first?.outcome == .success)
        #expect(h.wake == nil)
    }

    @Test func aRunningLimitAlertsOnceAndTheTaskGoesOn() {
        let d = dag("long", [task("t", limit: 30)])
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(1, d)]))
        h.started(1, "t")
        #expect(h.wake == h.clock.now + 30)
        h.clock.advance(30)
        h.send(.tick)
        #expect(h.batch?.alerts.map(\.kind) == [.deadlineMissed])
        #expect(h.batch?.alerts.first?.detail == "task running longer than its limit of 30 s")
        h.clock.advance(60)
        h.send(.tick)
        #expect(h.batch == nil)
        #expect(h.stops.isEmpty)
    }

    @Test func aRunDeadlineAlertsOnceWhenMissedButNotForARunCreatedTooLate() {
        let d = dag("due", [task("t")], deadlineMinutes: 10)
        var h = EngineHarness([d])
        let end = h.clock.now.addingTimeInterval(60)
        h.send(.runsFound([h.run(1, d, intervalEnd: end),
                           h.run(2, d, day: 1, intervalEnd: h.clock.now.addingTimeInterval(-3600))]))
        #expect(h.wake == end + 600.001)
        h.clock.advance(60 + 600)
        h.send(.tick)
        #expect(h.batch == nil)   // exactly at the due time: not missed yet
        h.clock.advance(1)
        h.send(.tick)
        #expect(h.batch?.alerts.map(\.runPk) == [1])
        #expect(h.batch?.alerts.first?.detail == "run not finished 10 minutes after its data interval ended")
        h.clock.advance(600)
        h.send(.tick)
        #expect(h.batch == nil)
    }
}
