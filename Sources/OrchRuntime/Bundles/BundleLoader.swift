import Foundation
import OrchCore

/// The DAGs of every configured bundle, validated, with the executable that runs each DAG's tasks and every import
/// error. Loading never fails as a whole: a bundle that does not build or describe, and a DAG that does not
/// validate, become import errors and the rest loads.
public struct LoadedBundles: Sendable {
    public let bag: DAGBag
    /// DAG id → the bundle executable that runs its tasks.
    public let executables: [String: String]
    /// DAG id → the bundle (as configured) that defines it.
    public let bundles: [String: String]
    public let errors: [BundleImportError]
    /// Every bundle's Insights dashboards and connection defaults, in bundle order.
    public let dashboards: [Dashboard]
    public let connectionDefaults: [ConnectionDefault]
    /// DAG id → the version loaded now (issue 13).
    public let versions: [String: DAGVersion]

    public init(bag: DAGBag, executables: [String: String], bundles: [String: String], errors: [BundleImportError],
                dashboards: [Dashboard] = [], connectionDefaults: [ConnectionDefault] = [],
                versions: [String: DAGVersion] = [:]) {
        self.bag = bag
        self.executables = executables
        self.bundles = bundles
        self.errors = errors
        self.dashboards = dashboards
        self.connectionDefaults = connectionDefaults
        self.versions = versions
    }

    /// The manifest entry the version of `dagId` was hashed from, encoded again from the DAG (the encoding is
    /// deterministic: ``BundleManifest/entry(_:)`` with sorted keys; nil for a DAG not loaded). Only a version the
    /// store has not seen needs it (``BundleVersions/record(_:store:home:now:)``).
    public func manifestEntry(_ dagId: String) -> String? {
        bag.dag(dagId).flatMap { try? BundleManifest.entry($0) }
    }

    /// The same bundles with only the DAGs `keep` accepts (the examples left out when `load_examples` is off).
    public func filtered(_ keep: (DAG) -> Bool) -> LoadedBundles {
        let kept = bag.dags.filter(keep)
        let ids = Set(kept.map(\.id))
        return LoadedBundles(bag: DAGBag.lenient(kept).bag, executables: executables.filter { ids.contains($0.key) },
                             bundles: bundles.filter { ids.contains($0.key) }, errors: errors, dashboards: dashboards,
                             connectionDefaults: connectionDefaults, versions: versions.filter { ids.contains($0.key) })
    }
}

public enum BundleLoader {
    /// Seconds `describe` may take before it is killed (ORCH_DESCRIBE_TIMEOUT overrides).
    public static let defaultDescribeTimeout: Double = 30

    /// Loads `bundles` (folders holding a Package.swift, or executables), in order: a DAG id defined by two
    /// bundles stays with the first. With a `cache`, an executable described before (same file) is not
    /// described again.
    public static func load(_ bundles: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                            cache: BundleManifestCache? = nil) -> LoadedBundles {
        let timeout = environment["ORCH_DESCRIBE_TIMEOUT"].flatMap(Double.init) ?? defaultDescribeTimeout
        let childEnvironment = environment.filter { !TaskEnvironment.secrets.contains($0.key) }
        // Each bundle is built and described on a thread of its own; the results are merged in the order named.
        let results = ResultSlots<Result<Described, BundleImportError>>(count: bundles.count)
        DispatchQueue.concurrentPerform(iterations: bundles.count) { i in
            results.set(i, Result { () throws(BundleImportError) in
                let resolved = try resolve(bundles[i], environment: childEnvironment)
                var described = try describeOnce(resolved.executable, bundle: bundles[i], environment: childEnvironment,
                                                 timeout: timeout, cache: cache)
                described.buildError = resolved.buildError
                return described
            })
        }
        var dags: [DAG] = [], executables: [String: String] = [:], owners: [String: String] = [:]
        var versions: [String: DAGVersion] = [:]
        var errors: [BundleImportError] = []
        var dashboards: [Dashboard] = [], connectionDefaults: [ConnectionDefault] = []
        for (bundle, result) in zip(bundles, results.values) {
            let described: [DAG]
            let executable: String, sha256: String
            switch result {
            case .success(let loaded):
                if let e = loaded.buildError { errors.append(e) }
                executable = loaded.executable
                sha256 = loaded.sha256
                described = loaded.manifest.dags
                dashboards += loaded.manifest.dashboards
                connectionDefaults += loaded.manifest.connectionDefaults
            case .failure(let error):
                errors.append(error)
                continue
            }
            let (bag, invalid) = DAGBag.lenient(described)
            errors += invalid.map { BundleImportError(bundle: bundle, kind: .invalidDAG, dagId: $0.dagId, message: $0.description) }
            let entries = manifestEntries(bag.dags, executableSHA256: sha256, index: cache?.dags)
            for dag in bag.dags {
                if let first = owners[dag.id] {
                    errors.append(BundleImportError(bundle: bundle, kind: .duplicateDAG, dagId: dag.id,
                                                    message: "DAG '\(dag.id)' is already defined by bundle \(first); this definition is ignored"))
                    continue
                }
                guard let entry = entries[dag.id] else {
                    errors.append(BundleImportError(bundle: bundle, kind: .describe, dagId: dag.id,
                                                    message: "DAG '\(dag.id)' cannot be encoded as a manifest entry"))
                    continue
                }
                let version = DAGVersion(dagId: dag.id, manifest: entry, bundle: bundle, executable: executable,
                                         executableSHA256: sha256)
                owners[dag.id] = bundle
                executables[dag.id] = executable
                versions[dag.id] = version
                dags.append(dag)
            }
        }
        return LoadedBundles(bag: DAGBag.lenient(dags).bag, executables: executables, bundles: owners, errors: errors,
                             dashboards: dashboards, connectionDefaults: connectionDefaults, versions: versions)
    }

    /// Each DAG's manifest entry (the text its version is hashed from): read from `index` when it holds this
    /// executable's DAGs, else encoded, and then written to `index` for the next command.
    static func manifestEntries(_ dags: [DAG], executableSHA256 sha256: String, index: BundleDAGIndex?) -> [String: String] {
        if let index, let ids = index.ids(sha256), Set(ids) == Set(dags.map(\.id)) {
            var read: [String: String] = [:]
            for id in ids {
                guard let text = index.entry(sha256, dagId: id) else { break }
                read[id] = text
            }
            if read.count == dags.count { return read }
        }
        var encoded: [String: String] = [:]
        for dag in dags { encoded[dag.id] = try? BundleManifest.entry(dag) }
        index?.write(sha256, entries: dags.compactMap { d in encoded[d.id].map { (d.id, $0) } })
        return encoded
    }

    /// The bundles' definition of one DAG, read from the cache's ``BundleDAGIndex`` without decoding any other
    /// DAG: what a command about one DAG needs (`orch trigger`). The bundles are looked at in order, as by
    /// ``load(_:environment:cache:)`` (the first bundle defining a valid DAG of that id owns it). Nil when the
    /// answer needs the full load: a bundle not in the cache as it is now (changed, never loaded, a failed
    /// build), or a DAG id no bundle defines (the full load says why).
    public static func loadOne(_ dagId: String, from bundles: [String],
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               cache: BundleManifestCache) -> LoadedBundles? {
        locate(dagId, from: bundles, environment: environment, cache: cache).flatMap(loadOne)
    }

    /// The version of `dagId` the per-DAG index holds: its bundle, executable and manifest entry (the first half
    /// of ``loadOne(_:from:environment:cache:)``, which decodes no DAG yet); nil when the answer needs the full load.
    public static func locate(_ dagId: String, from bundles: [String],
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              cache: BundleManifestCache) -> LocatedDAG? {
        let childEnvironment = environment.filter { !TaskEnvironment.secrets.contains($0.key) }
        for bundle in bundles {
            guard let resolved = try? resolve(bundle, environment: childEnvironment), resolved.buildError == nil,
                  let sha256 = cache.knownSHA256(resolved.executable), let ids = cache.dags.ids(sha256) else { return nil }
            guard ids.contains(dagId) else { continue }
            guard let entry = cache.dags.entry(sha256, dagId: dagId) else { return nil }
            return LocatedDAG(version: DAGVersion(dagId: dagId, manifest: entry, bundle: bundle,
                                                  executable: resolved.executable, executableSHA256: sha256),
                              manifest: entry)
        }
        return nil
    }

    /// The DAG `located` names, decoded from its entry (the second half of ``loadOne(_:from:environment:cache:)``).
    public static func loadOne(_ located: LocatedDAG) -> LoadedBundles? {
        guard let dag = try? BundleManifest.dag(fromEntry: located.manifest), dag.id == located.dagId,
              case (let bag, let invalid) = DAGBag.lenient([dag]), invalid.isEmpty else { return nil }
        let version = located.version
        return LoadedBundles(bag: bag, executables: [version.dagId: version.executable],
                             bundles: [version.dagId: version.bundle], errors: [], versions: [version.dagId: version])
    }

    /// A bundle executable with its sha256 and its manifest.
    struct Described: Sendable {
        let executable: String
        let sha256: String
        let manifest: BundleManifest
        /// The build failed and this is the last good executable.
        var buildError: BundleImportError? = nil
    }

    /// The manifest of `executable`: from the cache when the file is the one described before, else `describe`.
    static func describeOnce(_ executable: String, bundle: String, environment: [String: String],
                             timeout: Double, cache: BundleManifestCache?) throws(BundleImportError) -> Described {
        let run = { (exe: String) throws(BundleImportError) -> Data in
            try describeOutput(exe, bundle: bundle, environment: environment, timeout: timeout)
        }
        let sha256: String, text: Data
        if let cache {
            (sha256, text) = try cache.lookup(executable, describe: run, bundle: bundle)
        } else {
            do { sha256 = try FileDigest.sha256(of: executable) } catch {
                throw BundleImportError(bundle: bundle, kind: .missing, message: "\(error)")
            }
            text = try run(executable)
        }
        do { return Described(executable: executable, sha256: sha256, manifest: try BundleManifest.decode(text)) } catch {
            throw BundleImportError(bundle: bundle, kind: .describe,
                                    message: "`\(executable) describe` printed no valid manifest: \(error)")
        }
    }

    /// The executable of a bundle: the file itself, or the product of the package folder (built when stale).
    /// A failed build of a folder that built before keeps its last good executable, with the build error beside.
    static func resolve(_ bundle: String, environment: [String: String]) throws(BundleImportError)
        -> (executable: String, buildError: BundleImportError?) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: bundle, isDirectory: &isDirectory) else {
            throw BundleImportError(bundle: bundle, kind: .missing, message: "no bundle at \(bundle): its DAGs are off the list (their runs stay in the history)")
        }
        guard isDirectory.boolValue else {
            guard FileManager.default.isExecutableFile(atPath: bundle) else {
                throw BundleImportError(bundle: bundle, kind: .missing, message: "\(bundle) is neither a package folder nor an executable")
            }
            return (bundle, nil)
        }
        guard FileManager.default.fileExists(atPath: (bundle as NSString).appendingPathComponent("Package.swift")) else {
            throw BundleImportError(bundle: bundle, kind: .missing, message: "\(bundle) holds no Package.swift (create a bundle with `orch init \(bundle)`)")
        }
        do { return (try BundleBuilder.executable(folder: bundle, environment: environment), nil) } catch {
            let failure = BundleImportError(bundle: bundle, kind: .build, message: error.message)
            guard let lastGood = error.lastGood else { throw failure }
            var kept = failure
            kept.message += "\n(the last good build stays loaded until this is fixed)"
            return (lastGood, kept)
        }
    }

    /// Runs `executable describe` and returns what it printed (the manifest, not yet decoded).
    static func describeOutput(_ executable: String, bundle: String, environment: [String: String],
                               timeout: Double) throws(BundleImportError) -> Data {
        let result: BundleProcess.Result
        do { result = try BundleProcess.run(executable, ["describe"], environment: environment, timeout: timeout) } catch {
            throw BundleImportError(bundle: bundle, kind: .describe, message: "cannot start \(executable): \(error)")
        }
        let stderr = BundleBuilder.trimmedCompilerOutput(result.stderrText)
        if result.timedOut {
            throw BundleImportError(bundle: bundle, kind: .timeout,
                                    message: "`\(executable) describe` did not answer within \(timeout) s and was killed")
        }
        guard result.exit == .exited(0) else {
            throw BundleImportError(bundle: bundle, kind: .describe,
                                    message: "`\(executable) describe` \(result.exit.howItEnded)" + (stderr.isEmpty ? "" : ":\n\(stderr)"))
        }
        return result.stdout
    }
}

/// One result per index, written from concurrent threads.
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.withLock { slots[i] = value } }
    var values: [T] { lock.withLock { slots.compactMap { $0 } } }
}
