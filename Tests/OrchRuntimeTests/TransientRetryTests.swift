import Foundation
import OrchHTTPClient
@testable import OrchRuntime
import Testing

/// A worker asks the server again while it is restarting (no answer, 5xx), and only then (issue 19): the bundle
/// fetch of a leased attempt must not turn a server restart into the task's failure. Pure logic, no sleeping.
@Suite struct TransientRetryTests {
    final class Calls: @unchecked Sendable {
        var count = 0
        var waits: [Double] = []
    }

    @Test func whatIsWorthAnotherTry() {
        #expect(WorkerAPIError.isTransient(WorkerAPIError("HTTP 503", transient: true)))
        #expect(!WorkerAPIError.isTransient(WorkerAPIError("HTTP 404")))
        #expect(WorkerAPIError.isTransient(HTTPClientError(kind: .connectionFailed, message: "refused")))
        #expect(WorkerAPIError.isTransient(HTTPClientError(kind: .timeout, message: "slow")))
        #expect(!WorkerAPIError.isTransient(HTTPClientError(kind: .invalidURL, message: "bad")))
        #expect(!WorkerAPIError.isTransient(CocoaError(.fileWriteOutOfSpace)))
    }

    @Test func aRestartingServerIsAskedAgainWithGrowingWaits() throws {
        let calls = Calls()
        let value = try TransientRetry.run(giveUp: .distantFuture, maxDelay: 2, sleep: { calls.waits.append($0) },
                                           waiting: { _, _ in true }) { () throws -> String in
            calls.count += 1
            if calls.count < 5 { throw WorkerAPIError("HTTP 503: the server is stopping", transient: true) }
            return "bundle"
        }
        #expect(value == "bundle")
        #expect(calls.waits == [0.5, 1, 2, 2])
    }

    @Test func aPermanentErrorEndsAtOnce() {
        let calls = Calls()
        #expect(throws: WorkerAPIError.self) {
            try TransientRetry.run(giveUp: .distantFuture, sleep: { calls.waits.append($0) }, waiting: { _, _ in true }) {
                calls.count += 1
                throw WorkerAPIError("bundle: HTTP 404: unknown")
            }
        }
        #expect(calls.count == 1 && calls.waits.isEmpty)
    }

    @Test func afterGiveUpTheLastTransientErrorIsThrown() {
        var clock = Date(timeIntervalSince1970: 0)
        let calls = Calls()
        #expect(throws: WorkerAPIError.self) {
            try TransientRetry.run(giveUp: Date(timeIntervalSince1970: 3), now: { clock },
                                   sleep: { clock += $0; calls.waits.append($0) }, waiting: { _, _ in true }) {
                calls.count += 1
                throw WorkerAPIError("HTTP 502", transient: true)
            }
        }
        #expect(calls.waits == [0.5, 1, 2])   // at 3.5 s the deadline has passed
    }

    @Test func theCallerStopsTheTriesWhenTheLeaseIsLost() {
        let calls = Calls()
        #expect(throws: TransientRetry.Stop.self) {
            try TransientRetry.run(giveUp: .distantFuture, sleep: { calls.waits.append($0) },
                                   waiting: { _, _ in calls.count < 2 }) {
                calls.count += 1
                throw HTTPClientError(kind: .connectionFailed, message: "refused")
            }
        }
        #expect(calls.count == 2 && calls.waits == [0.5])
    }
}
