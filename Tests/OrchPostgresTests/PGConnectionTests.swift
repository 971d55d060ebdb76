import Foundation
import OrchPostgres
import Testing

@Suite("PGConnection against the local PostgreSQL")
struct PGConnectionTests {
    @Test func parametersRoundTripIncludingNullUnicodeAndQuotes() throws {
        let db = try TestDatabase.connect()
        let tricky = "O'Brien \"quoted\" \\ back; DROP TABLE x; -- ünïcødé 日本 🚀\ttab\nnewline"
        let r = try db.execute("SELECT $1::text AS s, $2::int AS n, $3::text AS missing, $4::float8 AS d, $5::bool AS b, $6::bytea AS raw",
                               [tricky, 42, nil, 0.1 + 0.2, true, PGBytes([0, 9, 10, 92, 255])])
        #expect(r.columns == ["s", "n", "missing", "d", "b", "raw"])
        #expect(try r.string(0, "s") == tricky)
        #expect(try r.int(0, "n") == 42)
        #expect(try r.string(0, "missing") == nil)
        #expect(try r.double(0, "d") == 0.1 + 0.2)
        #expect(try r.bool(0, "b") == true)
        #expect(try r.bytes(0, "raw") == [0, 9, 10, 92, 255])
    }

    @Test func syntaxErrorCarriesSQLState() throws {
        let db = try TestDatabase.connect()
        do {
            try db.execute("SELEC 1")
            Issue.record("expected an error")
        } catch let error as PGError {
            #expect(error.sqlState == "42601")
            #expect(error.kind == .query)
            #expect(error.description.contains("syntax error"))
        }
        // The connection stays usable after an error.
        #expect(try db.execute("SELECT 2").scalarInt() == 2)
    }

    @Test func badPasswordErrorDoesNotLeakIt() throws {
        let secret = "not-the-password-xyz"
        do {
            _ = try PGConnection(conninfo: "postgresql://orch:\(secret)@127.0.0.1:5432/orch_test")
            Issue.record("expected authentication to fail")
        } catch let error as PGError {
            #expect(error.kind == .connection)
            #expect(!error.description.contains(secret))
            #expect(error.description.contains("127.0.0.1"))
        }
    }

    @Test func malformedConninfoIsAUsageError() throws {
        #expect(throws: PGError.self) { _ = try PGConnection(conninfo: "host=127.0.0.1 nonsense_key=1") }
    }

    @Test func copyEscapingRoundTrips() throws {
        let db = try TestDatabase.connect()
        try db.execute("CREATE TEMP TABLE copy_rt (id int, body text, doc jsonb, raw bytea)")
        let json = #"{"text": "tab\there, newline\nthere, back\\slash, quote \" and 日本", "n": 1}"#
        let values: [String] = ["plain", "tab\there", "line\nbreak", "cr\rhere", "back\\slash", "\\N literal", "", "emoji 🚀", json]
        let copied = try db.copyIn("COPY copy_rt (id, body, doc, raw) FROM STDIN", bufferSize: 64) { w in
            for (i, v) in values.enumerated() {
                w.field(i)
                w.field(v)
                w.field(utf8: Array(json.utf8))
                w.field(bytea: Array(v.utf8))
                try w.endRow()
            }
            w.field(values.count); w.field(nil as String?); w.field(nil as String?); w.field(nil as String?)
            try w.endRow()
        }
        #expect(copied == values.count + 1)
        let r = try db.execute("SELECT id, body, doc->>'text' AS t, raw FROM copy_rt ORDER BY id")
        for (i, v) in values.enumerated() {
            #expect(try r.string(i, "body") == v)
            #expect(try r.string(i, "t") == "tab\there, newline\nthere, back\\slash, quote \" and 日本")
            #expect(try r.bytes(i, "raw") == Array(v.utf8))
        }
        #expect(try r.string(values.count, "body") == nil)
    }

    @Test func copyFromSequenceAndBadDataFails() throws {
        let db = try TestDatabase.connect()
        try db.execute("CREATE TEMP TABLE copy_seq (n int, s text)")
        let rows = (0..<10_000).map { [String($0), "row \($0)\t"] as [String?] }
        #expect(try db.copyIn("COPY copy_seq FROM STDIN", rows: rows) == 10_000)
        #expect(try db.execute("SELECT count(*), sum(n) FROM copy_seq").int(0, 1) == 49_995_000)
        do {
            try db.copyIn("COPY copy_seq FROM STDIN", rows: [["not a number", "x"]])
            Issue.record("expected COPY to fail")
        } catch let error as PGError {
            #expect(error.sqlState == "22P02")
        }
        #expect(try db.execute("SELECT count(*) FROM copy_seq").scalarInt() == 10_000)
    }

    @Test func transactionRollsBackOnThrowAndCommitsOtherwise() throws {
        struct Boom: Error {}
        let db = try TestDatabase.connect()
        try db.execute("CREATE TEMP TABLE tx (n int)")
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO tx VALUES ($1)", [1])
                throw Boom()
            }
        }
        #expect(try db.execute("SELECT count(*) FROM tx").scalarInt() == 0)
        try db.transaction {
            try db.execute("INSERT INTO tx VALUES ($1)", [2])
            // Nested: the inner failure rolls back only the savepoint.
            try? db.transaction {
                try db.execute("INSERT INTO tx VALUES ($1)", [3])
                throw Boom()
            }
        }
        #expect(try db.execute("SELECT array_agg(n)::text FROM tx").string(0, 0) == "{2}")
    }

    @Test func resetReconnectsAfterTheBackendIsKilled() throws {
        let db = try TestDatabase.connect()
        let killer = try TestDatabase.connect()
        let pid = try db.execute("SELECT pg_backend_pid()").scalarInt()
        try killer.execute("SELECT pg_terminate_backend($1)", [pid])
        #expect(throws: PGError.self) { try db.execute("SELECT 1") }
        #expect(db.isHealthy == false)
        try db.reset()
        #expect(db.isHealthy)
        #expect(try db.execute("SELECT 5").scalarInt() == 5)
    }
}
