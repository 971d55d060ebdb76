import Foundation
import OrchPostgres

extension QualityRunner {
    /// Landed carts against gold's cart orders of `[start, end)`: one offending measure per mismatch.
    func evaluateLandedCarts(_ landed: Reconciliation.LandedCarts, start: Date, end: Date) throws -> (Int, String) {
        let r = try connection.execute(Reconciliation.landedCartsSQL, [start, end, landed.json])
        let all = r.rows.map { (name: $0[0] ?? "?", landed: $0[1] ?? "", gold: $0[2] ?? "") }
        let off = all.filter { Decimal(string: $0.landed) != Decimal(string: $0.gold) }
        let text = all.map { "\($0.name) landed \($0.landed), gold \($0.gold)" }.joined(separator: "; ")
        return (off.count, off.isEmpty ? "reconciled: " + text : "does not reconcile: " + text)
    }

    /// Per day (`days`: the interval's, every day in either table, or the fact table's and the interval's): each fact
    /// measure against the sum of its aggregate column.
    func evaluateDailyAgreement(fact: String, factDate: String, aggregate: String, aggregateDate: String,
                                pairs: [Reconciliation.Pair], days: Reconciliation.Days, start: Date,
                                end: Date) throws -> (Int, String) {
        var factCols: [String] = [], aggCols: [String] = [], differ: [String] = [], shown: [String] = []
        for (i, pair) in pairs.enumerated() {
            switch pair.fact {
            case .count: factCols.append("count(*)::numeric AS m\(i)")
            case .sum(let column): factCols.append("coalesce(sum(\(try ident(column))), 0)::numeric AS m\(i)")
            }
            aggCols.append("coalesce(sum(\(try ident(pair.aggregateColumn))), 0)::numeric AS m\(i)")
            differ.append("f.m\(i) IS DISTINCT FROM a.m\(i)")
            shown.append("coalesce(f.m\(i)::text, 'none') || ' vs ' || coalesce(a.m\(i)::text, 'none')")
        }
        // The interval's days are selected inside each side, so both are read by their date index.
        func onDays(_ column: String) throws -> String {
            days == .interval ? "WHERE \(try ident(column)) \(GoldSQL.inDays)" : ""
        }
        let r = try connection.execute("""
            WITH f AS (SELECT \(try ident(factDate)) AS day, \(factCols.joined(separator: ", "))
                       FROM \(try ident(fact)) \(try onDays(factDate)) GROUP BY 1),
                 a AS (SELECT \(try ident(aggregateDate)) AS day, \(aggCols.joined(separator: ", "))
                       FROM \(try ident(aggregate)) \(try onDays(aggregateDate)) GROUP BY 1)
            SELECT coalesce(f.day, a.day)::text, concat_ws(', ', \(shown.joined(separator: ", ")))
            FROM f FULL JOIN a USING (day)
            WHERE (\(differ.joined(separator: " OR ")))
              AND ($3 OR f.day IS NOT NULL OR a.day \(GoldSQL.inDays))
            ORDER BY 1
            """, [start, end, days == .all])
        let names = pairs.map { p -> String in
            switch p.fact {
            case .count: "count(*)~\(p.aggregateColumn)"
            case .sum(let c): "\(c)~\(p.aggregateColumn)"
            }
        }.joined(separator: ", ")
        let differing = r.rows.prefix(5).map { "\($0[0] ?? "?"): \($0[1] ?? "")" }
        let looked = days == .interval ? "on the run's days" : "on every day"
        return (r.count, r.isEmpty ? "\(fact) and \(aggregate) agree \(looked) (\(names))"
                                   : "\(r.count) day(s) disagree (\(names)): " + differing.joined(separator: "; "))
    }
}
