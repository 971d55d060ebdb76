import Foundation

/// The embedded default ``EventLog``: append-only segment files per topic-partition under one directory.
///
/// Layout: `<directory>/<topic>/topic.json` (`{"partitions": N}`, fixed when the topic is created) and
/// `<directory>/<topic>/<partition>/<baseOffset>.log` (base offset zero-padded to 20 digits). Records are framed
/// as described in ``RecordFrame`` with a CRC-32 each. Every ``append(topic:messages:)`` call is a commit: the
/// touched segment files are fsynced before it returns. Opening the log scans each partition's active segment and
/// cuts a torn or corrupt tail (see ``recoveries``). Partition = FNV-1a(key) % partitions; keyless messages go to
/// partition 0. All methods are thread-safe (one lock per log).
public final class SegmentEventLog: EventLog, @unchecked Sendable {
    /// Tuning for a log.
    public struct Configuration: Sendable {
        /// Partitions of a topic that is not listed in `partitionsPerTopic`.
        public var defaultPartitions: Int
        /// Partitions for particular topics, used when the topic is created.
        public var partitionsPerTopic: [String: Int]
        /// A segment is sealed and a new one started once it reaches this size.
        public var segmentBytes: Int

        public init(defaultPartitions: Int = 4, partitionsPerTopic: [String: Int] = [:], segmentBytes: Int = 64 << 20) {
            self.defaultPartitions = defaultPartitions
            self.partitionsPerTopic = partitionsPerTopic
            self.segmentBytes = segmentBytes
        }
    }

    public let directory: String
    public let configuration: Configuration
    private let lock = NSLock()
    private var partitionCounts: [String: Int] = [:]
    private var partitions: [String: [PartitionLog]] = [:]
    private var recovered: [EventLogRecovery] = []

    /// Opens (creating if needed) the log under `directory`, recovering every existing partition.
    public init(directory: String, configuration: Configuration = Configuration()) throws {
        guard configuration.defaultPartitions > 0, configuration.partitionsPerTopic.values.allSatisfy({ $0 > 0 }) else {
            throw EventLogError(.invalidArgument, "event log: partition counts must be at least 1")
        }
        self.directory = directory
        self.configuration = configuration
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        where !name.hasPrefix(".") {
            let meta = directory + "/" + name + "/topic.json"
            guard FileManager.default.fileExists(atPath: meta) else { continue }
            try openTopic(name, partitionCount: try Self.readPartitionCount(meta))
        }
    }

    /// What was cut from partitions when the log was opened (empty after a clean shutdown).
    public var recoveries: [EventLogRecovery] {
        lock.lock(); defer { lock.unlock() }
        return recovered
    }

    @discardableResult
    public func append(topic: String, messages: [OutgoingMessage]) throws -> [LogRecord] {
        lock.lock(); defer { lock.unlock() }
        let logs = try partitionLogs(topic, create: true)!
        var routed = [[OutgoingMessage]](repeating: [], count: logs.count)
        var order: [(partition: Int, index: Int)] = []
        order.reserveCapacity(messages.count)
        for message in messages {
            let p = StablePartitioner.partition(forKey: message.key, count: logs.count)
            order.append((p, routed[p].count))
            routed[p].append(message)
        }
        var stored = [[LogRecord]](repeating: [], count: logs.count)
        for (p, batch) in routed.enumerated() where !batch.isEmpty {
            stored[p] = try logs[p].append(batch)
        }
        return order.map { stored[$0.partition][$0.index] }
    }

    public func partitionCount(topic: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return partitionCounts[topic] ?? configuredPartitions(topic)
    }

    public func endOffset(topic: String, partition: Int) throws -> Int64 {
        lock.lock(); defer { lock.unlock() }
        guard let logs = try partitionLogs(topic, create: false) else { return 0 }
        return try checked(logs, topic, partition).nextOffset
    }

    public func read(topic: String, partition: Int, from offset: Int64, max: Int) throws -> [LogRecord] {
        lock.lock(); defer { lock.unlock() }
        guard let logs = try partitionLogs(topic, create: false) else { return [] }
        return try checked(logs, topic, partition).read(from: offset, max: max)
    }

    public func topics() throws -> [String] {
        lock.lock(); defer { lock.unlock() }
        return partitionCounts.keys.sorted()
    }

    /// Offsets and sizes of every topic-partition (for `orch events topics`).
    public func summary() -> EventLogSummary {
        lock.lock(); defer { lock.unlock() }
        var rows: [EventLogSummary.Row] = []
        for topic in partitionCounts.keys.sorted() {
            for log in partitions[topic] ?? [] {
                rows.append(.init(topic: topic, partition: log.partition, startOffset: log.startOffset,
                                  endOffset: log.nextOffset, segments: log.segmentCount, bytes: log.totalBytes))
            }
        }
        return EventLogSummary(directory: directory, rows: rows)
    }

    /// A human-readable table of topics, partitions and offsets.
    public func describeTopics() -> String { summary().render() }

    // MARK: - Topics

    private func configuredPartitions(_ topic: String) -> Int {
        configuration.partitionsPerTopic[topic] ?? configuration.defaultPartitions
    }

    private func checked(_ logs: [PartitionLog], _ topic: String, _ partition: Int) throws -> PartitionLog {
        guard logs.indices.contains(partition) else {
            throw EventLogError(.invalidArgument,
                                "event log: topic '\(topic)' has partitions 0..<\(logs.count), not \(partition)")
        }
        return logs[partition]
    }

    private func partitionLogs(_ topic: String, create: Bool) throws -> [PartitionLog]? {
        if let logs = partitions[topic] { return logs }
        guard create else { return nil }
        try Self.validate(topic: topic)
        let count = configuredPartitions(topic)
        let topicDir = directory + "/" + topic
        try FileManager.default.createDirectory(atPath: topicDir, withIntermediateDirectories: true)
        let meta = try JSONSerialization.data(withJSONObject: ["partitions": count], options: [.sortedKeys])
        try meta.write(to: URL(fileURLWithPath: topicDir + "/topic.json"), options: .atomic)
        SegmentFile.syncDirectory(topicDir)
        SegmentFile.syncDirectory(directory)
        try openTopic(topic, partitionCount: count)
        return partitions[topic]
    }

    private func openTopic(_ topic: String, partitionCount: Int) throws {
        var logs: [PartitionLog] = []
        for p in 0..<partitionCount {
            let log = try PartitionLog(topic: topic, partition: p, directory: directory + "/\(topic)/\(p)",
                                       segmentBytes: configuration.segmentBytes)
            if let r = log.recovery { recovered.append(r) }
            logs.append(log)
        }
        partitions[topic] = logs
        partitionCounts[topic] = partitionCount
    }

    private static func readPartitionCount(_ path: String) throws -> Int {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let n = object["partitions"] as? Int, n > 0 else {
            throw EventLogError(.corrupt, "event log: \(path) must be {\"partitions\": N} with N >= 1")
        }
        return n
    }

    static func validate(topic: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !topic.isEmpty, topic.count <= 200, !topic.hasPrefix("."), topic.allSatisfy(allowed.contains) else {
            throw EventLogError(.invalidArgument,
                                "event log: invalid topic name '\(topic)': use letters, digits, '.', '_' or '-'")
        }
    }
}
