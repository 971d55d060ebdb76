import Testing
@testable import OrchCore

@Suite("Panel SQL: one query that only reads")
struct ReadOnlySQLTests {
    @Test("reads pass, with their parameters and without trailing semicolons", arguments: [
        ("SELECT 1", "SELECT 1", [Int]()),
        ("select sum(x) from t where d >= $1 and d < $2;  \n", "select sum(x) from t where d >= $1 and d < $2", [1, 2]),
        ("WITH a AS (SELECT 1) SELECT * FROM a -- insert into x\n;", "WITH a AS (SELECT 1) SELECT * FROM a", []),
        ("SELECT 'drop table t; --', \"update\" FROM t", "SELECT 'drop table t; --', \"update\" FROM t", []),
        ("SELECT $$ delete $$, E'it\\'s; ok' /* create */", "SELECT $$ delete $$, E'it\\'s; ok'", []),
        ("VALUES ($2::date, $1::date)", "VALUES ($2::date, $1::date)", [2, 1]),
        ("SELECT comment, copy, lock FROM reviews", "SELECT comment, copy, lock FROM reviews", []),
    ])
    func reads(sql: String, normalized: String, parameters: [Int]) throws {
        let checked = try ReadOnlySQL.check(sql).get()
        #expect(checked.sql == normalized)
        #expect(checked.parameters == parameters)
    }

    @Test("writes, two statements and unknown parameters are refused with the reason", arguments: [
        ("INSERT INTO t VALUES (1)", "the query starts with INSERT; a panel may only read (SELECT, WITH … SELECT, VALUES, TABLE)"),
        ("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "the query writes or locks (DELETE); a panel may only read"),
        ("SELECT * INTO copy_of_t FROM t", "the query writes or locks (INTO); a panel may only read"),
        ("SELECT * FROM t FOR UPDATE", "the query writes or locks (UPDATE); a panel may only read"),
        ("SELECT 1; DROP TABLE t", "the query holds more than one statement (a ';' before its end)"),
        ("SELECT * FROM t WHERE d = $3", "the query uses $3; only $1 (first day) and $2 (the day after the last) are given"),
        ("SELECT 'open", "a string literal is not closed"),
        ("SELECT * FROM t WHERE d < $2", "the query uses $2 without $1; PostgreSQL cannot tell $1's type (write $1 somewhere, or use $2 only with $1)"),
        ("  -- nothing\n", "the query is empty"),
    ])
    func refused(sql: String, message: String) {
        #expect(ReadOnlySQL.check(sql) == .failure(ReadOnlySQLError(message)))
    }
}
