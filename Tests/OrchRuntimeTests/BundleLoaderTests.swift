import Foundation
import OrchCore
import OrchRuntime
import Testing

/// Loading bundles: every import error is reported and none stops the rest. A bundle executable is any program
/// answering `describe`; these tests use real child processes (shell scripts printing a manifest, and one real
/// SwiftPM package built with `swift build`).
struct BundleLoaderTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("orch-bundles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    /// An executable script named `name` whose `describe` runs `body` (sh).
    private func script(_ name: String, _ body: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try "#!/bin/sh\n[ \"$1\" = describe ] || exit 2\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    /// A script bundle describing `dags`.
    private func bundle(_ name: String, _ dags: [DAG]) throws -> String {
        let json = String(decoding: try BundleManifest(dags: dags).encoded(), as: UTF8.self)
        return try script(name, "cat <<'MANIFEST'\n\(json)\nMANIFEST")
    }

    private func shellDAG(_ id: String) -> DAG { DAG(id) { d in d.shell("t", "true") } }

    @Test func dagsOfSeveralBundlesLoadWithTheirExecutables() throws {
        let a = try bundle("a", [shellDAG("one"), shellDAG("two")])
        let b = try bundle("b", [shellDAG("three")])
        let loaded = BundleLoader.load([a, b])
        #expect(loaded.errors.isEmpty)
        #expect(loaded.bag.dags.map(\.id) == ["one", "three", "two"])
        #expect(loaded.executables == ["one": a, "two": a, "three": b])
        #expect(loaded.bag.dag("two")?.task("t")?.kind == "shell")
    }

    @Test func aCycleDropsOnlyThatDAG() throws {
        let cyclic = DAG("cyclic", tasks: [TaskSpec(id: "a", action: .shell("true"), upstream: ["b"]),
                                           TaskSpec(id: "b", action: .shell("true"), upstream: ["a"])])
        let a = try bundle("a", [shellDAG("fine"), cyclic])
        let loaded = BundleLoader.load([a])
        #expect(loaded.bag.dags.map(\.id) == ["fine"])
        let error = try #require(loaded.errors.first)
        #expect(loaded.errors.count == 1 && error.kind == .invalidDAG && error.dagId == "cyclic" && error.bundle == a)
        #expect(error.message.contains("cycle"), "\(error)")
    }

    @Test func theSameDAGIdInTwoBundlesStaysWithTheFirst() throws {
        let a = try bundle("a", [shellDAG("shared")])
        let b = try bundle("b", [shellDAG("shared"), shellDAG("own")])
        let loaded = BundleLoader.load([a, b])
        #expect(loaded.executables["shared"] == a && loaded.executables["own"] == b)
        #expect(loaded.errors.map(\.kind) == [.duplicateDAG] && loaded.errors.first?.bundle == b)
        #expect(loaded.errors.first?.message.contains("already defined by bundle \(a)") == true)
    }

    @Test func aDescribeThatCrashesIsAnImportError() throws {
        let good = try bundle("good", [shellDAG("fine")])
        let crash = try script("crash", "echo 'about to crash' >&2\nkill -SEGV $$")
        let loaded = BundleLoader.load([crash, good])
        #expect(loaded.bag.dags.map(\.id) == ["fine"])
        let error = try #require(loaded.errors.first)
        #expect(error.kind == .describe && error.bundle == crash)
        #expect(error.message.contains("killed by signal 11") && error.message.contains("about to crash"), "\(error)")
    }

    @Test func aDescribeThatHangsIsKilledAfterTheTimeout() throws {
        let hang = try script("hang", "exec sleep 60")
        let started = Date()
        let loaded = BundleLoader.load([hang], environment: ["ORCH_DESCRIBE_TIMEOUT": "1", "PATH": "/usr/bin:/bin"])
        #expect(Date().timeIntervalSince(started) < 30, "the hung describe was not killed")
        #expect(loaded.errors.map(\.kind) == [.timeout] && loaded.bag.dags.isEmpty)
    }

    @Test func garbageOnStdoutAndAnErrorExitAreImportErrors() throws {
        let garbage = try script("garbage", "echo 'not json'")
        let failing = try script("failing", "echo 'Fatal error: no config' >&2\nexit 3")
        let loaded = BundleLoader.load([garbage, failing])
        #expect(loaded.errors.map(\.kind) == [.describe, .describe])
        #expect(loaded.errors[0].message.contains("no valid manifest"))
        #expect(loaded.errors[1].message.contains("exited with code 3") && loaded.errors[1].message.contains("no config"))
    }

    @Test func aMissingBundleIsAnImportError() throws {
        let gone = dir.appendingPathComponent("gone").path
        let empty = dir.appendingPathComponent("empty-folder")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let loaded = BundleLoader.load([gone, empty.path])
        #expect(loaded.errors.map(\.kind) == [.missing, .missing])
        #expect(loaded.errors[1].message.contains("no Package.swift"))
    }

    @Test func aManifestFromANewerSDKIsRefused() throws {
        let newer = try script("newer", #"echo '{"format": 99, "dags": []}'"#)
        let loaded = BundleLoader.load([newer])
        #expect(loaded.errors.first?.message.contains("manifest format 99 is newer") == true)
    }

    /// A package folder is built with `swift build` (a real, tiny package without dependencies whose executable
    /// prints a manifest by hand), rebuilt when a source changes, and a compile error comes back trimmed.
    @Test func aPackageFolderIsBuiltAndACompileErrorIsReported() throws {
        let pkg = dir.appendingPathComponent("tiny")
        let sources = pkg.appendingPathComponent("Sources/tiny")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        try """
        // swift-tools-version:6.0
        import PackageDescription
        let package = Package(name: "tiny", targets: [.executableTarget(name: "tiny")])
        """.write(to: pkg.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let manifest = String(decoding: try BundleManifest(dags: [shellDAG("from_package")]).encoded(), as: UTF8.self)
        let main = sources.appendingPathComponent("main.swift")
        try "print(#\"\(manifest)\"#)\n".write(to: main, atomically: true, encoding: .utf8)
        let built = BundleLoader.load([pkg.path])
        #expect(built.errors.isEmpty, "\(built.errors)")
        #expect(built.bag.dags.map(\.id) == ["from_package"])
        #expect(built.executables["from_package"]?.hasSuffix("/.build/release/tiny") == true)

        try "print(#\"\(manifest)\"#)\nlet broken: Int = \"text\"\n".write(to: main, atomically: true, encoding: .utf8)
        let broken = BundleLoader.load([pkg.path])
        let error = try #require(broken.errors.first)
        #expect(error.kind == .build && error.message.contains("error:") && error.message.contains("main.swift:2"), "\(error)")
        // The last good build stays loaded beside the error (issue 13: a broken rebuild never takes a DAG away).
        #expect(broken.bag.dags.map(\.id) == ["from_package"])
        #expect(error.message.contains("last good build stays loaded"))
        // Until a file changes again, the failure is reported without building again (no second compile).
        let again = BundleLoader.load([pkg.path])
        #expect(again.errors.first?.message == error.message && again.bag.dags.map(\.id) == ["from_package"])
    }
}
