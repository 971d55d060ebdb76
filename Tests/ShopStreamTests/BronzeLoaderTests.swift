import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

@Suite("BronzeLoader")
struct BronzeLoaderTests {
    struct SimulatedCrash: Error {}

    /// Appends `count` customer-like messages per topic.
    func fill(_ log: SegmentEventLog, topic: String, count: Int, start: Int = 0) throws {
        let messages = (start..<(start + count)).map { i in
            OutgoingMessage(key: "\(topic)-\(i)", timestampMillis: 1_790_000_000_000 + Int64(i),
                            payload: json(["id": i, "note": "tab\there\nline \\ \"q\" ünï", "topic": topic]))
        }
        try log.append(topic: topic, messages: messages)
    }

    @Test func loadsEverythingOnceAndRerunIsANoOp() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let (log, dir) = try makeTempEventLog()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try fill(log, topic: "customers", count: 300)
            try fill(log, topic: "orders", count: 120)
            var loader = BronzeLoader(connection: db, log: log)
            loader.batchSize = 100
            let first = try loader.load(consumer: "shopstream")
            #expect(first.read == 420 && first.loaded == 420 && first.deadLetters == 0)
            #expect(first.batches == 5)
            #expect(try db.count("SELECT count(*) FROM bronze.raw_events") == 420)
            #expect(try db.execute("SELECT record_value->>'note' FROM bronze.raw_events LIMIT 1").string(0, 0) == "tab\there\nline \\ \"q\" ünï")
            let again = try loader.load(consumer: "shopstream")
            #expect(again.read == 0 && again.batches == 0)
            // New messages after the first load are picked up, only them.
            try fill(log, topic: "orders", count: 30, start: 120)
            #expect(try loader.load(consumer: "shopstream").loaded == 30)
            #expect(try db.count("SELECT count(*) FROM bronze.raw_events WHERE topic = 'orders'") == 150)
            let offsets = try db.count("SELECT sum(next_offset)::int FROM bronze.consumer_offsets WHERE consumer = 'shopstream'")
            #expect(offsets == 450)
        }
    }

    @Test func malformedAndKeylessMessagesGoToDeadLetterWithReason() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let (log, dir) = try makeTempEventLog(partitions: 1)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try log.append(topic: "events", messages: [
                OutgoingMessage(key: "ok-1", timestampMillis: 1, payload: json(["a": 1])),
                OutgoingMessage(key: "bad-json", timestampMillis: 2, payload: Array("{\"a\": 1,".utf8)),
                OutgoingMessage(key: nil, timestampMillis: 3, payload: json(["a": 2])),
                OutgoingMessage(key: "nul", timestampMillis: 4, payload: Array(#"{"a":"\u0000"}"#.utf8)),
                OutgoingMessage(key: "bad-utf8", timestampMillis: 5, payload: [0x22, 0xC3, 0x28, 0x22]),
                OutgoingMessage(key: "tab\tkey", timestampMillis: 6, payload: Array(#"["x\ty"]"#.utf8)),
            ])
            let result = try BronzeLoader(connection: db, log: log).load(consumer: "c")
            #expect(result.loaded == 2)
            #expect(result.deadLetters == 4)
            let dead = try db.execute("SELECT record_key, reason, raw_payload FROM bronze.dead_letter ORDER BY \"offset\"")
            #expect(dead.count == 4)
            #expect(try dead.string(0, "reason")?.hasPrefix("payload is not valid JSON") == true)
            #expect(try dead.string(1, "reason") == "message has no key")
            #expect(try dead.string(1, "record_key") == nil)
            #expect(try dead.string(2, "reason")?.contains("u0000") == true)
            #expect(try dead.string(3, "reason")?.contains("UTF-8") == true)
            #expect(try dead.bytes(3, "raw_payload") == [0x22, 0xC3, 0x28, 0x22])
            // A key with a tab and a JSON escape survive COPY's text format unchanged.
            let good = try db.execute("SELECT record_key, record_value->>0 FROM bronze.raw_events WHERE record_key LIKE 'tab%'")
            #expect(try good.string(0, 0) == "tab\tkey")
            #expect(try good.string(0, 1) == "x\ty")
            #expect(try dead.bytes(0, "raw_payload") == Array("{\"a\": 1,".utf8))
        }
    }

    @Test func crashBetweenCopyAndCommitLeavesNoDuplicates() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let (log, dir) = try makeTempEventLog()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try fill(log, topic: "products", count: 250)
            try fill(log, topic: "events", count: 250)
            var crashing = BronzeLoader(connection: db, log: log)
            crashing.batchSize = 100
            crashing.beforeCommit = { batch in
                // The batch's rows are written (visible inside the transaction) when the "crash" happens.
                #expect(batch.rowsInserted == batch.records)
                if batch.number == 3 { throw SimulatedCrash() }
            }
            #expect(throws: SimulatedCrash.self) { try crashing.load(consumer: "shopstream") }
            #expect(try db.count("SELECT count(*) FROM bronze.raw_events") == 200)
            #expect(try db.count("SELECT sum(next_offset)::int FROM bronze.consumer_offsets") == 200)

            var loader = BronzeLoader(connection: db, log: log)
            loader.batchSize = 100
            let rerun = try loader.load(consumer: "shopstream")
            #expect(rerun.loaded == 300 && rerun.skippedDuplicates == 0)
            #expect(try db.count("SELECT count(*) FROM bronze.raw_events") == 500)
            #expect(try db.count("SELECT count(DISTINCT (topic, \"partition\", \"offset\")) FROM bronze.raw_events") == 500)
        }
    }

    @Test func lostOffsetsAreCaughtByTheUniqueConstraint() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let (log, dir) = try makeTempEventLog()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try fill(log, topic: "customers", count: 50)
            let loader = BronzeLoader(connection: db, log: log)
            try loader.load(consumer: "a")
            try db.execute("DELETE FROM bronze.consumer_offsets")
            let again = try loader.load(consumer: "a")
            #expect(again.read == 50 && again.loaded == 0 && again.skippedDuplicates == 50)
            #expect(try db.count("SELECT count(*) FROM bronze.raw_events") == 50)
        }
    }
}
