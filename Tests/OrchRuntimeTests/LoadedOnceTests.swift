import Foundation
@testable import OrchRuntime
import Testing

/// One load shared by callers that ask at the same moment (`orch serve`'s scheduler and web server).
struct LoadedOnceTests {
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func next() -> Int { lock.withLock { count += 1; return count } }
        var value: Int { lock.withLock { count } }
    }

    @Test func callersAtTheSameMomentShareOneLoad() async {
        let once = LoadedOnce<Int>()
        let loads = Counter()
        let values = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await withCheckedContinuation { done in
                        Thread.detachNewThread {   // a thread each, as the two services ask
                            done.resume(returning: once.value {
                                Thread.sleep(forTimeInterval: 0.2)   // a load long enough for every caller to arrive
                                return loads.next()
                            })
                        }
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(loads.value == 1)
        #expect(values == Array(repeating: 1, count: 8))
    }

    @Test func aReplacedValueIsWhatLaterCallersGet() {
        let once = LoadedOnce<String>()
        #expect(once.current == nil)
        #expect(once.value { "first" } == "first")
        #expect(once.value { "never loaded" } == "first")
        once.replace("reloaded")
        #expect(once.current == "reloaded")
        #expect(once.value { "never loaded" } == "reloaded")
    }
}
