import CLibPQ
import Foundation

/// One connection to PostgreSQL: the only owner of a libpq `PGconn*`.
///
/// Sendability: libpq allows a connection to be used from any thread but not from two at once. Every use of
/// the handle goes through `lock` (a recursive lock, so `transaction { }` can hold it across the statements of
/// its body while they take it again). That makes the class safe to share, hence `@unchecked Sendable`; a
/// transaction on one thread blocks statements from other threads until it ends rather than interleaving.
/// No `PGconn*` or `PGresult*` ever leaves this module.
public final class PGConnection: @unchecked Sendable {
    let lock = NSRecursiveLock()
    var handle: OpaquePointer?
    /// Depth of nested `transaction` calls (savepoints below the first).
    var transactionDepth = 0

    /// Opens a connection.
    ///
    /// - Parameter conninfo: a libpq connection string, `key=value` pairs or a `postgresql://` URI. An empty string
    ///   uses the PG* environment variables (PGHOST, PGUSER, PGDATABASE, PGPASSWORD, …) and libpq's defaults.
    /// - Throws: `PGError` of kind `.usage` for a malformed conninfo, `.connection` when the server cannot be
    ///   reached or refuses; the message names host, port, database and user but never the password.
    public init(conninfo: String) throws {
        // libpq is loaded on first use, not at process start (CLibPQ/shim.h).
        if let failure = orch_pq_open() {
            throw PGError(kind: .connection, message: "cannot load libpq: \(String(cString: failure))",
                          hint: "install PostgreSQL's client library (Debian: apt-get install libpq5)")
        }
        var parseError: UnsafeMutablePointer<CChar>?
        if !conninfo.isEmpty {
            guard let options = orch_PQconninfoParse(conninfo, &parseError) else {
                let reason = parseError.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
                if let parseError { orch_PQfreemem(parseError) }
                throw PGError(kind: .usage, message: "invalid PostgreSQL conninfo: \(reason); expected e.g. postgresql://user:password@127.0.0.1:5432/dbname or host=... dbname=...")
            }
            orch_PQconninfoFree(options)
        }
        guard let conn = orch_PQconnectdb(conninfo) else {
            throw PGError(kind: .connection, message: "libpq could not allocate a connection")
        }
        if orch_PQstatus(conn) != CONNECTION_OK {
            let where_ = Self.describeTarget(conn)
            let reason = String(cString: orch_PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines)
            orch_PQfinish(conn)
            throw PGError(kind: .connection,
                          message: "cannot connect to PostgreSQL at \(where_): \(reason)",
                          hint: "is PostgreSQL running? start it with scripts/pg-up.sh, or set the conninfo / PG* variables")
        }
        handle = conn
        orch_PQsetNoticeProcessor(conn, pgIgnoreNotice, nil)
    }

    /// Opens a connection from the environment variable `name` (a conninfo), or the PG* variables when it is unset.
    public convenience init(environment name: String) throws {
        try self.init(conninfo: ProcessInfo.processInfo.environment[name] ?? "")
    }

    deinit {
        if let handle { orch_PQfinish(handle) }
    }

    /// Closes the connection; later calls fail with a `.connection` error.
    public func close() {
        lock.lock(); defer { lock.unlock() }
        if let handle { orch_PQfinish(handle) }
        handle = nil
    }

    /// Host, port, database and user of this connection (never the password), for messages.
    public var target: String {
        lock.lock(); defer { lock.unlock() }
        guard let handle else { return "(closed)" }
        return Self.describeTarget(handle)
    }

    /// True when the connection is open and answers a trivial query.
    public var isHealthy: Bool {
        lock.lock(); defer { lock.unlock() }
        guard let handle, orch_PQstatus(handle) == CONNECTION_OK else { return false }
        guard let result = orch_PQexec(handle, "SELECT 1") else { return false }
        defer { orch_PQclear(result) }
        return orch_PQresultStatus(result) == PGRES_TUPLES_OK
    }

    /// True when libpq found the connection broken (the server restarted, or ended this session): only
    /// ``reset()`` makes it usable again. Asks nothing of the server.
    public var isLost: Bool {
        lock.lock(); defer { lock.unlock() }
        guard let handle else { return false }
        return orch_PQstatus(handle) == CONNECTION_BAD
    }

    /// True while a `transaction { }` runs on this connection (on this thread: another thread waits for the lock).
    public var inTransaction: Bool {
        lock.lock(); defer { lock.unlock() }
        return transactionDepth > 0
    }

    /// Re-establishes the connection with the same parameters (after a server restart, for example).
    /// Any open transaction is gone.
    public func reset() throws {
        lock.lock(); defer { lock.unlock() }
        guard let handle else { throw PGError(kind: .connection, message: "connection is closed; open a new PGConnection") }
        orch_PQreset(handle)
        transactionDepth = 0
        guard orch_PQstatus(handle) == CONNECTION_OK else {
            let reason = String(cString: orch_PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
            throw PGError(kind: .connection, message: "reconnect to \(Self.describeTarget(handle)) failed: \(reason)")
        }
    }

    /// The server's version number, such as 150020.
    public var serverVersion: Int {
        lock.lock(); defer { lock.unlock() }
        guard let handle else { return 0 }
        return Int(orch_PQserverVersion(handle))
    }

    func requireHandle() throws -> OpaquePointer {
        guard let handle else { throw PGError(kind: .connection, message: "connection is closed; open a new PGConnection") }
        return handle
    }

    static func describeTarget(_ conn: OpaquePointer) -> String {
        func text(_ p: UnsafeMutablePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "?" }
        return "host=\(text(orch_PQhost(conn))) port=\(text(orch_PQport(conn))) dbname=\(text(orch_PQdb(conn))) user=\(text(orch_PQuser(conn)))"
    }
}

/// Notices (such as "relation already exists, skipping") are not errors; they are dropped instead of printed.
private func pgIgnoreNotice(_ arg: UnsafeMutableRawPointer?, _ message: UnsafePointer<CChar>?) {}
