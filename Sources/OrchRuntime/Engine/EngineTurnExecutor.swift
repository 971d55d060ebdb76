#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs the engine's turns (``EngineDriver``'s loop: its hooks and the engine's step) on the thread that wakes them
/// when that thread reads a helper's events (a fork server's or task host's reader, marked with
/// ``runTurnsOnThisThread()``) and no turn is running: an attempt's end is then acted on by the thread that read it,
/// without waking another thread first. Anything else — a timer, an API request's notify, a turn woken while one
/// runs — is queued and run by a thread of the executor's own, one job at a time, in the order they came.
///
/// A job never runs on two threads at once. A reader running a turn reads nothing meanwhile: what the turn does
/// must not wait for that reader (the engine's step does not; it writes requests and returns). The switch
/// `ORCH_ENGINE_TURNS_ON_READER=0` queues every job for the executor's own thread.
public final class EngineTurnExecutor: _Concurrency.TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var running = false
    private var stopping = false
    private let inline: Bool
    /// How many times the executor's own thread has woken from its wait (read by tests).
    private var ownThreadWakeUps = 0

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        inline = environment["ORCH_ENGINE_TURNS_ON_READER"] != "0"
        Thread.detachNewThread { [self] in serve() }
    }

    /// Marks the calling thread as one that may run the engine's turns it wakes (a helper's reader thread).
    public static func runTurnsOnThisThread() {
        guard TurnThread.current == nil else { return }
        pthread_setspecific(turnThreadKey, Unmanaged.passRetained(TurnThread()).toOpaque())
    }

    /// Runs `body`, a reader's handling of one batch of events, with the turn it wakes held until the whole batch is
    /// posted, then runs that turn on this thread: the events of one read reach the engine's next step together.
    public static func afterBatch(_ body: () -> Void) {
        guard let thread = TurnThread.current else { return body() }
        thread.holding = true
        body()
        thread.holding = false
        if let owed = thread.owed {
            thread.owed = nil
            owed.drain()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        if inline && !running, let thread = TurnThread.current {
            running = true
            if thread.holding {   // run by this thread once its batch is posted (afterBatch)
                jobs.append(job)
                thread.owed = self
                condition.unlock()
                return
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
            drain()
            return
        }
        jobs.append(job)
        if !running { condition.signal() }   // else the thread running a job takes it next
        condition.unlock()
    }

    /// Lets the executor's own thread end once nothing is queued (after the loop it ran has returned).
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// How many times the executor's own thread has woken so far.
    var wakeUpsOfOwnThread: Int {
        condition.lock()
        defer { condition.unlock() }
        return ownThreadWakeUps
    }

    /// Runs what is queued on this thread, in order, then marks the executor idle. Called with `running` set.
    private func drain() {
        while true {
            condition.lock()
            guard !jobs.isEmpty else {
                running = false
                // Only a stop needs the executor's own thread now: it waits while nothing is queued, and a wake-up
                // at the end of every turn a reader ran cost a thread switch per attempt end.
                if stopping { condition.signal() }
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// The executor's own thread: runs the jobs no reader ran.
    private func serve() {
        while true {
            condition.lock()
            while running || (jobs.isEmpty && !stopping) {
                condition.wait()
                ownThreadWakeUps += 1
            }
            if jobs.isEmpty {   // stopping, nothing left
                condition.unlock()
                return
            }
            running = true
            condition.unlock()
            drain()
        }
    }
}

/// A thread that may run the engine's turns it wakes, and the batch it is posting (``EngineTurnExecutor/afterBatch(_:)``).
/// Only its own thread reads or writes it.
private final class TurnThread {
    var holding = false
    var owed: EngineTurnExecutor?

    static var current: TurnThread? {
        pthread_getspecific(turnThreadKey).map { Unmanaged<TurnThread>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// The thread-specific key of a ``TurnThread``, released when its thread ends.
private let turnThreadKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { pointer in if let pointer { Unmanaged<TurnThread>.fromOpaque(pointer).release() } }
    return key
}()
