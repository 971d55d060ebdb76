#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchTestSupport
import Testing

/// libpq and libcurl are loaded when first used (dlopen), not at process start: a scheduler on SQLite that sent no
/// webhook, and the bundle fork server its tasks were forked from, map neither; the same scheduler with its state on
/// PostgreSQL maps libpq. libmicrohttpd is loaded when an HTTP server starts: that scheduler and the repository
/// bundle's helpers do not map it, serve does. Linked, they and their ~25 dependencies were mapped by every orch
/// process and every bundle process, and every fork of a fork server copied and tore those mappings down
/// (docs/performance.md).
@Suite(.serialized) struct CLILazyLibrariesTests {
    @Test func aSchedulerOnSQLiteAndItsForkServerMapNeitherLibpqLibcurlNorLibmicrohttpd() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let maps = try mapsAfterFanOutRun(s)
        #expect(!maps.helpers.isEmpty, "the scheduler has no bundle helper left to read")
        for (name, libraries) in [("scheduler", maps.scheduler)] + maps.helpers.map({ ("bundle helper", $0) }) {
            #expect(!libraries.contains("libpq"), "the \(name) maps libpq: \(libraries.sorted())")
            #expect(!libraries.contains("libcurl"), "the \(name) maps libcurl: \(libraries.sorted())")
        }
        // libmicrohttpd (with GnuTLS) is loaded by the HTTP server when it starts; a scheduler serves no HTTP, and the
        // repository bundle (example_fanout is one of its DAGs) links ShopStream but not its source server.
        for (name, libraries) in [("scheduler", maps.scheduler)] + maps.helpers.map({ ("bundle helper", $0) }) {
            #expect(!libraries.contains("libmicrohttpd") && !libraries.contains("libgnutls"),
                    "the \(name) maps the HTTP server library: \(libraries.sorted())")
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

    /// The repository bundle declares Insights dashboards on a PostgreSQL connection: serve plans their panels
    /// when they are first listed, not at start, so a serve nobody asks for Insights never loads libpq (with
    /// OpenSSL and Kerberos, about 3 MB of its idle memory).
    @Test func serveLoadsLibpqForInsightsOnlyOnceTheyAreListed() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let serve = try s.start(["serve", "--port", "0"])
        defer { serve.stop(SIGTERM) }
        var url: String?
        _ = s.waitFor(60) {
            url = serve.webServerURL
            return url != nil && serve.stderr.contains("scheduler vm")
        }
        let base = try #require(url, "orch serve did not start: \(serve.stderr.suffix(1500))")
        #expect(try curl("\(base)/api/v1/health").contains("\"status\""))
        #expect((try libraries(mappedBy: serve.pid)).contains("libmicrohttpd"), "serve answers HTTP without libmicrohttpd?")
        usleep(1_000_000)   // what serve would load at start in the background has had its time
        #expect(!(try libraries(mappedBy: serve.pid)).contains("libpq"), "serve maps libpq before Insights were asked for")

        let list = try curl("\(base)/api/v1/insights")
        #expect(list.contains("\"dashboards\":[{"), "no dashboard declared: \(list.prefix(300))")
        #expect(s.waitFor(30) { (try? libraries(mappedBy: serve.pid))?.contains("libpq") == true },
                "listing the dashboards did not start their planning (libpq never loaded)")
    }

    private func curl(_ url: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-fsS", "--max-time", "30", url]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
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
        return (own, scheduler.childPids.compactMap { try? libraries(mappedBy: $0) })
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
