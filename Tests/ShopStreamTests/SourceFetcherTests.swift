import Foundation
import Testing
@testable import ShopStream
import ShopStreamSourceServer

@Suite("SourceFetcher and landing")
struct SourceFetcherTests {
    private func fetcher(_ server: DummyJSONServer, recorder: SleepRecorder = SleepRecorder(),
                         timeout: Double = 10, attempts: Int = 5) -> SourceFetcher {
        SourceFetcher(configuration: FetchConfiguration(baseURL: server.baseURL + "/", pageSize: 50,
                                                        timeoutSeconds: timeout, maxAttempts: attempts),
                      sleep: recorder.sleep)
    }

    @Test func fetchesEverythingAndLandsPagesWithAManifest() throws {
        let dir = try TemporaryDirectory("fetch-all")
        defer { dir.cleanup() }
        try withServer { server in
            let result = try SourceIngest.fetch(fetcher: fetcher(server), dataDir: dir.path, date: "2026-11-01")
            #expect(result.counts == ["users": 208, "products": 194, "carts": 208, "posts": 251])
            #expect(result.records(.carts).map(\.id) == Array(1...208))
            let landing = dir.path + "/landing/2026-11-01"
            #expect(result.landingDirectory == landing)
            let userPages = try FileManager.default.contentsOfDirectory(atPath: landing + "/users").sorted()
            #expect(userPages == ["page-0.json", "page-100.json", "page-150.json", "page-200.json", "page-50.json"])
            let manifest = result.manifest
            #expect(manifest.resources["posts"]?.count == 251)
            #expect(manifest.resources["posts"]?.total == 251)
            #expect(manifest.resources["users"]?.pages.count == 5)
            #expect(manifest.resources["users"]?.pages.allSatisfy { $0.sha256.count == 64 } == true)

            // Reading the landing back verifies checksums and gives the same records.
            let reread = try SourceLanding.read(dataDir: dir.path, date: LogicalDate("2026-11-01"))
            #expect(reread.records == result.records)

            // A tampered page is caught by its checksum.
            try appendBytes([0x20], toFile: landing + "/users/page-50.json")
            let error = #expect(throws: SourceError.self) {
                try SourceLanding.read(dataDir: dir.path, date: LogicalDate("2026-11-01"))
            }
            #expect(error?.message.contains("users/page-50.json") == true)
        }
    }

    @Test func rerunReplacesTheLanding() throws {
        let dir = try TemporaryDirectory("fetch-rerun")
        defer { dir.cleanup() }
        try withServer { server in
            _ = try SourceIngest.fetch(fetcher: fetcher(server), dataDir: dir.path, date: "2026-11-02")
            let landing = dir.path + "/landing/2026-11-02"
            try Data("stale".utf8).write(to: URL(fileURLWithPath: landing + "/users/page-9999.json"))
            let big = SourceFetcher(configuration: FetchConfiguration(baseURL: server.baseURL, pageSize: 100))
            _ = try SourceIngest.fetch(resources: [.users], fetcher: big, dataDir: dir.path, date: "2026-11-02")
            #expect(try FileManager.default.contentsOfDirectory(atPath: landing).sorted() == ["manifest.json", "users"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: landing + "/users").sorted()
                == ["page-0.json", "page-100.json", "page-200.json"])
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/landing")
            #expect(leftovers == ["2026-11-02"])
        }
    }

    @Test func malformedPageFailsClearlyAndLandsNothing() throws {
        let dir = try TemporaryDirectory("fetch-malformed")
        defer { dir.cleanup() }
        let faults = Faults(rules: [.init(.wrongShape, requests: .numbers([2]), resource: .products)])
        try withServer(faults: faults) { server in
            let error = #expect(throws: SourceError.self) {
                try SourceIngest.fetch(fetcher: fetcher(server), dataDir: dir.path, date: "2026-11-03")
            }
            #expect(error?.kind == .malformedPage)
            #expect(error?.message == "products page skip=50: expected key 'products' to be an array")
            #expect(!FileManager.default.fileExists(atPath: dir.path + "/landing/2026-11-03"))
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir.path + "/landing")) ?? []
            #expect(entries.isEmpty)
        }
    }

    @Test func truncatedPageIsReportedAsInvalidJSON() throws {
        try withServer(faults: Faults(rules: [.init(.truncate, requests: .numbers([1]))])) { server in
            let error = #expect(throws: SourceError.self) { try fetcher(server).fetchAll(.posts) }
            #expect(error?.message.hasPrefix("posts page skip=0: not valid JSON") == true)
        }
    }

    @Test func serverErrorsAreRetriedWithBackoff() throws {
        let recorder = SleepRecorder()
        try withServer(faults: Faults(rules: [.init(.status(500), requests: .range(1...2))])) { server in
            let pages = try fetcher(server, recorder: recorder).fetchAll(.carts)
            #expect(pages.flatMap(\.records).count == 208)
            #expect(recorder.recorded == [0.5, 1.0])
            #expect(server.requestLog.prefix(3).map(\.status) == [500, 500, 200])
        }
    }

    @Test func rateLimitHonoursRetryAfter() throws {
        let recorder = SleepRecorder()
        try withServer(faults: Faults(rules: [.init(.rateLimit(retryAfterSeconds: 1), requests: .numbers([2]))])) { server in
            let pages = try fetcher(server, recorder: recorder).fetchAll(.users)
            #expect(pages.flatMap(\.records).count == 208)
            #expect(recorder.recorded == [1.0])
            #expect(server.requestLog.map(\.status).filter { $0 == 429 }.count == 1)
        }
    }

    @Test func persistentFailureNamesResourceURLAndReason() throws {
        let recorder = SleepRecorder()
        try withServer(faults: Faults(rules: [.init(.status(503), requests: .all, resource: .posts)])) { server in
            let error = #expect(throws: SourceError.self) {
                try fetcher(server, recorder: recorder, attempts: 3).fetchAll(.posts)
            }
            #expect(error?.kind == .unavailable)
            #expect(error?.message.contains("fetch posts failed after 3 attempts") == true)
            #expect(error?.message.contains(server.baseURL + "/posts?limit=50&skip=0") == true)
            #expect(error?.message.contains("HTTP 503") == true)
            #expect(recorder.recorded.count == 2)
        }
    }

    @Test func slowServerIsRetriedThenFailsWithATimeout() throws {
        let recorder = SleepRecorder()
        try withServer(faults: Faults(rules: [.init(.delay(milliseconds: 1500), requests: .all)])) { server in
            let error = #expect(throws: SourceError.self) {
                try fetcher(server, recorder: recorder, timeout: 0.3, attempts: 2).fetchAll(.users)
            }
            #expect(error?.kind == .unavailable)
            #expect(error?.message.contains("timed out") == true)
            #expect(error?.message.contains("fetch users failed after 2 attempts") == true)
            #expect(recorder.recorded.count == 1)
        }
    }

    @Test func slowResponseWithinTheTimeoutAfterARetrySucceeds() throws {
        let recorder = SleepRecorder()
        try withServer(faults: Faults(rules: [.init(.delay(milliseconds: 1500), requests: .numbers([1]))])) { server in
            let pages = try fetcher(server, recorder: recorder, timeout: 0.5, attempts: 3).fetchAll(.posts)
            #expect(pages.flatMap(\.records).count == 251)
            #expect(recorder.recorded.count == 1)
        }
    }

    @Test func refusedConnectionIsRetriedThenReported() throws {
        let recorder = SleepRecorder()
        let fetcher = SourceFetcher(configuration: FetchConfiguration(baseURL: "http://127.0.0.1:1", maxAttempts: 2),
                                    sleep: recorder.sleep)
        let error = #expect(throws: SourceError.self) { try fetcher.fetchAll(.users) }
        #expect(error?.message.contains("http://127.0.0.1:1/users") == true)
        #expect(recorder.recorded.count == 1)
    }

    @Test func badDateIsRejected() throws {
        #expect(throws: SourceError.self) { try LogicalDate("2026-13-01") }
        #expect(throws: SourceError.self) { try LogicalDate("2026-02-30") }
        #expect(throws: SourceError.self) { try LogicalDate("yesterday") }
        #expect(try LogicalDate("2026-11-01").startMillis == 1_793_491_200_000)
    }
}
