import Foundation
import OrchHTTPClient
import OrchHTTPServer
import Testing

/// A temp tree: `<tmp>/web` is the served root; `<tmp>/Package.swift` and `<tmp>/secret.txt` sit outside it.
private struct StaticFixture {
    let dir: TempDirectory
    let root: String
    let app: RunningServer

    init() throws {
        dir = try TempDirectory()
        root = dir.path + "/web"
        try dir.write("Package.swift", "OUTSIDE-PACKAGE")
        try dir.write("secret.txt", "OUTSIDE-SECRET")
        try dir.write("web/index.html", "<h1>orch</h1>")
        try dir.write("web/app.js", "export const x = 1;")
        try dir.write("web/style.css", "body{}")
        try dir.write("web/icon.svg", "<svg/>")
        try dir.write("web/logo.png", "PNG")
        try dir.write("web/data.json", "{}")
        try dir.write("web/favicon.ico", "ICO")
        try dir.write("web/font.woff2", "WOFF2")
        try dir.write("web/docs/index.html", "<p>docs</p>")
        try FileManager.default.createSymbolicLink(atPath: root + "/escape.txt", withDestinationPath: "../secret.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/escape-dir", withDestinationPath: dir.path)
        try FileManager.default.createSymbolicLink(atPath: root + "/alias.js", withDestinationPath: "app.js")
        let files = StaticFiles(root: root)
        app = try RunningServer { request in
            files.handle(request) ?? .error(404, "not found")
        }
    }
}

@Suite struct StaticFilesTests {
    @Test func contentTypesAndCacheHeaders() throws {
        let fixture = try StaticFixture()
        defer { fixture.dir.cleanup() }
        let expected: [(String, String)] = [
            ("/", "text/html; charset=utf-8"),
            ("/index.html", "text/html; charset=utf-8"),
            ("/app.js", "text/javascript; charset=utf-8"),
            ("/style.css", "text/css; charset=utf-8"),
            ("/icon.svg", "image/svg+xml"),
            ("/logo.png", "image/png"),
            ("/data.json", "application/json"),
            ("/favicon.ico", "image/x-icon"),
            ("/font.woff2", "font/woff2"),
            ("/docs/", "text/html; charset=utf-8"),
            ("/alias.js", "text/javascript; charset=utf-8"),
        ]
        for (path, type) in expected {
            let response = try fixture.app.get(path)
            #expect(response.status == 200, "\(path)")
            #expect(response.header("Content-Type") == type, "\(path)")
            let cache = response.header("Cache-Control")
            #expect(cache == (type.hasPrefix("text/html") ? "no-cache" : "public, max-age=300"), "\(path)")
            #expect(response.header("ETag") != nil && response.header("Last-Modified") != nil, "\(path)")
            #expect(response.header("X-Content-Type-Options") == "nosniff")
        }
        #expect(try fixture.app.get("/").text == "<h1>orch</h1>")
        #expect(try fixture.app.get("/docs").text == "<p>docs</p>")
        #expect(try fixture.app.get("/missing.js").status == 404)
    }

    @Test func conditionalRequestsGet304() throws {
        let fixture = try StaticFixture()
        defer { fixture.dir.cleanup() }
        let first = try fixture.app.get("/app.js")
        let etag = try #require(first.header("ETag"))
        let lastModified = try #require(first.header("Last-Modified"))
        let byTag = try fixture.app.get("/app.js", headers: [("If-None-Match", etag)])
        #expect(byTag.status == 304)
        #expect(byTag.body.isEmpty)
        #expect(try fixture.app.get("/app.js", headers: [("If-Modified-Since", lastModified)]).status == 304)
        #expect(try fixture.app.get("/app.js", headers: [("If-None-Match", "W/\"other\"")]).status == 200)
        #expect(try fixture.app.get("/app.js", headers: [("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")])
            .status == 200)
    }

    @Test(arguments: [
        "/../Package.swift", "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/Package.swift", "/..%2fsecret.txt",
        "/docs/../../secret.txt", "/./index.html", "//etc/passwd", "/%2fetc/passwd", "/..%5csecret.txt",
        "/escape.txt", "/escape-dir/secret.txt", "/index.html%00.js", "/etc/passwd",
    ])
    func traversalIsRefused(path: String) throws {
        let fixture = try StaticFixture()
        defer { fixture.dir.cleanup() }
        let response = try fixture.app.get(path)
        #expect([400, 404].contains(response.status), "\(path) -> \(response.status)")
        #expect(!response.text.contains("OUTSIDE"))
        #expect(!response.text.contains("root:"))
    }

    @Test func handlerIgnoresOtherPrefixesAndMethods() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        try dir.write("a.css", "x")
        let files = StaticFiles(root: dir.path, urlPrefix: "/static")
        #expect(files.handle(HTTPRequest(path: "/static/a.css"))?.status == 200)
        #expect(files.handle(HTTPRequest(path: "/api/a.css")) == nil)
        #expect(files.handle(HTTPRequest(method: "POST", path: "/static/a.css")) == nil)
        #expect(files.handle(HTTPRequest(path: "/static/../a.css"))?.status == 400)
        #expect(files.handle(HTTPRequest(path: "/static/a\u{0}.css"))?.status == 400)
    }
}
