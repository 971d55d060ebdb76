import Foundation

extension PGConnection {
    /// Runs `body` inside a transaction: COMMIT when it returns, ROLLBACK when it throws (the error is rethrown).
    ///
    /// Nested calls use savepoints, so an inner failure rolls back only the inner part. The connection lock is
    /// held for the whole body, so other threads' statements wait instead of joining the transaction.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        let depth = transactionDepth
        let savepoint = "orch_sp_\(depth)"
        try execute(depth == 0 ? "BEGIN" : "SAVEPOINT \(savepoint)")
        transactionDepth += 1
        defer { transactionDepth = depth }
        let value: T
        do {
            value = try body()
        } catch {
            _ = try? execute(depth == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT \(savepoint)")
            throw error
        }
        do {
            let end = try execute(depth == 0 ? "COMMIT" : "RELEASE SAVEPOINT \(savepoint)")
            if depth == 0 && end.commandTag == "ROLLBACK" {
                throw PGError(kind: .query, sqlState: "25P02",
                              message: "transaction was aborted by an earlier failed statement and has been rolled back")
            }
        } catch {
            if depth == 0 { _ = try? execute("ROLLBACK") }
            throw error
        }
        return value
    }
}
