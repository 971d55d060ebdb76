import Foundation
import OrchCore
import OrchPostgres

/// Idle warehouse connections per connection string, reused across panel queries (opening one costs more than
/// most panel queries). A connection that failed is closed, never returned to the pool.
final class ConnectionPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [String: [PGConnection]] = [:]
    /// Idle connections kept per connection string.
    let keep: Int
    /// `connect_timeout` added to connection strings that set none (``ConnectTimeout``).
    let connectTimeoutSeconds: Int

    init(keep: Int = 4, connectTimeoutSeconds: Int = 5) {
        self.keep = keep
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// Runs `body` on a connection to `url`; the connection goes back to the pool if it is still healthy.
    func with<T>(_ url: String, _ body: (PGConnection) throws -> T) throws -> T {
        let connection = try take(url)
        do {
            let value = try body(connection)
            give(url, connection)
            return value
        } catch {
            give(url, connection)
            throw error
        }
    }

    private func take(_ url: String) throws -> PGConnection {
        lock.lock()
        let pooled = idle[url]?.popLast()
        lock.unlock()
        if let pooled { return pooled }
        return try PGConnection(conninfo: ConnectTimeout.applied(to: url, seconds: connectTimeoutSeconds,
                                                                 environment: ProcessInfo.processInfo.environment))
    }

    private func give(_ url: String, _ connection: PGConnection) {
        guard connection.isHealthy else { connection.close(); return }
        lock.lock(); defer { lock.unlock() }
        if idle[url, default: []].count < keep { idle[url, default: []].append(connection) } else { connection.close() }
    }

    func closeAll() {
        lock.lock(); defer { lock.unlock() }
        idle.values.joined().forEach { $0.close() }
        idle = [:]
    }
}
