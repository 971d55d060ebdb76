import Foundation
import OrchPostgres

/// The outcome of one quality check.
public struct QualityResult: Sendable, Equatable {
    public enum Status: String, Sendable { case pass, fail }
    public var name: String
    public var kind: String
    public var status: Status
    /// The measured value (such as the number of offending rows).
    public var observed: String
    public var details: String
}

/// Raised after all results are stored when at least one check failed.
public struct QualityCheckFailure: Error, CustomStringConvertible, Sendable {
    public var runId: String
    public var failed: [QualityResult]
    public var description: String {
        "\(failed.count) quality check(s) failed in run \(runId): "
            + failed.map { "\($0.name) (observed \($0.observed); \($0.details))" }.joined(separator: "; ")
    }
}

/// Runs `QualityCheck`s, stores every result in `quality.check_results`, and throws `QualityCheckFailure`
/// (after storing) when any failed.
public struct QualityRunner {
    public let connection: PGConnection

    public init(connection: PGConnection) {
        self.connection = connection
    }

    /// Runs the checks for a data interval; `now` is the reference time for freshness.
    @discardableResult
    public func run(_ checks: [QualityCheck], runId: String, start: Date, end: Date, now: Date = Date()) throws -> [QualityResult] {
        var results: [QualityResult] = []
        for check in checks {
            let (count, details) = try evaluate(check, start: start, end: end, now: now)
            results.append(QualityResult(name: check.name, kind: check.kindName, status: count == 0 ? .pass : .fail,
                                         observed: String(count), details: details))
        }
        try connection.transaction {
            for r in results {
                try connection.execute("""
                    INSERT INTO quality.check_results (run_id, check_name, check_kind, status, observed, details)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    """, [runId, r.name, r.kind, r.status.rawValue, r.observed, r.details])
            }
        }
        let failed = results.filter { $0.status == .fail }
        if !failed.isEmpty { throw QualityCheckFailure(runId: runId, failed: failed) }
        return results
    }

    /// Returns the number of offending rows/days (0 = pass) and a description.
    func evaluate(_ check: QualityCheck, start: Date, end: Date, now: Date) throws -> (Int, String) {
        let (within, withinParams) = try rows(check.rows, start: start, end: end)
        let on = check.rows == .all ? "" : " on the run's days"
        switch check.kind {
        case let .notNull(table, column):
            let n = try count("SELECT count(*) FROM \(try ident(table)) t WHERE t.\(try ident(column)) IS NULL AND \(within)",
                              withinParams)
            return (n, "\(n) row(s) with NULL \(column)\(on)")
        case let .unique(table, columns):
            let cols = try columns.map(ident).joined(separator: ", ")
            let n = try count("""
                SELECT count(*) FROM (SELECT \(cols) FROM \(try ident(table)) t WHERE \(within) GROUP BY \(cols) HAVING count(*) > 1) d
                """, withinParams)
            return (n, "\(n) duplicated value(s) of (\(columns.joined(separator: ", ")))\(on)")
        case let .relationships(table, column, refTable, refColumn):
            let n = try count("""
                SELECT count(*) FROM \(try ident(table)) t WHERE t.\(try ident(column)) IS NOT NULL AND \(within)
                AND NOT EXISTS (SELECT 1 FROM \(try ident(refTable)) r WHERE r.\(try ident(refColumn)) = t.\(try ident(column)))
                """, withinParams)
            return (n, "\(n) row(s)\(on) whose \(column) is missing from \(refTable).\(refColumn)")
        case let .acceptedValues(table, column, values):
            let accepted = "$\(withinParams.count + 1)::text[]"  // after the row filter's parameters
            let n = try count("""
                SELECT count(*) FROM \(try ident(table)) t WHERE t.\(try ident(column))::text <> ALL(\(accepted)) AND \(within)
                """, withinParams + [Self.textArray(values)])
            return (n, "\(n) row(s)\(on) with \(column) outside [\(values.joined(separator: ", "))]")
        case let .rowCountMatch(table, other):
            let r = try connection.execute("SELECT (SELECT count(*) FROM \(try ident(table))), (SELECT count(*) FROM \(try ident(other)))")
            let a = try r.int(0, 0) ?? 0, b = try r.int(0, 1) ?? 0
            return (abs(a - b), "\(table) has \(a) rows, \(other) has \(b)")
        case let .sumReconciliation(table, column, other, otherColumn, dateColumn, tolerance):
            let d = try ident(dateColumn)
            let r = try connection.execute("""
                WITH a AS (SELECT \(d) AS day, sum(\(try ident(column))) AS s FROM \(try ident(table))
                           WHERE \(d) \(GoldSQL.inDays) GROUP BY 1),
                     b AS (SELECT \(d) AS day, sum(\(try ident(otherColumn))) AS s FROM \(try ident(other))
                           WHERE \(d) \(GoldSQL.inDays) GROUP BY 1)
                SELECT coalesce(a.day, b.day)::text, coalesce(a.s, 0)::text, coalesce(b.s, 0)::text
                FROM a FULL JOIN b USING (day)
                WHERE abs(coalesce(a.s, 0) - coalesce(b.s, 0)) > $3::numeric ORDER BY 1
                """, [start, end, tolerance])
            let days = r.rows.map { "\($0[0] ?? "?"): \($0[1] ?? "0") vs \($0[2] ?? "0")" }
            return (r.count, r.isEmpty ? "sum(\(column)) matches sum(\(otherColumn)) on every day of the interval"
                                       : "days that differ: " + days.joined(separator: ", "))
        case let .freshness(table, column, maxAge, newestBy):
            let newest = try newestBy.map { "(SELECT \(try ident(column)) FROM \(try ident(table)) ORDER BY \(try ident($0)) DESC LIMIT 1)" }
                ?? "(SELECT max(\(try ident(column))) FROM \(try ident(table)))"
            let r = try connection.execute("SELECT extract(epoch FROM $1::timestamptz - \(newest))::float8", [now])
            guard let age = try r.double(0, 0) else { return (1, "\(table) is empty") }
            return (age > maxAge ? 1 : 0, String(format: "newest %@ is %.0f s old (limit %.0f s)", column, age, maxAge))
        case let .landedCarts(landed):
            return try evaluateLandedCarts(landed, start: start, end: end)
        case let .dailyAgreement(fact, factDate, aggregate, aggregateDate, pairs, days):
            return try evaluateDailyAgreement(fact: fact, factDate: factDate, aggregate: aggregate,
                                              aggregateDate: aggregateDate, pairs: pairs, days: days, start: start, end: end)
        }
    }

    /// The rows a row check reads, as a condition on the alias `t` and its parameters (`$1`, `$2` when any): every
    /// row, or the rows whose date column falls on the interval's UTC days.
    private func rows(_ rows: QualityCheck.Rows, start: Date, end: Date) throws -> (condition: String, params: [(any PGValue)?]) {
        switch rows {
        case .all:
            return ("true", [])
        case .onIntervalDays(let column):
            return ("t.\(try ident(column)) \(GoldSQL.inDays)", [start, end])
        }
    }

    private func count(_ sql: String, _ params: [(any PGValue)?] = []) throws -> Int {
        try connection.execute(sql, params).scalarInt()
    }

    /// Quotes a (schema-qualified) identifier after checking it is plain.
    func ident(_ name: String) throws -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ part in
            guard let first = part.first, first == "_" || ("a"..."z").contains(first) else { return false }
            return part.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }) else {
            throw PGError(kind: .usage, message: "quality check identifier '\(name)' must be lower-case letters, digits and _ (schema.table allowed)")
        }
        return parts.map { "\"\($0)\"" }.joined(separator: ".")
    }

    /// A text[] literal with every element quoted.
    static func textArray(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
