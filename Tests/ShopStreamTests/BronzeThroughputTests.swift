import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// Prints load_bronze throughput for clickstream-like messages. Opt-in (ORCH_BENCH=1) because it takes a while;
/// it asserts counts, never timings. ORCH_BENCH_EVENTS sets the number of messages (default 200,000).
@Suite("BronzeLoader throughput", .enabled(if: ProcessInfo.processInfo.environment["ORCH_BENCH"] == "1"))
struct BronzeThroughputTests {
    @Test func printThroughput() throws {
        let total = Int(ProcessInfo.processInfo.environment["ORCH_BENCH_EVENTS"] ?? "") ?? 200_000
        try WarehouseTestDB.withDatabase { db, _ in
            let (log, dir) = try makeTempEventLog(partitions: 8)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var appended = 0
            while appended < total {
                let n = min(50_000, total - appended)
                let messages = (appended..<(appended + n)).map { i -> OutgoingMessage in
                    let ts = 1_795_132_800_000 + Int64(i)
                    let payload = #"{"event_id":"e-\#(i)","event_type":"page_view","session_id":"s-\#(i / 7)","user_id":\#(i % 208 + 1),"product_id":\#(i % 194 + 1),"ts":\#(ts),"page":"/products/\#(i % 194 + 1)","referrer":"search"}"#
                    return OutgoingMessage(key: "e-\(i)", timestampMillis: ts, payload: Array(payload.utf8))
                }
                try log.append(topic: "events", messages: messages)
                appended += n
            }
            let result = try BronzeLoader(connection: db, log: log).load(consumer: "bench")
            #expect(result.loaded == total)
            print(String(format: "load_bronze: %d events in %.2f s = %.0f events/s (%d batches)",
                         result.read, result.seconds, result.throughput, result.batches))
        }
    }
}
