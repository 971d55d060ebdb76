import Foundation
import OrchCore
import OrchRuntime
import Testing

/// The isolations a manifest entry's tasks ask for, read from its text (the hint `orch run` starts helpers by).
@Suite struct LocatedDAGIsolationHintTests {
    private func hint(_ dag: DAG) throws -> Set<Isolation> {
        let manifest = try BundleManifest.entry(dag)
        return LocatedDAG(version: DAGVersion(dagId: dag.id, manifest: manifest, bundle: "b", executable: "/b",
                                              executableSHA256: ""), manifest: manifest).isolationHint
    }

    @Test func theHintNamesEveryIsolationTheTasksUse() throws {
        #expect(try hint(DAG("p") { d in d.task("a"); d.shell("s", "true") }) == [.process])
        #expect(try hint(DAG("i", defaults: TaskDefaults(isolation: .inProcess)) { d in d.task("a") }) == [.inProcess])
        #expect(try hint(DAG("both") { d in d.task("a"); d.task("b", isolation: .inProcess) }) == [.process, .inProcess])
        #expect(try hint(DAG("none")) == [])
    }

    @Test func aStringThatSpellsTheFieldDoesNotCount() throws {
        // Inside a JSON string the quotes are escaped, so a description or a command cannot fake a task's field.
        let dag = DAG("quoted", description: #"tasks use "isolation":"in_process""#) { d in
            d.shell("s", #"echo '"isolation":"in_process"'"#)
        }
        #expect(try hint(dag) == [.process])
    }
}
