@testable import OrchCore
import Testing

/// The evaluator's worklist gives ids smallest rank first, once each while queued, whatever order they came in.
@Suite struct RankQueueTests {
    @Test func idsComeOutInRankOrderOnceEach() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let n = Int.random(in: 0...60, using: &rng)
            let ids = (0..<n).map { "t\($0)" }
            let rank = Dictionary(uniqueKeysWithValues: ids.map { ($0, Int.random(in: 0...20, using: &rng)) })
            var queue = RankQueue((ids + ids.shuffled(using: &rng)).shuffled(using: &rng), rank: rank)
            var out: [String] = []
            while let id = queue.popMin() { out.append(id) }
            #expect(out == ids.sorted { (rank[$0]!, $0) < (rank[$1]!, $1) })
            #expect(queue.isEmpty)
        }
    }

    @Test func anIdTakenMayBeQueuedAgainAndInsertsInterleaveWithTakes() {
        var queue = RankQueue(["c", "a"], rank: ["a": 1, "b": 2, "c": 3])
        #expect(queue.popMin() == "a")
        queue.insert("b")
        queue.insert("c")   // still queued: once
        queue.insert("a")   // taken before: queued again
        #expect(queue.popMin() == "a")
        #expect(queue.popMin() == "b")
        #expect(queue.popMin() == "c")
        #expect(queue.popMin() == nil)
    }
}
