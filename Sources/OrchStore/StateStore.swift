import Foundation
import OrchCore

/// The run-state database as the runtime, CLI and API see it: every concern as its own protocol, in its own file
/// under `Protocol/` (a new concern is a new file and one more name here, so parallel work seldom touches the
/// same lines). Implementations: ``SQLiteStateStore`` (the real one, a file in WAL mode) and
/// ``InMemoryStateStore`` (the twin for unit tests); `StateStoreContractTests` runs the same rules on both, so a
/// further backend (PostgreSQL) has a test suite to pass. See docs/state-store.md.
public protocol StateStore: DAGStateStore, RunStateStore, TaskStateStore, XComStateStore, LeaseStateStore,
    PoolStateStore, BulkActionStateStore, Sendable {}
