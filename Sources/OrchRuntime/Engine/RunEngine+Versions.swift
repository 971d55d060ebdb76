import Foundation
import OrchObservability
import OrchCore
import OrchStore

/// DAG versions in the engine (issue 13): a run is evaluated and launched with the DAG version it was created
/// with; a reload (a rebuilt bundle) replaces the DAGs new runs use and leaves in-flight runs on theirs.
extension RunEngine {
    /// Registers the run's version with the machine (its DAG read from the store once) and returns it; nil when
    /// the run has no version or it cannot be read (the run then follows the DAG as loaded now, and says why).
    func pinVersion(of run: RunRecord) -> String? {
        guard let version = run.dagVersion, let versions else { return nil }
        let key = EngineStateMachine.planKey(dagId: run.dagId, version: version)
        if pinnedDAGs[key] != nil { return version }
        do {
            let dag = try versions.dag(dagId: run.dagId, version: version)
            pinnedDAGs[key] = dag
            machine.addVersion(dag, version: version)
            return version
        } catch {
            OrchLog.scheduler.error("run \(run.runId) of \(run.dagId): \(error); it follows the DAG as loaded now")
            return nil
        }
    }

    /// The DAG a run is evaluated with.
    func dag(of run: RunRecord) -> DAG? { dag(dagId: run.dagId, version: run.dagVersion) }

    func dag(dagId: String, version: String?) -> DAG? {
        pinnedDAGs[EngineStateMachine.planKey(dagId: dagId, version: version)] ?? bag.dag(dagId)
    }

    /// The bundles were loaded again: new runs use these DAGs; runs pinned to a version keep it.
    public func reload(_ bag: DAGBag) {
        self.bag = bag
        machine.replaceDAGs(bag.dags)
        step()
    }
}
