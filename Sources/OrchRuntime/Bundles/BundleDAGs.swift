import Foundation
import OrchCore

/// A `LazyDAG` whose closure built a DAG with another id: `describe` refuses the bundle with this message.
public struct LazyDAGMismatch: Error, CustomStringConvertible {
    public let declared: String
    public let built: String
    public var description: String {
        "LazyDAG \"\(declared)\" built the DAG \"\(built)\": a LazyDAG's id must be the id of the DAG it builds"
    }
}

/// The DAGs of a bundle executable, each built the first time it is needed and then kept: a lazy DAG on its own,
/// the plain list (`OrchBundle.main([...])`) all together the first time any DAG not among the lazy ones is asked
/// for (their ids are not known before they are built). Thread-safe; it uses only a mutex, so a fork server may
/// use it before it forks.
public final class BundleDAGs: @unchecked Sendable {
    private let lock = NSLock()
    private let lazy: [LazyDAG]
    private let lazyById: [String: LazyDAG]
    private var makeListed: (() -> [DAG])?
    private var listed: [DAG] = []
    private var listedById: [String: DAG] = [:]
    private var built: [String: DAG] = [:]

    /// `listed`: the plain list, evaluated at most once. `lazy`: the lazy DAGs; with a DAG id in both, the lazy one
    /// is the bundle's (`describe` lists it first, and orch keeps the first of two DAGs with one id).
    public init(listed: @escaping () -> [DAG], lazy: [LazyDAG] = []) {
        makeListed = listed
        self.lazy = lazy
        lazyById = Dictionary(lazy.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The DAG `id`, built now if it was not yet; nil when the bundle has no such DAG (or its LazyDAG builds a
    /// DAG with another id, which `describe` refused already).
    public func dag(_ id: String) -> DAG? {
        lock.withLock {
            if let entry = lazyById[id] { return try? buildLazy(entry) }
            return listedDAGs()[id]
        }
    }

    /// Every DAG, for `describe`: the lazy ones in their order, then the listed ones.
    public func all() throws -> [DAG] {
        try lock.withLock {
            let lazyDAGs = try lazy.map(buildLazy)
            _ = listedDAGs()
            return lazyDAGs + listed
        }
    }

    private func buildLazy(_ entry: LazyDAG) throws -> DAG {
        if let dag = built[entry.id] { return dag }
        let dag = entry.make()
        guard dag.id == entry.id else { throw LazyDAGMismatch(declared: entry.id, built: dag.id) }
        built[entry.id] = dag
        return dag
    }

    private func listedDAGs() -> [String: DAG] {
        if let make = makeListed {
            makeListed = nil
            listed = make()
            listedById = Dictionary(listed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return listedById
    }
}
