import Foundation

/// The produce step: fetched records and a simulated clickstream become keyed messages in the event log.
///
/// Idempotent per date: when `<dataDir>/produced/<date>.json` exists, produce writes nothing and returns the
/// recorded ``ProduceResult`` (`alreadyProduced: true`); delete that file to produce the date again. Before
/// writing, `<dataDir>/produced/<date>.inprogress.json` records every partition's end offset; if produce crashes,
/// the next call finds it and skips the messages that already reached the log (see ``ResumableAppender``), so a
/// retried task completes the date without duplicates.
public enum ShopStreamProducer {
    /// The topics produce writes.
    public static let topics = ["customers", "products", "orders", "events"]

    /// Produces `date` from `fetched` into `log`. `clickstreamEvents` 0 turns the simulation off. `fxRates`: the
    /// ECB reference rates that price purchases in their session's currency (nil: every purchase in USD).
    public static func produce(fetched: FetchResult, log: any EventLog, dataDir: String, date: String,
                               seed: UInt64 = 42, clickstreamEvents: Int = 20_000,
                               fxRates: FXRates? = nil) throws -> ProduceResult {
        let day = try LogicalDate(date)
        guard clickstreamEvents >= 0 else {
            throw SourceError(.invalidArgument, "clickstream volume must be >= 0, got \(clickstreamEvents)")
        }
        let dir = dataDir + "/produced"
        let donePath = dir + "/\(day).json", progressPath = dir + "/\(day).inprogress.json"
        if let data = FileManager.default.contents(atPath: donePath) {
            var recorded = try JSONDecoder().decode(ProduceResult.self, from: data)
            guard recorded.seed == seed, recorded.clickstreamEvents == clickstreamEvents else {
                throw SourceError(.invalidArgument, "\(day) was already produced with seed \(recorded.seed) and "
                    + "\(recorded.clickstreamEvents) clickstream events; delete \(donePath) (and reload downstream) "
                    + "to produce it with seed \(seed) and \(clickstreamEvents) events")
            }
            recorded.alreadyProduced = true
            return recorded
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)

        let startOffsets: [String: [Int64]]
        if let data = FileManager.default.contents(atPath: progressPath) {
            startOffsets = try JSONDecoder().decode([String: [Int64]].self, from: data)
        } else {
            startOffsets = try endOffsets(log)
            try write(startOffsets, to: progressPath)
        }
        let current = try endOffsets(log)
        var appender = ResumableAppender(log: log, skip: startOffsets.mapValues { _ in [] })
        for (topic, starts) in startOffsets {
            appender.skip[topic] = zip(current[topic] ?? [], starts).map { $0 - $1 }
        }

        let catalog = try Catalog(fetched)
        let customers = RecordMessages.customers(fetched, date: day)
        let products = RecordMessages.products(fetched, date: day)
        let cartOrders = try RecordMessages.cartOrders(fetched, date: day, seed: seed)
        let posts = try RecordMessages.postEvents(fetched, date: day, seed: seed)
        try appender.append(topic: "customers", customers)
        try appender.append(topic: "products", products)
        try appender.append(topic: "orders", cartOrders)
        try appender.append(topic: "events", posts)

        var simulator = ClickstreamSimulator(catalog: catalog, date: day, seed: seed, events: clickstreamEvents)
        simulator.fxRates = fxRates?.inForce(on: day.description)?.perEUR
        let counts = try simulator.run { events, orders in
            try appender.append(topic: "events", events)
            try appender.append(topic: "orders", orders)
        }

        let ends = try endOffsets(log)
        var eventTypes = counts.eventTypes
        if !posts.isEmpty { eventTypes["post_published"] = posts.count }
        var offsets: [String: [ProduceResult.OffsetRange]] = [:]
        for topic in topics {
            let from = startOffsets[topic] ?? []
            offsets[topic] = (ends[topic] ?? []).enumerated().map { p, to in
                .init(partition: p, from: p < from.count ? from[p] : 0, to: to)
            }
        }
        let result = ProduceResult(
            date: day.description, seed: seed, clickstreamEvents: clickstreamEvents,
            topics: ["customers": customers.count, "products": products.count,
                     "orders": cartOrders.count + counts.webOrders,
                     "events": posts.count + counts.eventTypes.values.reduce(0, +)],
            eventTypes: eventTypes, ordersByChannel: ["cart": cartOrders.count, "web": counts.webOrders],
            sessions: counts.sessions, offsets: offsets, alreadyProduced: false)
        try write(result, to: donePath)
        try? FileManager.default.removeItem(atPath: progressPath)
        return result
    }

    /// End offsets of every partition of the produced topics.
    private static func endOffsets(_ log: any EventLog) throws -> [String: [Int64]] {
        var out: [String: [Int64]] = [:]
        for topic in topics {
            out[topic] = try (0..<log.partitionCount(topic: topic)).map { try log.endOffset(topic: topic, partition: $0) }
        }
        return out
    }

    private static func write<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(value).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
