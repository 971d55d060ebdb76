import OrchCore

/// Every DAG compiled into this `orch` binary. Add a DAG by writing a file in `dags/` and listing it here.
public enum DAGRegistry {
    public static var all: [DAG] {
        [exampleFanOut, exampleRetries, exampleTimeout, exampleTriggerRules, exampleShell, exampleCrash,
         exampleXCom] + benchmarkDAGs
    }
}
