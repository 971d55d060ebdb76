import Foundation

/// A value loaded once per process and shared: the first caller of ``value(loading:)`` loads it while any other
/// caller waits for that result instead of loading a copy of its own. `orch serve` starts its scheduler and web
/// server at the same moment and both ask for the bundles' DAGs: without this each decoded every manifest and
/// kept its own copy of every DAG (some 9 MB for the benchmark's 300 DAGs).
public final class LoadedOnce<Value: Sendable>: @unchecked Sendable {
    private var stored: Value?
    private let lock = NSLock()       // guards `stored`
    private let loading = NSLock()    // held by the one caller that loads

    public init() {}

    /// The value, without loading it (nil before the first load).
    public var current: Value? { lock.withLock { stored } }

    /// The value, loaded by `load` if no caller has loaded it yet.
    public func value(loading load: () -> Value) -> Value {
        if let done = current { return done }
        return loading.withLock {
            if let done = current { return done }   // loaded while this caller waited
            let loaded = load()
            lock.withLock { stored = loaded }
            return loaded
        }
    }

    /// What every later caller gets (a reload).
    public func replace(_ value: Value) { lock.withLock { stored = value } }
}
