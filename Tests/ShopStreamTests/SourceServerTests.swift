import Foundation
import OrchHTTPClient
import Testing
@testable import ShopStream
import ShopStreamSourceServer

@Suite("DummyJSONServer")
struct SourceServerTests {
    @Test func pagingMatchesTheDocumentedAPI() throws {
        try withServer { server in
            let defaults = try getJSON(server, "/users")
            #expect(defaults.status == 200)
            #expect((defaults.object?["users"] as? [Any])?.count == 30)
            #expect(defaults.object?["total"] as? Int == 208)
            #expect(defaults.object?["skip"] as? Int == 0)
            #expect(defaults.object?["limit"] as? Int == 30)

            let tail = try getJSON(server, "/users?skip=200")
            #expect((tail.object?["users"] as? [[String: Any]])?.first?["id"] as? Int == 201)
            #expect(tail.object?["limit"] as? Int == 8)
            #expect(tail.object?["skip"] as? Int == 200)

            let all = try getJSON(server, "/products?limit=0")
            #expect((all.object?["products"] as? [Any])?.count == 194)
            #expect(all.object?["limit"] as? Int == 194)

            let past = try getJSON(server, "/posts?skip=1000")
            #expect((past.object?["posts"] as? [Any])?.isEmpty == true)
            #expect(past.object?["limit"] as? Int == 0)

            let negative = try getJSON(server, "/carts?limit=-1")
            #expect(negative.object?["limit"] as? Int == 207)
        }
    }

    @Test func errorsMatchTheDocumentedAPI() throws {
        try withServer { server in
            let badLimit = try getJSON(server, "/users?limit=abc")
            #expect(badLimit.status == 400)
            #expect(badLimit.object?["message"] as? String == "Invalid 'limit' - must be a number")
            #expect(try getJSON(server, "/users?skip=x").object?["message"] as? String == "Invalid 'skip' - must be a number")
            #expect(try getJSON(server, "/users?order=up").status == 400)
            #expect(try getJSON(server, "/users?delay=6000").status == 400)

            let missingUser = try getJSON(server, "/users/999")
            #expect(missingUser.status == 404)
            #expect(missingUser.object?["message"] as? String == "User with id '999' not found")
            #expect(try getJSON(server, "/users/abc").object?["message"] as? String == "Invalid user id 'abc'")
            #expect(try getJSON(server, "/products/abc").object?["message"] as? String == "Product with id 'abc' not found")
            #expect(try getJSON(server, "/carts/0").status == 404)

            let unknown = try HTTPClient().send(HTTPClientRequest(url: server.baseURL + "/nope"))
            #expect(unknown.status == 404)
            #expect(unknown.headers["content-type"]?.hasPrefix("text/html") == true)
            let slash = try HTTPClient().send(HTTPClientRequest(url: server.baseURL + "/users/"))
            #expect(slash.status == 301)
            #expect(slash.headers["location"] == "/users")
        }
    }

    @Test func singleRecordsAndSelect() throws {
        try withServer { server in
            let user = try getJSON(server, "/users/1")
            #expect(user.object?["id"] as? Int == 1)
            #expect(user.object?["firstName"] as? String != nil)
            let selected = try getJSON(server, "/products?limit=2&select=title,price")
            let first = (selected.object?["products"] as? [[String: Any]])?.first
            #expect(first.map { Set($0.keys) } == ["id", "title", "price"])
            // Carts ignore select, as upstream does.
            let carts = try getJSON(server, "/carts?limit=1&select=total")
            #expect(((carts.object?["carts"] as? [[String: Any]])?.first?.keys.count ?? 0) > 2)
        }
    }

    @Test func recordsAreServedByteForByteFromTheFixture() throws {
        try withServer { server in
            let response = try HTTPClient().send(HTTPClientRequest(url: server.baseURL + "/posts/7"))
            let fixture = try Data(contentsOf: URL(fileURLWithPath: fixturesDirectory + "/posts.json"))
            let text = String(decoding: fixture, as: UTF8.self)
            #expect(response.status == 200)
            let post = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect((post["id"] as? Int) == 7)
            #expect(text.contains(String(decoding: response.body, as: UTF8.self)))
        }
    }

    @Test func faultSyntaxParses() throws {
        let faults = try Faults.parse("products/shape@2; 500@1-2;429:3@5;delay:200@*;truncate@1,4")
        #expect(faults.rules.count == 5)
        #expect(faults.rules[0] == .init(.wrongShape, requests: .numbers([2]), resource: .products))
        #expect(faults.rules[1] == .init(.status(500), requests: .range(1...2)))
        #expect(faults.rules[2].action == .rateLimit(retryAfterSeconds: 3))
        #expect(faults.rules[3] == .init(.delay(milliseconds: 200), requests: .all))
        #expect(try Faults.fromEnvironment([:]) == .none)
        for bad in ["500", "boom@1", "widgets/500@1", "500@0", "500@3-1", "delay@1"] {
            #expect(throws: SourceError.self) { try Faults.parse(bad) }
        }
    }

    @Test func injectedFaultsAreServed() throws {
        let faults = Faults(rules: [
            .init(.status(503), requests: .numbers([1])),
            .init(.rateLimit(retryAfterSeconds: 2), requests: .numbers([2])),
            .init(.truncate, requests: .numbers([3])),
        ])
        try withServer(faults: faults) { server in
            let client = HTTPClient()
            let url = server.baseURL + "/users?limit=5"
            #expect(try client.send(HTTPClientRequest(url: url)).status == 503)
            let limited = try client.send(HTTPClientRequest(url: url))
            #expect(limited.status == 429)
            #expect(limited.headers["retry-after"] == "2")
            let truncated = try client.send(HTTPClientRequest(url: url))
            #expect((try? JSONSerialization.jsonObject(with: Data(truncated.body))) == nil)
            #expect(try client.send(HTTPClientRequest(url: url)).status == 200)
            #expect(server.requestLog.map(\.status) == [503, 429, 200, 200])
        }
    }

    @Test func missingFixturesDirectoryIsAClearError() {
        let error = #expect(throws: SourceError.self) {
            _ = try DummyJSONServer(fixturesDirectory: "/nonexistent/fixtures")
        }
        #expect(error?.message.contains("/nonexistent/fixtures/users.json") == true)
    }
}
