import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

/// What every command needs: ORCH_HOME, the DAGs, the state database.
struct CLIContext {
    let home: OrchHome

    init() throws {
        home = OrchHome.fromEnvironment()
        try home.prepare()
        try Self.checkHelperSettings()
    }

    /// Stops the command when ORCH_HELPER_IDLE_SECONDS is set to something ``HelperSwitches`` refuses (the pool
    /// itself would fall back to the default); `orch worker`, which has no context, calls it too.
    static func checkHelperSettings(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        do { _ = try HelperSwitches.idleSeconds(environment["ORCH_HELPER_IDLE_SECONDS"]) }
        catch let e as HelperSettingError { throw CLIError(e.message) }
    }

    /// The bundles' valid DAGs. Import errors are printed as warnings and never stop the command: one broken bundle
    /// or DAG leaves the others usable (`orch dags check` lists them and exits 1).
    func bag() throws -> DAGBag {
        let loaded = bundles()
        for e in loaded.errors { printError("warning: \(e)") }
        return loaded.bag
    }

    func bundles() -> LoadedBundles { BundleSelection.loaded(home) }

    func dag(_ id: String) throws -> DAG {
        let bag = try bag()
        guard let dag = bag.dag(id) else {
            throw CLIError(Self.unknownDAG(id, known: bag.dags.map(\.id)))
        }
        return dag
    }

    /// The DAG `id` and the bundles as loaded for it alone: from the manifest cache's per-DAG index when it can
    /// (no other DAG decoded), else from the full load. For commands about one DAG that also sync it.
    func dagAlone(_ id: String) throws -> (dag: DAG, loaded: LoadedBundles) {
        try dagAlone(id, located: BundleSelection.located(id, home))
    }

    /// As above, with the per-DAG index looked up already (`BundleSelection.located`; nil: the full load).
    func dagAlone(_ id: String, located: LocatedDAG?) throws -> (dag: DAG, loaded: LoadedBundles) {
        if let one = BundleSelection.loadedAlone(id, home, located: located), let dag = one.bag.dag(id) { return (dag, one) }
        let dag = try dag(id)
        return (dag, bundles().filtered { $0.id == id })
    }

    /// "no DAG 'x'", with the few known ids closest to it (all of them when there are only a few).
    static func unknownDAG(_ id: String, known: [String]) -> String {
        if known.isEmpty { return "no DAG '\(id)': no DAG is loaded (`orch dags check` lists import errors)" }
        if known.count <= 10 { return "no DAG '\(id)'. Known DAGs: \(known.joined(separator: ", "))" }
        let close = NameSuggestions.closest(to: id, among: known)
        let hint = close.isEmpty ? "" : " Did you mean \(close.map { "'\($0)'" }.joined(separator: ", "))?"
        return "no DAG '\(id)'.\(hint) `orch dags list` shows all \(known.count)."
    }

    /// Checks that `id` names a loaded DAG or one with history (its bundle gone or broken: its runs stay readable).
    func requireKnownDAG(_ id: String) throws {
        if bundles().bag.dag(id) != nil { return }
        if try store().dag(id) != nil { return }
        _ = try dag(id)   // the error naming the known DAGs
    }

    /// The state database: the SQLite file in ORCH_HOME, or PostgreSQL when ORCH_STATE_DSN is set.
    func store() throws -> SQLiteStateStore {
        try SQLStateStore(location: home.stateLocation())
    }

    /// Opens the store and makes sure the DAG rows exist (new DAGs start paused when configured so). An example
    /// with a schedule always starts paused: a fresh install runs nothing its user did not choose.
    func syncedStore(_ bag: DAGBag) throws -> SQLiteStateStore {
        try syncedStore(bag, loaded: bundles())
    }

    /// The same for `bag` as loaded in `loaded` (one DAG, from ``dagAlone(_:)``).
    func syncedStore(_ bag: DAGBag, loaded: LoadedBundles) throws -> SQLiteStateStore {
        let store = try store()
        try sync(store, bag: bag, loaded: loaded)
        return store
    }

    /// Makes sure the DAG rows of `bag` exist and records the versions `loaded` has of them (runs created from
    /// then on are pinned to these versions).
    func sync(_ store: SQLiteStateStore, bag: DAGBag, loaded: LoadedBundles) throws {
        let scheduledExample = { (d: DAG) in d.tags.contains("example") && d.schedule != nil }
        try store.syncDAGs(bag.dags.filter { !scheduledExample($0) },
                           pausedOnCreation: Settings.load(home).dagsArePausedAtCreation, now: Date())
        try store.syncDAGs(bag.dags.filter(scheduledExample), pausedOnCreation: true, now: Date())
        // Versions (issue 13): runs created from now on are pinned to the versions loaded now.
        let synced = Set(bag.dags.map(\.id))
        try BundleVersions.record(loaded.filtered { synced.contains($0.id) }, store: store, home: home, now: Date())
    }
}

extension CLIContext {
    /// Writes a state change made by this command to the audit log, as `cli:<unix user>` from `cli`.
    func audit(_ store: SQLiteStateStore, _ action: String, _ target: [String: String]) throws {
        try store.appendAudit(AuditEntry(actor: "cli:\(unixUser())", role: nil, action: action, target: target,
                                         source: "cli"), now: Date())
    }
}

/// The name of the user running this process (from the password database; the uid when it has no entry).
func unixUser() -> String {
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return "uid\(getuid())"
}

func printError(_ message: String) {
    StandardErrorLine.write(message + "\n")
}

/// Parses `--conf` JSON: it must be an object.
/// `--conf`: a JSON object, or `@FILE` to read it from a file (a conf larger than the 128 KiB one command-line
/// argument may hold).
func parseConf(_ argument: String?) throws -> [String: JSONValue] {
    guard let text = argument else { return [:] }
    do { return try TestRunOptions.conf(text) } catch { throw ValidationError(error.description) }
}

/// Parses `2026-11-20`, `2026-11-20T06:00:00Z` or `2026-11-20T06:00:00+01:00` on the proleptic Gregorian
/// calendar; an impossible date (`2026-02-30`) is refused, not rolled over.
func parseDate(_ text: String) throws -> Date {
    do { return try ISODate.parse(text) } catch { throw ValidationError("\(error)") }
}

/// Prints rows as aligned columns.
func printTable(_ header: [String], _ rows: [[String]]) {
    for line in tableLines(header, rows) { print(line) }
}

func formatDate(_ d: Date?) -> String { d.map(isoString) ?? "-" }

func formatDuration(_ start: Date?, _ end: Date?) -> String {
    guard let start, let end else { return "-" }
    let s = end.timeIntervalSince(start)
    return s < 10 ? String(format: "%.2fs", s) : String(format: "%.0fs", s)
}
