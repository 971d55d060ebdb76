#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// Hot reload (issue 13) with a real scheduler child process and a real bundle package built with `swift build`:
/// a tiny package without dependencies whose executable prints a manifest (taken from the test bundle's
/// example_shell, renamed `hot`). Editing it makes a new DAG version appear without a restart; breaking it shows
/// the import error while the last good version stays loaded; fixing it clears the error.
@Suite(.serialized)
struct CLIBundleReloadTests {
    /// example_shell's manifest entry from the test bundle, renamed `hot`, with `extra` tasks added (copies of
    /// its first task with another id).
    private func manifest(extra: [String]) throws -> String {
        var (manifest, dag) = try testBundleManifest(dag: "example_shell")
        var tasks = try #require(dag["tasks"] as? [[String: Any]])
        for id in extra {
            var t = tasks[0]
            t["id"] = id
            tasks.append(t)
        }
        dag["id"] = "hot"
        dag["tasks"] = tasks
        manifest["dags"] = [dag]
        manifest["dashboards"] = []
        return String(decoding: try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]), as: UTF8.self)
    }

    private func writeMain(_ pkg: URL, _ body: String) throws {
        try body.write(to: pkg.appendingPathComponent("Sources/hot/main.swift"), atomically: true, encoding: .utf8)
    }

    private func dagVersion(_ s: OrchSandbox) -> String? {
        (try? s.database().queryOne("SELECT version FROM dag WHERE dag_id = 'hot'"))?["version"].string
    }

    private func versionCount(_ s: OrchSandbox) -> Int {
        (try? s.database().queryOne("SELECT count(*) AS n FROM dag_version WHERE dag_id = 'hot'"))?["n"].int ?? 0
    }

    @Test func anEditedBundleIsReloadedWithoutARestartAndABrokenOneKeepsItsLastGoodVersion() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let pkg = s.home.appendingPathComponent("hotpkg")
        try FileManager.default.createDirectory(at: pkg.appendingPathComponent("Sources/hot"), withIntermediateDirectories: true)
        try """
        // swift-tools-version:6.0
        import PackageDescription
        let package = Package(name: "hot", targets: [.executableTarget(name: "hot")])
        """.write(to: pkg.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let v1Source = "print(#\"\(try manifest(extra: []))\"#)\n"
        let v2Source = "print(#\"\(try manifest(extra: ["added_task"]))\"#)\n"
        try writeMain(pkg, v1Source)

        let scheduler = try s.start(["scheduler", "--bundle", pkg.path],
                                    environment: ["ORCH_BUNDLE_POLL": "0.2", "ORCH_FORK_SERVER": "0"])
        defer { scheduler.stop(SIGTERM) }
        // The first build of the package happens at start.
        #expect(s.waitFor(300) { dagVersion(s) != nil }, "\(scheduler.stderr)")
        let v1 = try #require(dagVersion(s))
        // Built with the Swift runtime linked in (BundleBuilder.buildArguments): no libswiftCore to load.
        let libraries = try sharedLibraries(of: pkg.appendingPathComponent(".build/release/hot").path)
        #expect(libraries.contains { $0.hasPrefix("libc.so") } && !libraries.contains { $0.hasPrefix("libswift") },
                "\(libraries)")

        // Edit: a task is added; the scheduler rebuilds and loads it without a restart.
        let saved = Date()
        try writeMain(pkg, v2Source)
        #expect(s.waitFor(300) { dagVersion(s).map { $0 != v1 } ?? false }, "\(scheduler.stderr)")
        let visible = Date().timeIntervalSince(saved)
        let v2 = try #require(dagVersion(s))
        let manifest2 = try #require(try s.database().queryOne("SELECT manifest FROM dag_version WHERE dag_id = 'hot' AND version = ?", [v2])?["manifest"].string)
        #expect(manifest2.contains("added_task"))
        #expect(scheduler.process.isRunning)
        print("hot reload: new version visible \(String(format: "%.2f", visible)) s after the save (build included)")

        // Break it: the import error is logged, the last good version stays.
        try writeMain(pkg, v2Source + "let broken: Int = \"text\"\n")
        #expect(s.waitFor(300) { scheduler.stderr.contains("import error") && scheduler.stderr.contains("(build)") },
                "\(scheduler.stderr)")
        #expect(scheduler.stderr.contains("main.swift:2"))
        #expect(scheduler.stderr.contains("hot@\(v2.prefix(12))"), "the last good version is still loaded")
        #expect(dagVersion(s) == v2 && versionCount(s) == 2)

        // `orch dags versions` lists both, and the diff names the added task.
        let versions = try s.run(["dags", "versions", "hot"], environment: ["ORCH_BUNDLES": pkg.path])
        #expect(versions.stdout.contains(String(v1.prefix(12))) && versions.stdout.contains(String(v2.prefix(12))), "\(versions.output)")
        let diff = try s.run(["dags", "versions", "hot", "--diff", String(v1.prefix(12)), String(v2.prefix(12))],
                             environment: ["ORCH_BUNDLES": pkg.path])
        #expect(diff.status == 0 && diff.stdout.contains("+ task added_task"), "\(diff.output)")

        // Fix it: the error clears.
        let errorsBefore = scheduler.stderr.components(separatedBy: "import error").count
        try writeMain(pkg, v2Source + "// fixed\n")
        #expect(s.waitFor(300) { scheduler.stderr.contains("0 import error(s)") }, "\(scheduler.stderr)")
        #expect(scheduler.stderr.components(separatedBy: "import error").count - errorsBefore <= 1)
        #expect(scheduler.process.isRunning)
    }
}

/// The shared libraries an executable loads, as `ldd` lists them (their names).
private func sharedLibraries(of executable: String) throws -> [String] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
    p.arguments = [executable]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        .map { $0.trimmingCharacters(in: .whitespaces) }
}
