import Foundation

/// DAG versions (issue 13): a run is evaluated with the DAG version it was created with, whatever was loaded
/// since. The runtime registers a version's DAG before handing the machine a run pinned to it; a reload replaces
/// the DAGs as loaded now and leaves the versions in-flight runs use.
extension EngineStateMachine {
    /// `id@version`, or the DAG id for a run without a recorded version.
    public static func planKey(dagId: String, version: String?) -> String {
        version.map { "\(dagId)@\($0)" } ?? dagId
    }

    /// Whether runs pinned to this version can be evaluated.
    public func hasVersion(dagId: String, version: String) -> Bool {
        plans[Self.planKey(dagId: dagId, version: version)] != nil
    }

    /// Registers the DAG of a version (what its bundle described then).
    public mutating func addVersion(_ dag: DAG, version: String) {
        let key = Self.planKey(dagId: dag.id, version: version)
        if plans[key] == nil { plans[key] = DAGPlan(dag) }
    }

    /// The DAGs as loaded now were replaced (a bundle was rebuilt, added or removed): runs without a version
    /// follow the new ones, pinned runs keep theirs. Runs that had no DAG are forgotten, to be found again (their
    /// DAG may be back).
    public mutating func replaceDAGs(_ dags: [DAG]) {
        for key in plans.keys where !key.contains("@") { plans[key] = nil }
        for d in dags where plans[d.id] == nil { plans[d.id] = DAGPlan(d) }
        for pk in Array(unloadable.keys) { forget(pk) }
        admissionDirty = true
        dirtyRuns.formUnion(active.keys)
    }
}
