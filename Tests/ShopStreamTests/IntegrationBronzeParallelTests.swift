import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// load_bronze with partitions spread over several connections keeps exactly-once: the same rows as a serial
/// load, and a crash before a commit in the lanes leaves no duplicate after the re-run.
@Suite("Integration: parallel load_bronze")
struct IntegrationBronzeParallelTests {
    struct SimulatedCrash: Error {}

    private func fill(_ log: SegmentEventLog, count: Int) throws {
        let messages = (0..<count).map { i in
            OutgoingMessage(key: "s-\(i / 5)", timestampMillis: 1_795_132_800_000 + Int64(i),
                            payload: Array(#"{"event_id":"e-\#(i)","event_type":"page_view","session_id":"s-\#(i / 5)","ts":\#(1_795_132_800_000 + i)}"#.utf8))
        }
        try log.append(topic: "events", messages: messages)
        try log.append(topic: "orders", messages: [OutgoingMessage(key: "bad", timestampMillis: 1, payload: Array("{oops".utf8))])
    }

    @Test func parallelLanesLoadEveryMessageOnceEvenAfterACrash() throws {
        try WarehouseTestDB.withDatabase { db, conninfo in
            let (log, dir) = try makeTempEventLog(partitions: 5)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try fill(log, count: 3_000)
            let second = try PGConnection(conninfo: conninfo)
            defer { second.close() }

            var crashing = BronzeLoader(connection: db, log: log, batchSize: 400)
            crashing.parallelConnections = [second]
            crashing.beforeCommit = { batch in if batch.number == 2 { throw SimulatedCrash() } }
            #expect(throws: SimulatedCrash.self) { try crashing.load(consumer: "shopstream") }
            let partial = try db.count("SELECT count(*) FROM bronze.raw_events")
            #expect(partial > 0 && partial < 3_000)
            #expect(try db.count("SELECT coalesce(sum(next_offset), 0)::int FROM bronze.consumer_offsets")
                == partial + db.count("SELECT count(*) FROM bronze.dead_letter"))

            var loader = BronzeLoader(connection: db, log: log, batchSize: 400)
            loader.parallelConnections = [second]
            let rerun = try loader.load(consumer: "shopstream")
            #expect(rerun.skippedDuplicates == 0)
            #expect(try db.count("SELECT count(*) FROM bronze.raw_events") == 3_000)
            #expect(try db.count("SELECT count(DISTINCT (topic, \"partition\", \"offset\")) FROM bronze.raw_events") == 3_000)
            #expect(try db.count("SELECT count(*) FROM bronze.dead_letter") == 1)
            #expect(try db.count("SELECT sum(next_offset)::int FROM bronze.consumer_offsets") == 3_001)
            // Rows carry the message time exactly (COPY writes it as text with milliseconds).
            #expect(try db.count("""
                SELECT count(*) FROM bronze.raw_events
                WHERE (extract(epoch FROM event_ts) * 1000)::bigint <> (record_value->>'ts')::bigint
                """) == 0)
            #expect(try loader.load(consumer: "shopstream").read == 0)
        }
    }
}
