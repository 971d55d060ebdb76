#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import OrchRuntime
import Testing

/// The engine's turns run on the reader thread that wakes them, else on the executor's own thread; one at a time.
@Suite struct EngineTurnExecutorTests {
    /// A loop on `executor` that waits for a resume from `waker` (a thread of its own, marked as a reader or not),
    /// and returns the thread its code ran on after that resume, and the waker's thread.
    static func threadAfterWake(_ executor: EngineTurnExecutor, wakerIsReader: Bool) async -> (ran: pthread_t, waker: pthread_t) {
        let box = ContinuationBox()
        let waker = ThreadBox()
        return await withTaskExecutorPreference(executor) {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                box.set(c)
                Thread.detachNewThread {
                    if wakerIsReader { EngineTurnExecutor.runTurnsOnThisThread() }
                    waker.value = pthread_self()
                    box.resume()
                }
            }
            return (pthread_self(), waker.value!)
        }
    }

    @Test func aTurnWokenByAReaderRunsOnThatReader() async {
        let executor = EngineTurnExecutor(environment: [:])
        defer { executor.stop() }
        let (ran, waker) = await Self.threadAfterWake(executor, wakerIsReader: true)
        #expect(pthread_equal(ran, waker) != 0)
    }

    @Test func aTurnWokenByAnotherThreadRunsOnTheExecutorsOwn() async {
        let executor = EngineTurnExecutor(environment: [:])
        defer { executor.stop() }
        let (ran, waker) = await Self.threadAfterWake(executor, wakerIsReader: false)
        #expect(pthread_equal(ran, waker) == 0)
    }

    @Test func theSwitchOffKeepsEveryTurnOnTheExecutorsOwnThread() async {
        let executor = EngineTurnExecutor(environment: ["ORCH_ENGINE_TURNS_ON_READER": "0"])
        defer { executor.stop() }
        let (ran, waker) = await Self.threadAfterWake(executor, wakerIsReader: true)
        #expect(pthread_equal(ran, waker) == 0)
    }

    /// A turn woken while a reader posts one batch of events runs after the whole batch, on that reader.
    @Test func aTurnWokenInABatchRunsOnTheReaderAfterTheBatch() async {
        let executor = EngineTurnExecutor(environment: [:])
        defer { executor.stop() }
        let box = ContinuationBox()
        let seen = BatchProbe()
        await withTaskExecutorPreference(executor) {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                box.set(c)
                Thread.detachNewThread {
                    EngineTurnExecutor.runTurnsOnThisThread()
                    seen.reader = pthread_self()
                    EngineTurnExecutor.afterBatch {
                        box.resume()
                        usleep(2_000)   // the rest of the batch: the turn has not run meanwhile
                        seen.ranBeforeTheBatchEnded = seen.turn != nil
                    }
                }
            }
            seen.turn = pthread_self()
        }
        #expect(!seen.ranBeforeTheBatchEnded)
        #expect(seen.turn.map { pthread_equal($0, seen.reader!) != 0 } == true)
    }

    /// Jobs from readers and other threads at once: never two at a time, none lost.
    @Test func jobsNeverOverlapAndNoneIsLost() async {
        let executor = EngineTurnExecutor(environment: [:])
        defer { executor.stop() }
        let probe = OverlapProbe()
        await withTaskExecutorPreference(executor) {
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                            Thread.detachNewThread {
                                if i % 2 == 0 { EngineTurnExecutor.runTurnsOnThisThread() }
                                c.resume()
                            }
                        }
                        probe.enter()
                        usleep(50)
                        probe.leave()
                    }
                }
            }
        }
        #expect(probe.entered == 200)
        #expect(probe.overlaps == 0)
    }
}

private final class ContinuationBox: @unchecked Sendable {
    private let lock = NSLock()
    private var c: CheckedContinuation<Void, Never>?
    func set(_ c: CheckedContinuation<Void, Never>) { lock.withLock { self.c = c } }
    func resume() { lock.withLock { c }?.resume() }
}

private final class BatchProbe: @unchecked Sendable {
    var reader: pthread_t?
    var turn: pthread_t?
    var ranBeforeTheBatchEnded = false
}

private final class ThreadBox: @unchecked Sendable {
    var value: pthread_t?
}

private final class OverlapProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var inside = 0
    private(set) var entered = 0
    private(set) var overlaps = 0
    func enter() { lock.withLock { inside += 1; entered += 1; if inside > 1 { overlaps += 1 } } }
    func leave() { lock.withLock { inside -= 1 } }
}
