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

    public init(bag: DAGBag, executables: [String: String], bundles: [String: String], errors: [BundleImportError],
                dashboards: [Dashboard] = [], connectionDefaults: [ConnectionDefault] = []) {
        self.bag = bag
        self.executables = executables
        self.bundles = bundles
        self.errors = errors
        self.dashboards = dashboards
        self.connectionDefaults = connectionDefaults
    }
}

public enum BundleLoader {
    /// Seconds `describe` may take before it is killed (ORCH_DESCRIBE_TIMEOUT overrides).
    public static let defaultDescribeTimeout: Double = 30

    /// Loads `bundles` (folders holding a Package.swift, or executables), in order: a DAG id defined by two
    /// bundles stays with the first.
    public static func load(_ bundles: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> LoadedBundles {
        let timeout = environment["ORCH_DESCRIBE_TIMEOUT"].flatMap(Double.init) ?? defaultDescribeTimeout
        let childEnvironment = environment.filter { !TaskEnvironment.secrets.contains($0.key) }
        // Each bundle is built and described on a thread of its own; the results are merged in the order named.
        let results = ResultSlots<Result<(executable: String, manifest: BundleManifest), BundleImportError>>(count: bundles.count)
        DispatchQueue.concurrentPerform(iterations: bundles.count) { i in
            results.set(i, Result { () throws(BundleImportError) in
                let executable = try resolve(bundles[i], environment: childEnvironment)
                return (executable, try describe(executable, bundle: bundles[i], environment: childEnvironment, timeout: timeout))
            })
        }
        var dags: [DAG] = [], executables: [String: String] = [:], owners: [String: String] = [:]
        var errors: [BundleImportError] = []
        var dashboards: [Dashboard] = [], connectionDefaults: [ConnectionDefault] = []
        for (bundle, result) in zip(bundles, results.values) {
            let described: [DAG]
            let executable: String
            switch result {
            case .success(let loaded):
                executable = loaded.executable
                described = loaded.manifest.dags
                dashboards += loaded.manifest.dashboards
                connectionDefaults += loaded.manifest.connectionDefaults
            case .failure(let error):
                errors.append(error)
                continue
            }
            let (bag, invalid) = DAGBag.lenient(described)
            errors += invalid.map { BundleImportError(bundle: bundle, kind: .invalidDAG, dagId: $0.dagId, message: $0.description) }
            for dag in bag.dags {
                if let first = owners[dag.id] {
                    errors.append(BundleImportError(bundle: bundle, kind: .duplicateDAG, dagId: dag.id,
                                                    message: "DAG '\(dag.id)' is already defined by bundle \(first); this definition is ignored"))
                    continue
                }
                owners[dag.id] = bundle
                executables[dag.id] = executable
                dags.append(dag)
            }
        }
        return LoadedBundles(bag: DAGBag.lenient(dags).bag, executables: executables, bundles: owners, errors: errors,
                             dashboards: dashboards, connectionDefaults: connectionDefaults)
    }

    /// The executable of a bundle: the file itself, or the product of the package folder (built when stale).
    static func resolve(_ bundle: String, environment: [String: String]) throws(BundleImportError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: bundle, isDirectory: &isDirectory) else {
            throw BundleImportError(bundle: bundle, kind: .missing, message: "no bundle at \(bundle): its DAGs are off the list (their runs stay in the history)")
        }
        guard isDirectory.boolValue else {
            guard FileManager.default.isExecutableFile(atPath: bundle) else {
                throw BundleImportError(bundle: bundle, kind: .missing, message: "\(bundle) is neither a package folder nor an executable")
            }
            return bundle
        }
        guard FileManager.default.fileExists(atPath: (bundle as NSString).appendingPathComponent("Package.swift")) else {
            throw BundleImportError(bundle: bundle, kind: .missing, message: "\(bundle) holds no Package.swift (create a bundle with `orch init \(bundle)`)")
        }
        do { return try BundleBuilder.executable(folder: bundle, environment: environment) } catch {
            throw BundleImportError(bundle: bundle, kind: .build, message: error.message)
        }
    }

    /// Runs `executable describe` and decodes its manifest.
    static func describe(_ executable: String, bundle: String, environment: [String: String],
                         timeout: Double) throws(BundleImportError) -> BundleManifest {
        let result: BundleProcess.Result
        do { result = try BundleProcess.run(executable, ["describe"], environment: environment, timeout: timeout) } catch {
            throw BundleImportError(bundle: bundle, kind: .describe, message: "cannot start \(executable): \(error)")
        }
        let stderr = BundleBuilder.trimmedCompilerOutput(result.stderrText)
        if result.timedOut {
            throw BundleImportError(bundle: bundle, kind: .timeout,
                                    message: "`\(executable) describe` did not answer within \(timeout) s and was killed")
        }
        guard result.status == 0, !result.signaled else {
            let how = result.signaled ? "was killed by signal \(result.status)" : "exited with code \(result.status)"
            throw BundleImportError(bundle: bundle, kind: .describe,
                                    message: "`\(executable) describe` \(how)" + (stderr.isEmpty ? "" : ":\n\(stderr)"))
        }
        do { return try BundleManifest.decode(result.stdout) } catch {
            throw BundleImportError(bundle: bundle, kind: .describe,
                                    message: "`\(executable) describe` printed no valid manifest: \(error)")
        }
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
