import Foundation
import OrchHTTPClient
import OrchHTTPServer
import Testing

/// A router like the API's: path parameters, query echo, JSON body echo, header echo.
private func makeRouter() -> Router {
    let router = Router()
    router.add("GET", "/api/v1/dags/{dag_id}/runs/{run_id}") { request in
        .json(encoding: request.pathParameters)
    }
    router.add("GET", "/api/v1/dags/{dag_id}/runs/latest") { _ in .text(200, "literal wins") }
    router.add("DELETE", "/api/v1/dags/{dag_id}/runs/{run_id}") { _ in HTTPResponse(status: 204) }
    router.add("GET", "/files/{path...}") { request in .text(200, request.pathParameters["path"] ?? "?") }
    router.add("GET", "/query") { request in .json(encoding: request.query) }
    router.add("POST", "/echo") { request in
        var response = HTTPResponse.json(200, Data(request.body))
        response.headers["X-Echo-Token"] = request.header("X-Token") ?? "none"
        response.headers["X-Echo-Multi"] = request.header("x-multi") ?? "none"
        response.headers["X-Remote"] = request.remoteAddress ?? "none"
        return response
    }
    router.add("GET", "/boom") { _ in .error(500, "deliberate failure") }
    return router
}

@Suite struct RoutingTests {
    let app: RunningServer

    init() throws {
        let router = makeRouter()
        app = try RunningServer(maxBodyBytes: 1024) { router.respond(to: $0) }
    }

    @Test func pathParametersAreCapturedAndDecoded() throws {
        let response = try app.get("/api/v1/dags/shop%20stream/runs/manual__2026-01-01T00:00:00+00:00")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        let json = try response.json()
        #expect(json["dag_id"] as? String == "shop stream")
        #expect(json["run_id"] as? String == "manual__2026-01-01T00:00:00+00:00")
    }

    @Test func literalSegmentBeatsParameterAndCatchAllKeepsSlashes() throws {
        #expect(try app.get("/api/v1/dags/x/runs/latest").text == "literal wins")
        #expect(try app.get("/files/a/b/c.txt").text == "a/b/c.txt")
    }

    @Test func unknownRouteIs404JSON() throws {
        let response = try app.get("/nope")
        #expect(response.status == 404)
        let json = try response.json()
        #expect(json["status"] as? Int == 404)
        #expect((json["message"] as? String)?.contains("/nope") == true)
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let response = try app.send("PUT", "/api/v1/dags/a/runs/b", body: [])
        #expect(response.status == 405)
        #expect(response.header("Allow") == "DELETE, GET, HEAD")
        #expect(try response.json()["status"] as? Int == 405)
        #expect(try app.send("DELETE", "/api/v1/dags/a/runs/b").status == 204)
    }

    @Test func headFallsBackToGetWithoutBody() throws {
        let response = try app.send("HEAD", "/api/v1/dags/a/runs/b")
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.header("Content-Length") == String(#"{"dag_id":"a","run_id":"b"}"#.utf8.count))
    }

    @Test func queryIsParsedAndDecoded() throws {
        let json = try app.get("/query?a=1&b=x+y&c=%C3%A9t%C3%A9&flag&a=2").json()
        #expect(json["a"] as? String == "1,2")   // a repeated name: values joined, as exploded arrays arrive
        #expect(json["b"] as? String == "x y")
        #expect(json["c"] as? String == "été")
        #expect(json["flag"] as? String == "")
    }

    @Test func jsonBodyAndHeadersRoundTrip() throws {
        let payload = #"{"conf":{"seed":42},"note":"héllo"}"#
        let response = try app.send("POST", "/echo",
                                    headers: [("Content-Type", "application/json"), ("X-Token", "secret-1"),
                                              ("X-Multi", "one"), ("X-Multi", "two")],
                                    body: Array(payload.utf8))
        #expect(response.status == 200)
        #expect(response.text == payload)
        #expect(response.header("x-echo-token") == "secret-1")
        #expect(response.header("X-Echo-Multi") == "one, two")
        #expect(response.header("X-Remote") == "127.0.0.1")
        #expect(response.header("X-Content-Type-Options") == "nosniff")
    }

    @Test func bodyOverTheLimitIs413AndServerKeepsWorking() throws {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 5000)
        // Declared with Content-Length, sent at once: drained without being stored, then refused.
        let drained = try app.send("POST", "/echo", headers: [("Expect", "")], body: big)
        #expect(drained.status == 413)
        #expect(try drained.json()["status"] as? Int == 413)
        // Asked first with Expect: 100-continue: refused before the body is sent.
        let asked = try app.send("POST", "/echo", headers: [("Expect", "100-continue")], body: big)
        #expect(asked.status == 413)
        // Exactly at the limit is fine.
        let atLimit = [UInt8](repeating: UInt8(ascii: "b"), count: 1024)
        #expect(try app.send("POST", "/echo", body: atLimit).body == atLimit)
    }

    @Test(arguments: ["/a%zz", "/a%4", "/a%ff", "/a%c3%28", "/a%00b", "/query?x=%zz"])
    func badPercentEncodingIs400(path: String) throws {
        let response = try app.get(path)
        #expect(response.status == 400)
        #expect(try response.json()["status"] as? Int == 400)
    }

    @Test func serverErrorStatusPassesThroughClient() throws {
        let response = try app.get("/boom")
        #expect(response.status == 500)
        #expect(try response.json()["message"] as? String == "deliberate failure")
    }
}

@Suite struct RouterUnitTests {
    @Test func noRouteIsNilAndTrailingSlashDoesNotMatch() {
        let router = Router()
        router.add("GET", "/a/{id}") { _ in .text(200, "ok") }
        #expect(router.handle(HTTPRequest(path: "/b")) == nil)
        #expect(router.handle(HTTPRequest(path: "/a/")) == nil)
        #expect(router.handle(HTTPRequest(path: "/a/1/")) == nil)
        #expect(router.handle(HTTPRequest(path: "/a/1"))?.status == 200)
    }
}
