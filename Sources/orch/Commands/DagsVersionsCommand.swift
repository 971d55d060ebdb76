import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

/// `orch dags versions DAG [--diff A B]`: a DAG's versions (issue 13), and what changed between two of them.
struct DagsVersions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "List a DAG's versions (oldest first; * marks the one loaded now), or show what changed between two.",
        discussion: "A version is the sha256 of the DAG's manifest entry and of its bundle executable; each run records the version it was created with and runs every task on it. A version may be given by a prefix (the 12 characters shown).")

    @Argument(help: "DAG id") var dagId: String
    @Option(parsing: .upToNextOption, help: "Two versions (A B): tasks added, removed, with changed upstream tasks or otherwise changed, the schedule, other settings, the code.")
    var diff: [String] = []

    func validate() throws {
        if !diff.isEmpty && diff.count != 2 { throw ValidationError("--diff takes two versions: --diff A B") }
    }

    func run() throws {
        let ctx = try CLIContext()
        try ctx.requireKnownDAG(dagId)
        let store = try ctx.syncedStore(try ctx.bag())
        if diff.count == 2 {
            let a = try version(diff[0], store: store), b = try version(diff[1], store: store)
            for line in try VersionDiffText.lines(a, b) { print(line) }
            return
        }
        let versions = try store.dagVersions(dagId: dagId)
        guard !versions.isEmpty else {
            print("DAG \(dagId) has no recorded version (its bundle has not been loaded since versions exist)")
            return
        }
        let current = try store.dag(dagId)?.version
        let runs = try store.runCountsByVersion(dagId: dagId)
        printTable(["", "version", "created", "tasks", "runs", "executable_sha256", "bundle"], versions.map { v in
            let tasks = (try? BundleManifest.dag(fromEntry: v.manifest).tasks.count).map(String.init) ?? "?"
            return [v.version == current ? "*" : "", DAGVersion.short(v.version), formatDate(v.createdAt), tasks,
                    String(runs[v.version] ?? 0), String(v.executableSHA256.prefix(12)), v.bundle]
        })
    }

    private func version(_ prefix: String, store: SQLiteStateStore) throws -> DAGVersionRecord {
        let found = try store.dagVersions(dagId: dagId, prefix: prefix)
        if let exact = found.first(where: { $0.version == prefix }) { return exact }
        switch found.count {
        case 1: return found[0]
        case 0: throw CLIError("DAG '\(dagId)' has no version starting with '\(prefix)' (see `orch dags versions \(dagId)`)")
        default: throw CLIError("'\(prefix)' names \(found.count) versions of DAG '\(dagId)'; give more characters")
        }
    }
}

/// The text of a version diff.
enum VersionDiffText {
    static func lines(_ a: DAGVersionRecord, _ b: DAGVersionRecord) throws -> [String] {
        let old = try BundleManifest.dag(fromEntry: a.manifest), new = try BundleManifest.dag(fromEntry: b.manifest)
        let d = DAGDiff(from: old, to: new)
        var out = ["DAG \(a.dagId): \(DAGVersion.short(a.version)) -> \(DAGVersion.short(b.version))"]
        for t in d.added { out.append("+ task \(t)" + (new.task(t).map { deps($0.upstream) } ?? "")) }
        for t in d.removed { out.append("- task \(t)") }
        for c in d.dependencies {
            out.append("~ task \(c.taskId): upstream [\(c.before.joined(separator: ", "))] -> [\(c.after.joined(separator: ", "))]")
        }
        for t in d.changed { out.append("~ task \(t): definition changed") }
        if let s = d.schedule { out.append("~ schedule: \(s.before ?? "None") -> \(s.after ?? "None")") }
        for k in d.settings { out.append("~ setting \(k) changed") }
        if a.executableSHA256 != b.executableSHA256 {
            out.append("~ code: executable \(a.executableSHA256.prefix(12)) -> \(b.executableSHA256.prefix(12))")
        }
        if d.isEmpty && a.executableSHA256 == b.executableSHA256 { out.append("no difference") }
        return out
    }

    private static func deps(_ upstream: [String]) -> String {
        upstream.isEmpty ? "" : " (upstream: \(upstream.joined(separator: ", ")))"
    }
}
