#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchTestSupport
import Testing

/// libpq and libcurl are loaded when first used (dlopen), not at process start: a scheduler on SQLite that sent no
/// webhook, and the bundle fork server its tasks were forked from, map neither; the same scheduler with its state on
/// PostgreSQL maps libpq. Linked, they and their ~25 dependencies were mapped by every orch process and every bundle
/// process, and every fork of a fork server copied and tore those mappings down (docs/performance.md).
@Suite(.serialized) struct CLILazyLibrariesTests {
    @Test func aSchedulerOnSQLiteAndItsForkServerMapNeitherLibpqNorLibcurl() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let maps = try mapsAfterFanOutRun(s)
        #expect(!maps.helpers.isEmpty, "the scheduler has no bundle helper left to read")
        for (name, libraries) in [("scheduler", maps.scheduler)] + maps.helpers.map({ ("bundle helper", $0) }) {
            #expect(!libraries.contains("libpq"), "the \(name) maps libpq: \(libraries.sorted())")
            #expect(!libraries.contains("libcurl"), "the \(name) maps libcurl: \(libraries.sorted())")
        }
    }

    @Test func aSchedulerWithItsStateOnPostgreSQLLoadsLibpq() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let schema = try PostgresTestSchema(prefix: "lazylibs"); defer { schema.drop() }
        s.extraEnvironment["ORCH_STATE_DSN"] = schema.dsn
        let maps = try mapsAfterFanOutRun(s)
        #expect(maps.scheduler.contains("libpq"), "the scheduler on PostgreSQL does not map libpq: \(maps.scheduler.sorted())")
        #expect(!maps.scheduler.contains("libcurl"), "the scheduler maps libcurl without sending a request")
    }

    /// Starts a scheduler, runs example_fanout once, and names the shared libraries the scheduler and each of its
    /// children (the bundle helpers) map, from /proc/PID/maps ("libpq" for /usr/lib/…/libpq.so.5.15).
    private func mapsAfterFanOutRun(_ s: OrchSandbox) throws -> (scheduler: Set<String>, helpers: [Set<String>]) {
        let scheduler = try s.start(["scheduler"])
        defer { scheduler.stop(SIGTERM) }
        #expect(try s.run("dags", "unpause", "example_fanout").status == 0)
        let r = try s.run("trigger", "example_fanout", "--wait")
        #expect(r.status == 0, "\(r.output)")
        let own = try libraries(mappedBy: scheduler.pid)
        let children = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(scheduler.pid)/task").flatMap {
            (try? procFile("/proc/\(scheduler.pid)/task/\($0)/children"))?
                .split(separator: " ").compactMap { Int32($0) } ?? []
        }
        return (own, children.compactMap { try? libraries(mappedBy: $0) })
    }

    private func libraries(mappedBy pid: Int32) throws -> Set<String> {
        let maps = try procFile("/proc/\(pid)/maps")
        return Set(maps.split(separator: "\n").compactMap { line -> String? in
            guard let path = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(5).first,
                  let name = path.split(separator: "/").last, name.contains(".so") else { return nil }
            return String(name.prefix { $0 != "." })
        })
    }
}
