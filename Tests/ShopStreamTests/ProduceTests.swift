import Foundation
import Testing
@testable import ShopStream

@Suite("Producer")
struct ProduceTests {
    @Test func everyRecordBecomesAKeyedMessage() throws {
        let dir = try TemporaryDirectory("produce-records")
        defer { dir.cleanup() }
        let log = try SegmentEventLog(directory: dir.path + "/events")
        let result = try ShopStreamProducer.produce(fetched: try fixtureFetchResult(), log: log, dataDir: dir.path,
                                                    date: "2026-11-01", clickstreamEvents: 0)
        #expect(result.topics == ["customers": 208, "products": 194, "orders": 208, "events": 251])
        #expect(result.eventTypes == ["post_published": 251])
        #expect(result.ordersByChannel == ["cart": 208, "web": 0])
        let summary = log.summary().recordsPerTopic
        #expect(summary == ["customers": 208, "products": 194, "orders": 208, "events": 251])

        let orders = try allRecords(log, "orders").flatMap { $0 }
        let date = try LogicalDate("2026-11-01")
        var discounted = 0.0
        for order in orders {
            let o = object(order)
            #expect(order.key == "cart-20261101-\(o["id"] as! Int)")
            #expect(o["order_id"] as? String == order.key && o["channel"] as? String == "cart")
            let ts = o["order_ts"] as! Int64
            #expect(ts >= date.startMillis && ts < date.endMillis)
            #expect(o["userId"] as? Int != nil && (o["products"] as? [Any])?.isEmpty == false)
            discounted += o["discountedTotal"] as! Double
        }
        let carts = try fixtureFetchResult().records(.carts).map {
            (try JSONSerialization.jsonObject(with: $0.json) as! [String: Any])["discountedTotal"] as! Double
        }
        #expect(abs(discounted - carts.reduce(0, +)) < 0.001)
        // Customers carry the user object byte for byte, keyed by id.
        let customer = try allRecords(log, "customers").flatMap { $0 }.first { $0.key == "1" }!
        #expect(Data(customer.payload) == (try fixtureFetchResult()).records(.users)[0].json)
    }

    @Test func secondProduceOfADateIsANoOp() throws {
        let dir = try TemporaryDirectory("produce-idempotent")
        defer { dir.cleanup() }
        let log = try SegmentEventLog(directory: dir.path + "/events")
        let fetched = try fixtureFetchResult()
        let first = try ShopStreamProducer.produce(fetched: fetched, log: log, dataDir: dir.path, date: "2026-11-01",
                                                   clickstreamEvents: 2_000)
        let before = log.summary()
        let second = try ShopStreamProducer.produce(fetched: fetched, log: log, dataDir: dir.path, date: "2026-11-01",
                                                    clickstreamEvents: 2_000)
        #expect(second.alreadyProduced)
        #expect(second.topics == first.topics && second.eventTypes == first.eventTypes)
        #expect(log.summary() == before)
        #expect(first.eventTypes.filter { $0.key != "post_published" }.values.reduce(0, +) == 2_000)
        #expect(first.topics["orders"] == 208 + first.eventTypes["purchase"]!)
        // Another date appends, and its offset ranges start where the first date ended.
        let next = try ShopStreamProducer.produce(fetched: fetched, log: log, dataDir: dir.path, date: "2026-11-02",
                                                  clickstreamEvents: 2_000)
        #expect(!next.alreadyProduced)
        #expect(zip(next.offsets["events"]!, first.offsets["events"]!).allSatisfy { $0.from == $1.to })
        // Asking for different parameters on a produced date is a clear error.
        #expect(throws: SourceError.self) {
            try ShopStreamProducer.produce(fetched: fetched, log: log, dataDir: dir.path, date: "2026-11-01",
                                           clickstreamEvents: 5)
        }
    }

    @Test func produceResumesAfterACrashWithoutDuplicates() throws {
        let reference = try TemporaryDirectory("produce-reference")
        let crashed = try TemporaryDirectory("produce-crashed")
        defer { reference.cleanup(); crashed.cleanup() }
        let fetched = try fixtureFetchResult()
        let refLog = try SegmentEventLog(directory: reference.path + "/events")
        _ = try ShopStreamProducer.produce(fetched: fetched, log: refLog, dataDir: reference.path,
                                           date: "2026-11-01", clickstreamEvents: 45_000)

        let realLog = try SegmentEventLog(directory: crashed.path + "/events")
        #expect(throws: FailingLog.Crash.self) {
            try ShopStreamProducer.produce(fetched: fetched, log: FailingLog(realLog, failOnAppend: 7),
                                           dataDir: crashed.path, date: "2026-11-01", clickstreamEvents: 45_000)
        }
        #expect(FileManager.default.fileExists(atPath: crashed.path + "/produced/2026-11-01.inprogress.json"))
        let reopened = try SegmentEventLog(directory: crashed.path + "/events")
        let result = try ShopStreamProducer.produce(fetched: fetched, log: reopened, dataDir: crashed.path,
                                                    date: "2026-11-01", clickstreamEvents: 45_000)
        #expect(!result.alreadyProduced)
        #expect(!FileManager.default.fileExists(atPath: crashed.path + "/produced/2026-11-01.inprogress.json"))
        for topic in ShopStreamProducer.topics {
            let want = try allRecords(refLog, topic).map { $0.map(\.payload) }
            let got = try allRecords(reopened, topic).map { $0.map(\.payload) }
            #expect(got == want, "topic \(topic) differs after resume")
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["SHOPSTREAM_BENCH_EVENTS"] != nil,
                   "a benchmark: set SHOPSTREAM_BENCH_EVENTS to run it"))
    func benchmarkOneMillionEventsWhenAsked() throws {
        let volume = try #require(ProcessInfo.processInfo.environment["SHOPSTREAM_BENCH_EVENTS"].flatMap(Int.init),
                                  "SHOPSTREAM_BENCH_EVENTS must be a number of events")
        let dir = try TemporaryDirectory("produce-bench")
        defer { dir.cleanup() }
        let log = try SegmentEventLog(directory: dir.path + "/events")
        let start = Date()
        let result = try ShopStreamProducer.produce(fetched: try fixtureFetchResult(), log: log, dataDir: dir.path,
                                                    date: "2026-11-01", clickstreamEvents: volume)
        print("produce \(volume) clickstream events: \(Date().timeIntervalSince(start)) s, topics \(result.topics)")
        #expect(result.eventTypes.filter { $0.key != "post_published" }.values.reduce(0, +) == volume)
    }
}
