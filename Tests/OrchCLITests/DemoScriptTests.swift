#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// `make demo` (scripts/demo.sh): its banner says where the dashboard and the state will be before the long
/// build starts, and the build prints progress (issue 16, item 13). Runs the real script in `--plan` mode, which
/// stops after the banner, and the real progress filter it sources, on made-up `swift build` output.
@Suite struct DemoScriptTests {
    private func bash(_ script: String, environment: [String: String] = [:], stdin: String = "") throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = repoRoot
        var env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        env.removeValue(forKey: "ORCH_API_TOKEN")
        p.environment = env
        let out = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardInput = input
        try p.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func planPrintsTheBannerWithTheSettingsAndStops() throws {
        let home = "/tmp/orch-demo-plan-\(UUID().uuidString)"
        let (status, out) = try bash("bash scripts/demo.sh --plan", environment: [
            "ORCH_PORT": "9123", "ORCH_HOME": home, "SHOPSTREAM_SOURCE_URL": "",
            "ORCH_WAREHOUSE_DSN": "postgresql://orch:s3cret@db.example/orch",
        ])
        #expect(status == 0, "\(out)")
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("orch demo: install what is missing") == true, "\(out)")
        #expect(lines.contains("   dashboard  http://127.0.0.1:9123  (ORCH_PORT)"), "\(out)")
        #expect(lines.contains { $0.contains("ORCH_HOME  \(home)") }, "\(out)")
        #expect(out.contains("bundled DummyJSON snapshot on 127.0.0.1:8090"))
        #expect(!out.contains("s3cret"), "the DSN's password is not printed")
        #expect(!out.contains("== installing"), "--plan stops before doing anything")
        #expect(!FileManager.default.fileExists(atPath: home))
    }

    @Test func buildProgressPrintsEachTenthAndEveryError() throws {
        let steps = (1...431).map { "[\($0)/431] Compiling Orch File\($0).swift" }
        let input = (steps[0..<200] + ["/x/y.swift:3:1: error: cannot find 'z' in scope"] + steps[200...]
            + ["Build complete! (240.12s)"]).joined(separator: "\n") + "\n"
        let (status, out) = try bash("source scripts/lib/progress.sh && build_progress", stdin: input)
        #expect(status == 0)
        let progress = out.split(separator: "\n").filter { $0.contains("building:") }
        #expect(progress.count == 10, "\(out)")
        #expect(progress.first?.contains("44/431 steps (10%)") == true, "\(out)")
        #expect(progress.last?.contains("431/431 steps (100%)") == true, "\(out)")
        #expect(out.contains("error: cannot find 'z' in scope"))
        #expect(out.hasSuffix("Build complete! (240.12s)\n"))
        #expect(!out.contains("Compiling Orch File5.swift"), "step lines themselves are not echoed")
    }

    /// The end of `make demo`: the address, the token and the active DAGs, read from a real `orch webserver`.
    @Test func readyPrintsTheAddressTheTokenAndTheActiveDAGs() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        #expect(try s.run("dags", "pause", "example_shell").status == 0)
        let port = 20_000 + Int(getpid() % 20_000)
        let server = try s.start(["webserver", "--port", String(port)])
        defer { server.stop(SIGTERM) }
        let tokenPath = s.home.appendingPathComponent("api-token").path
        let up = s.waitFor(30) {
            (try? String(contentsOfFile: tokenPath, encoding: .utf8)).map { !$0.isEmpty } == true
                && (try? bash("curl -fsS http://127.0.0.1:\(port)/api/v1/health >/dev/null").0) == 0
        }
        #expect(up, "\(server.stderr)")
        let (status, out) = try bash("source scripts/lib/ready.sh && print_ready \(port) '\(s.home.path)'")
        #expect(status == 0)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.first == "   dashboard    http://127.0.0.1:\(port)", "\(out)")
        let token = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(lines.contains { $0.hasPrefix("   API token    \(token)") }, "\(out)")
        let activeLine = try #require(lines.first { $0.hasPrefix("   active DAGs  ") })
        let active = activeLine.dropFirst("   active DAGs  ".count).components(separatedBy: ", ")
        let listed = try s.run("dags", "list").stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: " ")[0]) }
        #expect(Set(active) == Set(listed).subtracting(["example_shell", "example_fanout"]), "\(out)")
        #expect(active.contains("example_xcom"))
        #expect(!active.contains("example_fanout"), "an example with a schedule starts paused")
    }
}
