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

    /// Turns a reader runs leave the executor's own thread asleep: it waits while nothing is queued, and waking it
    /// at the end of each such turn cost a thread switch per attempt end.
    @Test func turnsAReaderRunsDoNotWakeTheExecutorsOwnThread() async {
        let executor = EngineTurnExecutor(environment: [:])
        defer { executor.stop() }
        let reader = ReaderThread()
        defer { reader.stop() }
        var onReader = 0
        var before = 0
        await withTaskExecutorPreference(executor) {
            before = executor.wakeUpsOfOwnThread
            for _ in 0..<40 {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in reader.resume(c) }
                if pthread_equal(pthread_self(), reader.thread!) != 0 { onReader += 1 }
            }
        }
        #expect(onReader == 40)
        #expect(executor.wakeUpsOfOwnThread - before <= 2)
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

/// One reader thread that resumes each continuation it is given once the turn that gave it has ended (1 ms later).
private final class ReaderThread: @unchecked Sendable {
    private let given = NSCondition()
    private var pending: [CheckedContinuation<Void, Never>] = []
    private var stopped = false
    private(set) var thread: pthread_t?

    init() {
        let started = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            EngineTurnExecutor.runTurnsOnThisThread()
            thread = pthread_self()
            started.signal()
            while true {
                given.lock()
                while pending.isEmpty && !stopped { given.wait() }
                guard !stopped else { return given.unlock() }
                let c = pending.removeFirst()
                given.unlock()
                usleep(1_000)
                c.resume()
            }
        }
        started.wait()
    }

    func stop() {
        given.lock()
        stopped = true
        given.signal()
        given.unlock()
    }

    func resume(_ c: CheckedContinuation<Void, Never>) {
        given.lock()
        pending.append(c)
        given.signal()
        given.unlock()
    }
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
