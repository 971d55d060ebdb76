#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// A long-lived orch process keeps at most `FreedMemory.arenaLimit` (2) malloc arenas, the main one and one more,
/// unless the operator sets MALLOC_ARENA_MAX: a real `orch scheduler` after runs of a fan-out DAG, its arenas read
/// from /proc/PID/maps. glibc's default (eight per core) gave an `orch serve` six extra arenas after three runs.
@Suite(.serialized) struct CLIMallocArenaTests {
    @Test func aSchedulerThatRanAFanOutKeepsOneArenaBesideTheMainOne() throws {
        let extra = try arenasAfterFanOutRuns(environment: [:])
        #expect(extra <= 1, "the scheduler has \(extra) malloc arenas beside the main one")
    }

    @Test func anOperatorsMallocArenaMaxIsLeftToGlibc() throws {
        // glibc reads MALLOC_ARENA_MAX itself; orch does not lower it. One arena: the main one only.
        #expect(try arenasAfterFanOutRuns(environment: ["MALLOC_ARENA_MAX": "1"]) == 0)
    }

    /// Starts a scheduler, runs example_fanout twice, and counts the scheduler's non-main malloc arenas.
    private func arenasAfterFanOutRuns(environment: [String: String]) throws -> Int {
        let s = try OrchSandbox(); defer { s.cleanup() }
        s.extraEnvironment = environment
        let scheduler = try s.start(["scheduler"])
        defer { scheduler.stop(SIGTERM) }
        #expect(try s.run("dags", "unpause", "example_fanout").status == 0)
        for _ in 0..<2 {
            let r = try s.run("trigger", "example_fanout", "--wait")
            #expect(r.status == 0, "\(r.output)")
        }
        let maps = try procFile("/proc/\(scheduler.pid)/maps")
        return MallocArenaHeaps.count(inMaps: maps)
    }
}

/// glibc's non-main arenas live in 64 MiB heaps aligned to 64 MiB: a read-write anonymous mapping at the aligned
/// address, and the rest of the 64 MiB reserved (`---p`) right after it until the heap grows.
enum MallocArenaHeaps {
    static let heapSize: UInt64 = 64 << 20

    static func count(inMaps maps: String) -> Int {
        let regions = maps.split(separator: "\n").compactMap(Region.init)
        var count = 0
        for (i, r) in regions.enumerated() where r.anonymous && r.permissions == "rw-p" && r.start % heapSize == 0 {
            var end = r.end
            if i + 1 < regions.count, regions[i + 1].start == r.end, regions[i + 1].permissions == "---p",
               regions[i + 1].anonymous {
                end = regions[i + 1].end
            }
            if end - r.start == heapSize { count += 1 }
        }
        return count
    }

    struct Region {
        let start: UInt64, end: UInt64, permissions: String, anonymous: Bool

        init?(_ line: Substring) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5 else { return nil }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16)
            else { return nil }
            (self.start, self.end, permissions) = (start, end, String(fields[1]))
            anonymous = fields.count == 5 && fields[4] == "0"
        }
    }
}
