import Foundation
import OrchPostgres
@testable import ShopStream

/// The real pipeline, step by step as shopstream_daily's tasks run it: fetch over HTTP from a served snapshot,
/// produce into an on-disk SegmentEventLog, COPY into bronze, then silver, gold and the quality checks, on a
/// real PostgreSQL database. Nothing is simulated here; the harness only wires the parts together.
struct IntegrationHarness {
    let baseURL: String
    let dataDir: String
    let db: PGConnection
    var seed: UInt64 = 42

    /// What one day of the pipeline did.
    struct Day {
        var fetched: FetchResult
        var produced: ProduceResult
        var bronze: BronzeLoadResult
        var silver: SilverBuildResult
        var gold: GoldBuildResult
        var checks: [QualityResult]
    }

    var eventLogDirectory: String { dataDir + "/eventlog" }

    func fetch(_ date: String) throws -> FetchResult {
        let fetcher = SourceFetcher(configuration: FetchConfiguration(baseURL: baseURL, timeoutSeconds: 10, maxAttempts: 3),
                                    sleep: { _ in })
        return try SourceIngest.fetch(fetcher: fetcher, dataDir: dataDir, date: date)
    }

    /// Runs every task of the DAG for `date`, in order, like a scheduler would.
    func runDay(_ date: String, clickstreamEvents: Int) throws -> Day {
        _ = try fetch(date)
        // produce reads the landing back, exactly like the produce task.
        let fetched = try SourceLanding.read(dataDir: dataDir, date: date)
        let log = try SegmentEventLog(directory: eventLogDirectory)
        let produced = try ShopStreamProducer.produce(fetched: fetched, log: log, dataDir: dataDir, date: date,
                                                      seed: seed, clickstreamEvents: clickstreamEvents)
        let bronze = try BronzeLoader(connection: db, log: log).load(consumer: "shopstream")
        let silver = try SilverBuilder(connection: db).build()
        let (start, end) = try Self.interval(date)
        let gold = try GoldBuilder(connection: db).build(start: start, end: end)
        let checks = try QualityRunner(connection: db).run(QualityCheck.shopStream(.interval), runId: "it-\(date)-\(UUID().uuidString.prefix(6))",
                                                           start: start, end: end)
        return Day(fetched: fetched, produced: produced, bronze: bronze, silver: silver, gold: gold, checks: checks)
    }

    /// The data interval of a daily run: [date 00:00 UTC, next day 00:00 UTC).
    static func interval(_ date: String) throws -> (Date, Date) {
        let day = try LogicalDate(date)
        let start = Date(timeIntervalSince1970: Double(day.startMillis) / 1000)
        return (start, start.addingTimeInterval(86_400))
    }
}

/// Order-independent fingerprints of whole tables: `count:md5(rows sorted as text)`.
enum TableFingerprint {
    static let goldTables = ["dim_customers", "dim_products", "dim_date", "fct_orders", "fct_order_items",
                             "agg_orders_daily", "agg_events_daily", "daily_funnel", "customer_ltv",
                             "product_performance", "revenue_by_category", "sessions"]
    static let silverTables = ["customers", "products", "orders", "order_items", "events", "quarantine"]

    static func of(_ db: PGConnection, schema: String, tables: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for table in tables {
            out[table] = try db.execute("""
                SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \(schema).\(table) t
                """).string(0, 0)
        }
        return out
    }
}

/// Expected values computed from the snapshot files themselves (never typed in).
enum SnapshotTruth {
    /// Number of records in `fixtures/dummyjson/<name>.json`.
    static func count(_ name: String) throws -> Int { try WarehouseFixtureProducer.records(name).count }

    /// Sums of the carts' `discountedTotal` and `total` and their number of product lines, added up exactly
    /// (PostgreSQL numeric over the file's own number text, so no binary floating point is involved).
    static func cartTotals(_ db: PGConnection) throws -> (net: Decimal, gross: Decimal, lines: Int) {
        let r = try db.execute("""
            SELECT sum((c->>'discountedTotal')::numeric)::text, sum((c->>'total')::numeric)::text,
                   sum(jsonb_array_length(c->'products'))::int
            FROM jsonb_array_elements($1::jsonb) c
            """, [try WarehouseFixtureProducer.rawText("carts")])
        return (try r.decimal(0, 0) ?? -1, try r.decimal(0, 1) ?? -1, try r.int(0, 2) ?? -1)
    }
}

/// Reads every message of one topic back from the event log.
func allRecords(_ log: any EventLog, topic: String) throws -> [LogRecord] {
    var out: [LogRecord] = []
    for partition in 0..<log.partitionCount(topic: topic) {
        var next: Int64 = 0
        while true {
            let batch = try log.read(topic: topic, partition: partition, from: next, max: 10_000)
            guard let last = batch.last else { break }
            out += batch
            next = last.offset + 1
        }
    }
    return out
}
