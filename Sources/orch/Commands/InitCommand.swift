import ArgumentParser
import Foundation
import OrchStore

/// `orch init PATH`: a new DAG bundle that builds and loads as it is.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a DAG bundle: a Swift package depending on orch's SDK, with one example DAG and one test.",
        discussion: "Then: orch serve --bundle PATH (orch builds it, and loads it).")

    @Argument(help: "The folder to create (must not exist, or be empty).") var path: String
    @Option(name: .customLong("orch-path"), help: "The orch repository the bundle depends on (default: the one this orch was built from).")
    var orchPath: String?
    @Option(name: .customLong("orch-url"), help: "Depend on orch by git URL instead of a path (with --orch-from).")
    var orchURL: String?
    @Option(name: .customLong("orch-from"), help: "The lowest orch version for --orch-url.") var orchFrom = "0.1.0"

    func run() throws {
        let folder = URL(fileURLWithPath: (path as NSString).expandingTildeInPath).standardizedFileURL
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: folder.path), !existing.isEmpty {
            throw CLIError("\(folder.path) exists and is not empty; name a new folder")
        }
        let dependency: String
        if let orchURL {
            dependency = ".package(url: \"\(orchURL)\", from: \"\(orchFrom)\")"
        } else {
            guard let root = orchPath.map({ URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath).standardizedFileURL })
                    ?? BundledFolder.locate("Sources/OrchSDK", containing: "OrchBundle.swift")?
                        .deletingLastPathComponent().deletingLastPathComponent() else {
                throw CLIError("cannot find orch's repository from this binary; give it with --orch-path, or use --orch-url")
            }
            dependency = ".package(name: \"orch\", path: \"\(root.path)\")"
        }
        let name = BundleScaffold.moduleName(folder.lastPathComponent)
        for (relative, text) in BundleScaffold.files(name: name, dependency: dependency) {
            let file = folder.appendingPathComponent(relative)
            try fm.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        print("created the bundle \(name) in \(folder.path)")
        print("  orch serve --bundle \(folder.path)     # builds it, loads hello_\(name.lowercased()), serves the dashboard")
        print("  (cd \(folder.path) && swift test)       # its DAGs validate")
        print("  (cd \(folder.path) && swift run \(name) dags test hello_\(name.lowercased()))   # one run here, nothing persisted")
    }
}
