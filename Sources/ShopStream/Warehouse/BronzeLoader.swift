import Foundation
import OrchPostgres

/// load_bronze: copies new event-log messages into `bronze.raw_events`, exactly once.
///
/// For each topic-partition it reads from the consumer's committed offset (`bronze.consumer_offsets`), and per
/// batch, in ONE transaction: COPY FROM STDIN of the good rows straight into `bronze.raw_events`, COPY of bad
/// ones (not valid JSON, no key) into `bronze.dead_letter` with the reason, and advance the consumer offsets. A
/// crash anywhere before COMMIT loses the whole batch and its offsets together, so a re-run loads it again, once.
/// The unique constraint on (topic, partition, offset) is the second guard: if offsets were lost, the COPY is
/// rejected and the batch is redone through a staging table with `ON CONFLICT DO NOTHING` (see `writeBatch`).
public struct BronzeLoader {
    /// The topics ShopStream produces.
    public static let defaultTopics = ["customers", "products", "orders", "events"]

    public let connection: PGConnection
    public let log: any EventLog
    public var topics: [String]
    /// Messages per transaction.
    public var batchSize: Int
    /// Called inside each batch's transaction after all writes and before COMMIT; throwing rolls the batch
    /// back (used by tests to simulate a crash between COPY and commit).
    public var beforeCommit: ((BronzeBatchInfo) throws -> Void)?
    /// More connections to the same database to load partitions in parallel (one thread each, beside
    /// `connection`). Every partition stays on one connection, so exactly-once holds per partition. Empty: all
    /// partitions load one after another on `connection`.
    public var parallelConnections: [PGConnection] = []

    public init(connection: PGConnection, log: any EventLog, topics: [String] = BronzeLoader.defaultTopics,
                batchSize: Int = 50_000) {
        self.connection = connection
        self.log = log
        self.topics = topics
        self.batchSize = max(1, batchSize)
    }

    /// Loads everything past `consumer`'s committed offsets; returns what was written.
    @discardableResult
    public func load(consumer: String) throws -> BronzeLoadResult {
        guard !consumer.isEmpty else { throw BronzeLoadError("consumer name must not be empty") }
        let started = Date()
        var committed: [PartitionRef: Int64] = [:]
        for row in try connection.execute(
            "SELECT topic, \"partition\", next_offset FROM bronze.consumer_offsets WHERE consumer = $1", [consumer]).rows {
            if let t = row[0], let p = row[1].flatMap({ Int($0) }), let o = row[2].flatMap({ Int64($0) }) {
                committed[PartitionRef(topic: t, partition: p)] = o
            }
        }
        let existing = Set(try log.topics())
        var work: [(ref: PartitionRef, from: Int64, pending: Int64)] = []
        for topic in topics where existing.contains(topic) {
            for partition in 0..<log.partitionCount(topic: topic) {
                let ref = PartitionRef(topic: topic, partition: partition)
                let from = committed[ref] ?? 0
                work.append((ref, from, max(0, try log.endOffset(topic: topic, partition: partition) - from)))
            }
        }
        var result: BronzeLoadResult
        let connections = [connection] + parallelConnections
        if connections.count == 1 {
            result = try loadLane(work.map { ($0.ref, $0.from) }, consumer: consumer, db: connection)
        } else {
            // Each partition goes to exactly one connection (largest first, to the least loaded lane), so a
            // partition's rows and its offsets still commit in one transaction.
            var lanes = Array(repeating: [(PartitionRef, Int64)](), count: connections.count)
            var sizes = Array(repeating: Int64(0), count: connections.count)
            for item in work.sorted(by: { $0.pending > $1.pending }) where item.pending > 0 {
                let lane = sizes.indices.min { sizes[$0] < sizes[$1] }!
                lanes[lane].append((item.ref, item.from))
                sizes[lane] += item.pending
            }
            let outcomes = LaneOutcomes(count: lanes.count)
            let assigned = lanes
            // The loader is only read by the lanes; `beforeCommit` (a test hook) is then called from their threads.
            nonisolated(unsafe) let loader = self
            DispatchQueue.concurrentPerform(iterations: assigned.count) { i in
                outcomes.set(i, Result { try loader.loadLane(assigned[i], consumer: consumer, db: connections[i]) })
            }
            result = BronzeLoadResult()
            for outcome in outcomes.all() { result.add(try outcome.get()) }
        }
        result.seconds = Date().timeIntervalSince(started)
        return result
    }

    /// Loads the given partitions from their start offsets on one connection, `batchSize` messages per transaction.
    private func loadLane(_ partitions: [(PartitionRef, Int64)], consumer: String, db: PGConnection) throws -> BronzeLoadResult {
        var result = BronzeLoadResult()
        var pending: [LogRecord] = []
        pending.reserveCapacity(batchSize)
        var pendingOffsets: [PartitionRef: Int64] = [:]

        func flush() throws {
            guard !pending.isEmpty else { return }
            let outcome = try writeBatch(pending, offsets: pendingOffsets, consumer: consumer, number: result.batches + 1, db: db)
            result.add(outcome)
            pending.removeAll(keepingCapacity: true)
            pendingOffsets.removeAll()
        }

        for (ref, start) in partitions {
            var next = start
            while true {
                let records = try log.read(topic: ref.topic, partition: ref.partition, from: next, max: batchSize - pending.count)
                guard let last = records.last else { break }
                pending.append(contentsOf: records)
                next = last.offset + 1
                pendingOffsets[ref] = next
                if pending.count >= batchSize { try flush() }
            }
        }
        try flush()
        return result
    }

    /// Writes one batch in one transaction. The fast path COPYs good rows straight into `bronze.raw_events` (and
    /// bad ones into `bronze.dead_letter`); if any row is already there (offsets were lost or rewound, or another
    /// loader got there first) the unique constraint rejects the COPY, the transaction rolls back, and the batch
    /// is written again through a staging table with `ON CONFLICT DO NOTHING`, which skips exactly the duplicates.
    private func writeBatch(_ records: [LogRecord], offsets: [PartitionRef: Int64], consumer: String,
                            number: Int, db: PGConnection) throws -> BronzeLoadResult {
        do {
            return try db.transaction {
                // Losing the last commits in a server crash is safe: rows and offsets are lost together and the
                // next load reads the same messages again from the log.
                try db.execute("SET LOCAL synchronous_commit = off")
                var dead: [(LogRecord, String)] = []
                let inserted = try db.copyIn(
                    #"COPY bronze.raw_events (topic, record_key, record_value, "partition", "offset", event_ts) FROM STDIN"#
                ) { w in
                    for record in records {
                        if let reason = Self.rejection(record) { dead.append((record, reason)); continue }
                        w.field(record.topic)
                        w.field(record.key)
                        w.field(utf8: record.payload)
                        w.field(record.partition)
                        w.field(record.offset)
                        w.field(timestampMillis: record.timestampMillis)
                        try w.endRow()
                    }
                }
                var deadInserted = 0
                if !dead.isEmpty {
                    deadInserted = try db.copyIn("""
                        COPY bronze.dead_letter (topic, "partition", "offset", record_key, raw_payload, reason, event_ts) FROM STDIN
                        """) { w in
                        for (record, reason) in dead {
                            w.field(record.topic)
                            w.field(record.partition)
                            w.field(record.offset)
                            if let key = record.key, !key.contains("\0") { w.field(key) } else { w.field(nil as String?) }
                            w.field(bytea: record.payload)
                            w.field(reason)
                            w.field(timestampMillis: record.timestampMillis)
                            try w.endRow()
                        }
                    }
                }
                return try finish(records, offsets: offsets, consumer: consumer, number: number,
                                  inserted: inserted, deadInserted: deadInserted, dead: dead.count, db: db)
            }
        } catch let error as PGError where error.sqlState == "23505" {
            return try writeBatchSkippingDuplicates(records, offsets: offsets, consumer: consumer, number: number, db: db)
        }
    }

    /// The resume path: COPY into a temporary staging table, then insert with `ON CONFLICT DO NOTHING`.
    private func writeBatchSkippingDuplicates(_ records: [LogRecord], offsets: [PartitionRef: Int64], consumer: String,
                                              number: Int, db: PGConnection) throws -> BronzeLoadResult {
        try db.execute("""
            CREATE TEMP TABLE IF NOT EXISTS bronze_stage (
                topic text, "partition" integer, "offset" bigint, record_key text,
                value text, raw bytea, event_ms bigint, reason text) ON COMMIT DELETE ROWS
            """)
        return try db.transaction {
            var dead = 0
            try db.copyIn("COPY bronze_stage FROM STDIN") { w in
                for record in records {
                    let reason = Self.rejection(record)
                    w.field(record.topic)
                    w.field(record.partition)
                    w.field(record.offset)
                    if let key = record.key, !key.contains("\0") { w.field(key) } else { w.field(nil as String?) }
                    if let reason {
                        dead += 1
                        w.field(nil as String?)
                        w.field(bytea: record.payload)
                        w.field(record.timestampMillis)
                        w.field(reason)
                    } else {
                        w.field(utf8: record.payload)
                        w.field(nil as String?)
                        w.field(record.timestampMillis)
                        w.field(nil as String?)
                    }
                    try w.endRow()
                }
            }
            let inserted = try db.execute("""
                INSERT INTO bronze.raw_events (topic, record_key, record_value, "partition", "offset", event_ts)
                SELECT topic, record_key, value::jsonb, "partition", "offset", to_timestamp(event_ms / 1000.0)
                FROM bronze_stage WHERE reason IS NULL
                ON CONFLICT (topic, "partition", "offset") DO NOTHING
                """).affectedRows
            let deadInserted = try db.execute("""
                INSERT INTO bronze.dead_letter (topic, "partition", "offset", record_key, raw_payload, reason, event_ts)
                SELECT topic, "partition", "offset", record_key, raw, reason, to_timestamp(event_ms / 1000.0)
                FROM bronze_stage WHERE reason IS NOT NULL
                ON CONFLICT (topic, "partition", "offset") DO NOTHING
                """).affectedRows
            return try finish(records, offsets: offsets, consumer: consumer, number: number,
                              inserted: inserted, deadInserted: deadInserted, dead: dead, db: db)
        }
    }

    /// Advances the consumer offsets (inside the batch's transaction), runs the `beforeCommit` hook and
    /// returns the batch's counts.
    private func finish(_ records: [LogRecord], offsets: [PartitionRef: Int64], consumer: String, number: Int,
                        inserted: Int, deadInserted: Int, dead: Int, db: PGConnection) throws -> BronzeLoadResult {
        for (ref, next) in offsets.sorted(by: { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }) {
            try db.execute("""
                INSERT INTO bronze.consumer_offsets (consumer, topic, "partition", next_offset) VALUES ($1, $2, $3, $4)
                ON CONFLICT (consumer, topic, "partition")
                DO UPDATE SET next_offset = GREATEST(bronze.consumer_offsets.next_offset, EXCLUDED.next_offset), updated_at = now()
                """, [consumer, ref.topic, ref.partition, next])
        }
        var outcome = BronzeLoadResult()
        outcome.read = records.count
        outcome.loaded = inserted
        outcome.deadLetters = deadInserted
        outcome.skippedDuplicates = records.count - inserted - deadInserted
        outcome.batches = 1
        for record in records { outcome.perTopic[record.topic, default: 0] += 1 }
        try beforeCommit?(BronzeBatchInfo(number: number, records: records.count, rowsInserted: inserted, deadLetters: dead))
        return outcome
    }

    /// Why a message cannot go to raw_events, or nil when it can.
    static func rejection(_ record: LogRecord) -> String? {
        guard let key = record.key else { return "message has no key" }
        if key.isEmpty { return "message key is empty" }
        if key.contains("\0") { return "message key contains a NUL character" }
        if let problem = JSONCheck.problem(in: record.payload) { return "payload is not valid JSON: \(problem)" }
        return nil
    }
}

/// Per-lane results of a parallel load, written from the lanes' threads.
private final class LaneOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Result<BronzeLoadResult, any Error>]

    init(count: Int) { outcomes = Array(repeating: .success(BronzeLoadResult()), count: count) }
    func set(_ i: Int, _ outcome: Result<BronzeLoadResult, any Error>) { lock.withLock { outcomes[i] = outcome } }
    func all() -> [Result<BronzeLoadResult, any Error>] { lock.withLock { outcomes } }
}

struct PartitionRef: Hashable {
    var topic: String
    var partition: Int
}

/// What one `BronzeLoader.load` call did.
public struct BronzeLoadResult: Sendable, Equatable, CustomStringConvertible {
    /// Messages read from the log.
    public var read = 0
    /// Rows inserted into bronze.raw_events.
    public var loaded = 0
    /// Rows inserted into bronze.dead_letter.
    public var deadLetters = 0
    /// Messages already present (only after offsets were lost or rewound).
    public var skippedDuplicates = 0
    /// Transactions committed.
    public var batches = 0
    /// Messages read per topic.
    public var perTopic: [String: Int] = [:]
    /// Wall time of the load.
    public var seconds: Double = 0

    public init() {}

    mutating func add(_ other: BronzeLoadResult) {
        read += other.read
        loaded += other.loaded
        deadLetters += other.deadLetters
        skippedDuplicates += other.skippedDuplicates
        batches += other.batches
        for (topic, n) in other.perTopic { perTopic[topic, default: 0] += n }
    }

    public static func == (a: BronzeLoadResult, b: BronzeLoadResult) -> Bool {
        a.read == b.read && a.loaded == b.loaded && a.deadLetters == b.deadLetters
            && a.skippedDuplicates == b.skippedDuplicates && a.batches == b.batches && a.perTopic == b.perTopic
    }

    /// Messages per second of wall time.
    public var throughput: Double { seconds > 0 ? Double(read) / seconds : 0 }

    public var description: String {
        "read \(read), loaded \(loaded), dead letters \(deadLetters), duplicates skipped \(skippedDuplicates), batches \(batches), \(String(format: "%.0f", throughput)) msg/s"
    }
}

/// The batch a `beforeCommit` hook sees.
public struct BronzeBatchInfo: Sendable {
    public var number: Int
    public var records: Int
    public var rowsInserted: Int
    public var deadLetters: Int
}

/// A load_bronze error with a message naming what to fix.
public struct BronzeLoadError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
