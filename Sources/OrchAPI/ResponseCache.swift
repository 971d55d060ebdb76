import Foundation
import OrchHTTPServer
import OrchStore

/// Remembers GET answers until the database changes, so polling dashboards and scripts cost one cheap check
/// (`PRAGMA data_version` on a connection of its own) instead of queries and JSON encoding.
///
/// Any commit by another connection, in this process or another (the scheduler, task processes, the CLI), bumps
/// the generation and so invalidates every entry. Answers that change without a database write (logs, health)
/// are not cached. `@unchecked Sendable`: all state is guarded by `lock`.
final class ResponseCache: @unchecked Sendable {
    private let probe: SQLiteStateStore
    private let lock = NSLock()
    private var lastVersion = -1
    private var generation = 0
    private var entries: [String: (generation: Int, response: HTTPResponse)] = [:]
    private let capacity: Int

    init(path: String, capacity: Int = 1024) throws {
        probe = try SQLiteStateStore(path: path, migrate: false)
        self.capacity = capacity
    }

    /// The current generation: it moves on whenever the database changed since the previous call.
    func currentGeneration() -> Int {
        let version = (try? probe.dataVersion()) ?? -1
        return lock.withLock {
            if version != lastVersion || version == -1 {
                lastVersion = version
                generation += 1
                entries.removeAll(keepingCapacity: true)
            }
            return generation
        }
    }

    func lookup(_ key: String, generation: Int) -> HTTPResponse? {
        lock.withLock {
            guard let entry = entries[key], entry.generation == generation else { return nil }
            return entry.response
        }
    }

    func store(_ key: String, generation: Int, _ response: HTTPResponse) {
        lock.withLock {
            guard generation == self.generation else { return }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (generation, response)
        }
    }

    /// The cache key of a request: its path and its query in a stable order.
    static func key(_ request: HTTPRequest) -> String {
        request.path + "?" + request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }
}
