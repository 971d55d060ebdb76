import Foundation

/// A DAG that a bundle builds only when something needs it: its id, known without building it, and how to build
/// it. `OrchBundle.main(lazy:)` takes these: a bundle's helpers (fork server, task host) and `tasks run` then build
/// only the DAGs of the attempts they run, so their start does not wait for every DAG of a large bundle (as
/// Dagster's lazily loaded repositories do). `describe` still builds every one.
public struct LazyDAG: Sendable {
    public let id: String
    public let make: @Sendable () -> DAG

    public init(_ id: String, _ make: @escaping @Sendable () -> DAG) {
        self.id = id
        self.make = make
    }
}
