import OrchStore

/// The concrete store type the runtime uses.
public typealias SQLiteStateStoreHandle = SQLiteStateStore
