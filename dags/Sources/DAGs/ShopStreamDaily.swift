import Foundation
import OrchCore
import OrchPostgres
import ShopStream

/// The flagship pipeline: a day of an e-commerce shop, from the DummyJSON-compatible API to gold tables.
///
/// fetch → produce → load_bronze → silver → gold and star (side by side) → quality_checks. Every task works on the
/// run's data interval (one UTC day: a manual run covers the last complete day, or the day containing
/// `--logical-date`), and each is idempotent for it, so a retry or another run of the same interval changes nothing.
/// Params: `clickstream_events` (default 20,000), `seed` (42), `source_url`, `warehouse_dsn`, `checks` (`interval`: the
/// checks read the run's rows and days; `warehouse`: every row and day, an audit).
let shopstreamDaily = DAG(
    "shopstream_daily",
    description: "E-commerce medallion pipeline: DummyJSON API → event log → bronze → silver → gold and star → checks",
    tags: ["shopstream", "medallion"], owner: "data-team", schedule: "@daily", timeZone: "UTC",
    startDate: .utc(2026, 11, 1), catchup: false, maxActiveRuns: 1,
    params: ["clickstream_events": 20_000, "seed": 42, "checks": "interval"],
    paramDescriptions: [
        "clickstream_events": "Simulated clickstream events for the day",
        "seed": "Seed of the simulated clickstream (same seed and day, same events)",
        "checks": "interval: the checks read the run's rows and days; warehouse: every row and day (an audit)",
    ],
    environment: ["ORCH_WAREHOUSE_DSN", "ORCH_CONN_*", "ORCH_WAREHOUSE_MIGRATIONS_DIR", "SHOPSTREAM_*", "PG*"],
    defaults: TaskDefaults(retries: 2, retryDelay: 5, exponentialBackoff: true, maxRetryDelay: 60, executionTimeout: 900),
    alerts: AlertRules(onTaskFailure: true, onRunFailure: true, runDeadlineMinutes: 360)
) { d in
    let fetch = d.task("fetch", doc: "Page users, products, carts and posts from the source; land raw pages + manifest",
                       inlets: ShopStreamLineage.sources, outlets: [ShopStreamLineage.landing]) { ctx in
        _ = try ShopStreamConfig.checkReach(ctx)  // a bad `checks` param fails the run here, before anything is written
        let config = ShopStreamConfig(ctx)
        let fetcher = SourceFetcher(configuration: FetchConfiguration(baseURL: config.sourceURL))
        let result = try SourceIngest.fetch(fetcher: fetcher, dataDir: config.dataDirectory, date: try config.day(ctx))
        ctx.log("fetched \(result.counts) from \(config.sourceURL) into \(result.landingDirectory)")
        try ctx.push("counts", .object(result.counts.mapValues { .number(Double($0)) }))
        try ShopStreamLineage.reportFetch(ctx, counts: result.counts)
    }
    let produce = d.task("produce", doc: "Records and a simulated clickstream become keyed messages on topics",
                         inlets: [ShopStreamLineage.landing], outlets: ShopStreamLineage.topics) { ctx in
        let config = ShopStreamConfig(ctx)
        let day = try config.day(ctx)
        let fetched = try SourceLanding.read(dataDir: config.dataDirectory, date: day)
        let log = try SegmentEventLog(directory: config.dataDirectory + "/eventlog")
        let result = try ShopStreamProducer.produce(fetched: fetched, log: log, dataDir: config.dataDirectory,
                                                    date: day, seed: config.seed,
                                                    clickstreamEvents: config.clickstreamEvents,
                                                    fxRates: try ShopStreamConfig.fxRates())
        ctx.log("produced \(result.topics)\(result.alreadyProduced ? " (already produced for this date)" : "")")
        try ctx.push("topics", .object(result.topics.mapValues { .number(Double($0)) }))
        try ctx.push("event_types", .object(result.eventTypes.mapValues { .number(Double($0)) }))
        try ShopStreamLineage.reportProduce(ctx, result)
    }
    let bronze = d.task("load_bronze", retries: 4, doc: "COPY new messages into bronze.raw_events; offsets in the same transaction",
                        inlets: ShopStreamLineage.topics, outlets: [ShopStreamLineage.bronze]) { ctx in
        let config = ShopStreamConfig(ctx)
        let pg = try config.connect()
        defer { pg.close() }
        let applied = try WarehouseMigrator(connection: pg, directory: ShopStreamConfig.warehouseMigrations()).migrate()
        if !applied.isEmpty { ctx.log("warehouse migrations applied: \(applied.joined(separator: ", "))") }
        let log = try SegmentEventLog(directory: config.dataDirectory + "/eventlog")
        var loader = BronzeLoader(connection: pg, log: log)
        loader.parallelConnections = try (1..<config.bronzeConnections).map { _ in try config.connect() }
        defer { loader.parallelConnections.forEach { $0.close() } }
        let result = try loader.load(consumer: "shopstream")
        ctx.log("load_bronze: \(result)")
        try ctx.push("loaded", .number(Double(result.loaded)))
        try ShopStreamLineage.reportBronze(ctx, result)
    }
    let silver = d.task("silver", doc: "Typed, deduplicated, incremental upserts; invalid rows quarantined",
                        inlets: [ShopStreamLineage.bronze], outlets: ShopStreamLineage.silver) { ctx in
        let pg = try ShopStreamConfig(ctx).connect()
        defer { pg.close() }
        let result = try SilverBuilder(connection: pg).build()
        ctx.log("silver: \(result)")
        try ShopStreamLineage.reportSilver(ctx, result)
    }
    let gold = d.task("gold", doc: "Gold facts, dimensions and marts for the run's data interval",
                      inlets: ShopStreamLineage.silver, outlets: ShopStreamLineage.gold) { ctx in
        let pg = try ShopStreamConfig(ctx).connect()
        defer { pg.close() }
        let result = try GoldBuilder(connection: pg).build(start: ctx.dataInterval.start, end: ctx.dataInterval.end)
        ctx.log("gold: \(result)")
        try ShopStreamLineage.reportGold(ctx, result)
    }
    // The star schema reads silver only, so it is built beside gold (each in its own session and transaction, on
    // its own core) rather than after it.
    let star = d.task("star", doc: "The star schema of the seeds' 004 plan: dimensions by natural key, the interval's facts with currencies converted",
                      inlets: ShopStreamLineage.silver, outlets: ShopStreamLineage.star) { ctx in
        let pg = try ShopStreamConfig(ctx).connect()
        defer { pg.close() }
        let result = try StarBuilder(connection: pg, rates: try ShopStreamConfig.fxRates())
            .build(start: ctx.dataInterval.start, end: ctx.dataInterval.end)
        ctx.log("\(result)")
        try ShopStreamLineage.reportStar(ctx, result)
    }
    let checks = d.task("quality_checks", retries: 0, doc: "not_null, unique, relationships, accepted values, reconciliation with the landing and across days, freshness",
                                inlets: ShopStreamLineage.silver + ShopStreamLineage.gold + ShopStreamLineage.star,
                                outlets: [ShopStreamLineage.checkResults]) { ctx in
        let config = ShopStreamConfig(ctx)
        let landed = try SourceLanding.read(dataDir: config.dataDirectory, date: try config.day(ctx))
        let pg = try config.connect()
        defer { pg.close() }
        let reach = try ShopStreamConfig.checkReach(ctx)
        let all = QualityCheck.shopStream(reach) + QualityCheck.starAgreement(reach)
            + [.landedCartsReconcile(Reconciliation.LandedCarts(landed))]
        do {
            let results = try QualityRunner(connection: pg).run(all, runId: ctx.runId,
                                                                 start: ctx.dataInterval.start, end: ctx.dataInterval.end)
            try ctx.push("quality_checks", .array(results.map(qualityJSON)))
            ctx.log("all \(results.count) quality checks passed (\(reach.rawValue))")
        } catch let failure as QualityCheckFailure {
            let stored = try pg.execute("""
                SELECT check_name, check_kind, status, observed, details FROM quality.check_results
                WHERE run_id = $1 ORDER BY id
                """, [ctx.runId])
            try ctx.push("quality_checks", .array(stored.rows.map { row in
                .object(["name": .string(row[0] ?? ""), "kind": .string(row[1] ?? ""), "status": .string(row[2] ?? ""),
                         "observed": .string(row[3] ?? ""), "details": .string(row[4] ?? "")])
            }))
            throw failure
        }
    }
    chain(fetch, produce, bronze, silver, [gold, star], checks)
    // A daily table is stale when its last materialization is more than a day and two hours old.
    for uri in ShopStreamLineage.gold { d.freshness(uri, .hours(26)) }
    ShopStreamChecks.declare(d)
}

private func qualityJSON(_ r: QualityResult) -> JSONValue {
    .object(["name": .string(r.name), "kind": .string(r.kind), "status": .string(r.status.rawValue),
             "observed": .string(r.observed), "details": .string(r.details)])
}
