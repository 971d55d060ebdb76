/// Checks, without a database, that a panel's SQL is one query that only reads, and which `$n` it uses.
///
/// Comments, string literals (`'…'`, `E'…'`, dollar quotes) and quoted identifiers are skipped; what is left must
/// start with SELECT, WITH, VALUES or TABLE, hold no second statement, and name none of ``writeWords``. This is the load-time check that gives a clear message; the server also runs
/// every query inside a READ ONLY transaction through a cursor, which PostgreSQL refuses for anything that writes.
public enum ReadOnlySQL {
    public static let queryWords: Set<String> = ["select", "with", "values", "table"]
    /// Words that make a query that starts with SELECT or WITH write or lock: a data-modifying WITH (INSERT, UPDATE,
    /// DELETE, MERGE), SELECT … INTO, FOR UPDATE. Statement words (CREATE, DROP, COPY…) cannot follow a SELECT, so
    /// they are left out: a column called `comment` or `copy` stays usable.
    public static let writeWords: Set<String> = ["insert", "update", "delete", "merge", "into"]

    /// The statement without trailing semicolons, or why it is refused.
    public static func check(_ sql: String) -> Result<Checked, ReadOnlySQLError> {
        let scan = SQLScanner.scan(sql)
        if let problem = scan.problem { return .failure(ReadOnlySQLError(problem)) }
        var words = scan.words
        guard let first = words.first else { return .failure(ReadOnlySQLError("the query is empty")) }
        guard queryWords.contains(first) else {
            return .failure(ReadOnlySQLError("the query starts with \(first.uppercased()); a panel may only read "
                + "(SELECT, WITH … SELECT, VALUES, TABLE)"))
        }
        // Trailing semicolons are allowed; one in the middle starts a second statement.
        let trimmed = scan.code.reversed().drop { $0 == ";" || $0.isWhitespace }
        if trimmed.contains(";") {
            return .failure(ReadOnlySQLError("the query holds more than one statement (a ';' before its end)"))
        }
        words.removeFirst()
        if let write = words.first(where: writeWords.contains) {
            return .failure(ReadOnlySQLError("the query writes or locks (\(write.uppercased())); a panel may only read"))
        }
        if let bad = scan.parameters.first(where: { !(1...2).contains($0) }) {
            return .failure(ReadOnlySQLError("the query uses $\(bad); only $1 (first day) and $2 (the day after the "
                + "last) are given"))
        }
        if scan.parameters.contains(2) && !scan.parameters.contains(1) {
            return .failure(ReadOnlySQLError("the query uses $2 without $1; PostgreSQL cannot tell $1's type (write "
                + "$1 somewhere, or use $2 only with $1)"))
        }
        return .success(Checked(sql: String(sql[..<scan.endOfLastStatement]), parameters: scan.parameters))
    }

    public struct Checked: Sendable, Equatable {
        /// The query without trailing semicolons and blanks.
        public let sql: String
        /// The `$n` it uses, in order of first appearance.
        public let parameters: [Int]
    }
}

public struct ReadOnlySQLError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
