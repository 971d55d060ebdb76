import Foundation

/// Runs an attempt's async code on the thread that calls ``run(_:)`` (an attempt process's main thread): the jobs of
/// the task it starts, which prefers this executor, and of that task's structured children are queued here and run
/// by that thread. An attempt process then starts none of Swift concurrency's worker threads for code that never
/// needed a second thread: their start and their exit cost about 0.8 ms of CPU per forked attempt, a quarter of the
/// whole system's CPU on a process fan-out (docs/performance.md, "An attempt on its process's main thread").
///
/// What does not change: code isolated to an actor runs on that actor's executor, an unstructured `Task {}` runs on
/// the global executor (it does not inherit the preference), and a resumption from another thread comes back
/// through the queue. A structured child task that blocks the thread (a semaphore) waiting for a sibling waits for
/// ever, as Swift concurrency's contract says it may on any executor.
public final class CallingThreadExecutor: _Concurrency.TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finished = false

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` to its end on this thread and returns its result.
    public static func run<Result: Sendable>(_ body: @escaping @Sendable () async -> Result) -> Result {
        let executor = CallingThreadExecutor()
        let result = ResultBox<Result>()
        Task(executorPreference: executor) {
            result.value = await body()
            executor.finish()
        }
        executor.drain()
        return result.value!
    }

    private func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    /// Runs queued jobs, in the order they came, until the body has finished and nothing is queued.
    private func drain() {
        while true {
            condition.lock()
            while jobs.isEmpty && !finished { condition.wait() }
            let taken = jobs
            jobs = []
            condition.unlock()
            if taken.isEmpty { return }
            for job in taken { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}

/// The body's result, written by its task and read by ``CallingThreadExecutor/run(_:)`` after the task finished.
private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
