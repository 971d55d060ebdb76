/// The run evaluator's worklist: task ids waiting to be looked at, the smallest topological rank first (a task
/// after its changed upstreams), each queued at most once at a time. A binary heap: when a root ends and its
/// thousand downstream tasks become candidates, taking the next one costs log n, not a scan of the whole set.
struct RankQueue {
    private var heap: [(rank: Int, id: String)] = []
    private var queued: Set<String> = []
    /// Each task's topological rank (a task the map does not know counts as rank 0).
    private let rank: [String: Int]

    init(_ ids: some Sequence<String>, rank: [String: Int]) {
        self.rank = rank
        for id in ids { insert(id) }
    }

    var isEmpty: Bool { heap.isEmpty }

    /// Queues `id` unless it is queued already (it may come again once taken).
    mutating func insert(_ id: String) {
        guard queued.insert(id).inserted else { return }
        heap.append((rank[id] ?? 0, id))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// The queued id of the smallest rank (ties: the smaller id), taken off the queue.
    mutating func popMin() -> String? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count, Self.before(heap[left], heap[first]) { first = left }
            if right < heap.count, Self.before(heap[right], heap[first]) { first = right }
            guard first != parent else { break }
            heap.swapAt(parent, first)
            parent = first
        }
        queued.remove(top.id)
        return top.id
    }

    private static func before(_ a: (rank: Int, id: String), _ b: (rank: Int, id: String)) -> Bool {
        a.rank != b.rank ? a.rank < b.rank : a.id < b.id
    }
}
