#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchRuntime
import Testing

/// The executor an attempt process runs its task on: the calling thread runs the body and its structured children.
/// Each test calls `run` from a thread of its own, as an attempt process calls it from its main thread.
@Suite struct CallingThreadExecutorTests {
    /// `body` run by `CallingThreadExecutor.run` on a new thread; returns its result and that thread's id.
    private func onAThreadOfItsOwn<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> (T, pthread_t) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let value = CallingThreadExecutor.run(body)
                continuation.resume(returning: (value, pthread_self()))
            }
        }
    }

    @Test func theBodyAndItsChildTasksRunOnTheCallingThread() async {
        let (threads, caller) = await onAThreadOfItsOwn { () async -> [pthread_t] in
            var seen = [pthread_self()]
            try? await Task.sleep(nanoseconds: 20_000_000)   // resumed from the timer's thread, back on the caller
            seen.append(pthread_self())
            let children = await withTaskGroup(of: pthread_t.self) { group in
                for _ in 0..<8 { group.addTask { pthread_self() } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            async let one = pthread_self()
            return seen + children + [await one]
        }
        #expect(threads.count == 11)
        #expect(threads.allSatisfy { pthread_equal($0, caller) != 0 })
    }

    @Test func theBodysResultComesBack() async {
        let (text, _) = await onAThreadOfItsOwn { () async -> String in
            let parts = await withTaskGroup(of: Int.self) { group in
                for i in 1...4 { group.addTask { i } }
                return await group.reduce(0, +)
            }
            return "sum \(parts)"
        }
        #expect(text == "sum 10")
    }

    /// An unstructured task does not inherit the preference: a body that blocks its thread waiting for one (a
    /// synchronous bridge some libraries make) still sees it run.
    @Test func anUnstructuredTaskRunsWhileTheBodyBlocksItsThread() async {
        let (ran, _) = await onAThreadOfItsOwn { () async -> Bool in
            let done = DispatchSemaphore(value: 0)
            Task { done.signal() }
            return done.wait(timeout: .now() + 30) == .success
        }
        #expect(ran)
    }

    @Test func anActorCallHopsToTheActorAndBack() async {
        actor Counter {
            var n = 0
            func next() -> Int { n += 1; return n }
        }
        let (values, _) = await onAThreadOfItsOwn { () async -> [Int] in
            let counter = Counter()
            var got: [Int] = []
            for _ in 0..<3 { got.append(await counter.next()) }
            return got
        }
        #expect(values == [1, 2, 3])
    }
}
