import CLibPQ

extension PGConnection {
    /// Streams rows into a table with `COPY … FROM STDIN` (text format), the fast bulk-load path.
    ///
    /// - Parameters:
    ///   - sql: the COPY statement, e.g. `COPY stage (a, b) FROM STDIN` (text format, the default).
    ///   - bufferSize: bytes collected before each PQputCopyData (default 1 MiB).
    ///   - body: writes rows with the `PGCopyWriter`; throwing aborts the COPY (nothing is inserted).
    /// - Returns: the number of rows the server reports as copied.
    @discardableResult
    public func copyIn(_ sql: String, bufferSize: Int = 1 << 20, _ body: (inout PGCopyWriter) throws -> Void) throws -> Int {
        lock.lock(); defer { lock.unlock() }
        let conn = try requireHandle()
        guard let start = orch_PQexec(conn, sql) else {
            throw PGError(kind: .connection, message: String(cString: orch_PQerrorMessage(conn)), statement: sql)
        }
        let startStatus = orch_PQresultStatus(start)
        if startStatus != PGRES_COPY_IN {
            defer { orch_PQclear(start) }
            if startStatus == PGRES_FATAL_ERROR || startStatus == PGRES_BAD_RESPONSE || startStatus == PGRES_NONFATAL_ERROR {
                throw Self.error(from: start, conn: conn, sql: sql, kind: .copy)
            }
            throw PGError(kind: .usage, message: "statement did not start a COPY FROM STDIN", statement: sql)
        }
        orch_PQclear(start)

        var writer = PGCopyWriter(flushThreshold: bufferSize) { bytes in
            let sent = bytes.withUnsafeBufferPointer { buf in
                buf.withMemoryRebound(to: CChar.self) { orch_PQputCopyData(conn, $0.baseAddress, Int32($0.count)) }
            }
            if sent != 1 {
                throw PGError(kind: .copy, message: "sending COPY data failed: \(String(cString: orch_PQerrorMessage(conn)))", statement: sql)
            }
        }
        var failure: Error?
        do {
            try body(&writer)
            try writer.flushNow()
        } catch {
            failure = error
        }
        let endStatus = orch_PQputCopyEnd(conn, failure == nil ? nil : "aborted by client: \(failure!)")
        // Drain every result of the COPY; the last one carries its outcome.
        var outcome: PGError?
        var copied = 0
        while let result = orch_PQgetResult(conn) {
            let status = orch_PQresultStatus(result)
            if status == PGRES_COMMAND_OK {
                copied = Int(String(cString: orch_PQcmdTuples(result))) ?? 0
            } else if outcome == nil {
                outcome = Self.error(from: result, conn: conn, sql: sql, kind: .copy)
            }
            orch_PQclear(result)
        }
        if let failure { throw failure }
        if endStatus != 1 {
            throw PGError(kind: .copy, message: "ending COPY failed: \(String(cString: orch_PQerrorMessage(conn)))", statement: sql)
        }
        if let outcome { throw outcome }
        return copied
    }

    /// Streams a sequence of rows (text values, nil = NULL) with `COPY … FROM STDIN`.
    @discardableResult
    public func copyIn<S: Sequence>(_ sql: String, rows: S, bufferSize: Int = 1 << 20) throws -> Int where S.Element == [String?] {
        try copyIn(sql, bufferSize: bufferSize) { writer in
            for row in rows { try writer.row(row) }
        }
    }
}
