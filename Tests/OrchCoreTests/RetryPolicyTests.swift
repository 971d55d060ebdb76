import Foundation
@testable import OrchCore
import Testing

/// Retry delays and where an ended attempt sends its task instance.
@Suite struct RetryPolicyTests {
    @Test func fixedDelayIsTheSameForEveryRetryAndNoneAfterTheLastTry() {
        let p = RetryPolicy(retries: 2, delay: 30)
        #expect(p.maxTries == 3)
        #expect(p.delayAfterFailure(ofTry: 1) == 30)
        #expect(p.delayAfterFailure(ofTry: 2) == 30)
        #expect(p.delayAfterFailure(ofTry: 3) == nil)
    }

    @Test func exponentialBackoffDoublesAndStopsAtTheMaximum() {
        let p = RetryPolicy(retries: 6, delay: 10, exponentialBackoff: true, maxDelay: 100)
        #expect((1...6).map { p.delayAfterFailure(ofTry: $0) } == [10, 20, 40, 80, 100, 100])
        #expect(p.delayAfterFailure(ofTry: 7) == nil)
    }

    @Test func hugeTryNumbersDoNotOverflow() {
        let p = RetryPolicy(retries: 10_000, delay: 1, exponentialBackoff: true, maxDelay: 3600)
        #expect(p.delayAfterFailure(ofTry: 5_000) == 3600)
    }

    @Test func noRetriesMeansOneTry() {
        #expect(RetryPolicy(retries: 0).delayAfterFailure(ofTry: 1) == nil)
    }

    @Test func resolutionOfEachOutcome() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        let p = RetryPolicy(retries: 1, delay: 60)
        let crashed = AttemptResolution.resolve(.crashed(signal: 11, error: "x"), tryNumber: 1, policy: p, now: now)
        #expect(crashed == AttemptResolution(state: .upForRetry, nextRetryAt: now.addingTimeInterval(60)))
        #expect(crashed.isRetry && !crashed.isFinalFailure)
        let timedOut = AttemptResolution.resolve(.timedOut(seconds: 5), tryNumber: 2, policy: p, now: now)
        #expect(timedOut == AttemptResolution(state: .failed, nextRetryAt: nil))
        #expect(timedOut.isFinalFailure)
        #expect(AttemptResolution.resolve(.success, tryNumber: 1, policy: p, now: now).state == .success)
        #expect(AttemptResolution.resolve(.skipped(reason: "r"), tryNumber: 1, policy: p, now: now).state == .skipped)
        #expect(AttemptResolution.resolve(.failed(exitCode: 3, error: ""), tryNumber: 1, policy: p, now: now).state == .upForRetry)
    }

    @Test func outcomeSummariesNameSignalsAndTimeouts() {
        #expect(AttemptOutcome.crashed(signal: 11, error: "boom").summary.contains("SIGSEGV"))
        #expect(AttemptOutcome.crashed(signal: 9, error: "").summary.contains("SIGKILL"))
        #expect(AttemptOutcome.timedOut(seconds: 1).summary.contains("timed out"))
        #expect(AttemptOutcome.failed(exitCode: 3, error: "").summary == "exit code 3")
    }
}
