import Foundation
import Testing
@testable import ShopStream

@Suite("SegmentEventLog")
struct EventLogTests {
    private func messages(_ n: Int, prefix: String = "k") -> [OutgoingMessage] {
        (0..<n).map { i in
            OutgoingMessage(key: "\(prefix)\(i % 37)", timestampMillis: 1_700_000_000_000 + Int64(i),
                            payload: Array("{\"n\":\(i)}".utf8))
        }
    }

    @Test func appendThenReadRoundTrip() throws {
        let dir = try TemporaryDirectory("log-roundtrip")
        defer { dir.cleanup() }
        let log = try SegmentEventLog(directory: dir.path)
        let input = messages(500) + [OutgoingMessage(key: nil, timestampMillis: 5, payload: [0, 255, 10])]
        let stored = try log.append(topic: "orders", messages: input)
        #expect(stored.count == input.count)
        #expect(zip(stored, input).allSatisfy { $0.key == $1.key && $0.payload == $1.payload })

        var readBack: [LogRecord] = []
        for p in 0..<log.partitionCount(topic: "orders") {
            readBack += try log.read(topic: "orders", partition: p, from: 0, max: 10_000)
        }
        #expect(Set(readBack) == Set(stored))
        #expect(stored.last?.partition == 0 && stored.last?.key == nil)
        #expect(try log.topics() == ["orders"])

        // Reopened from disk, the same records come back.
        let reopened = try SegmentEventLog(directory: dir.path)
        var again: [LogRecord] = []
        for p in 0..<4 { again += try reopened.read(topic: "orders", partition: p, from: 0, max: 10_000) }
        #expect(Set(again) == Set(stored))
        #expect(reopened.recoveries.isEmpty)
    }

    @Test func offsetsAreSequentialPerPartition() throws {
        let dir = try TemporaryDirectory("log-offsets")
        defer { dir.cleanup() }
        let log = try SegmentEventLog(directory: dir.path, configuration: .init(segmentBytes: 2_000))
        try log.append(topic: "events", messages: messages(300))
        try log.append(topic: "events", messages: messages(300))
        var total: Int64 = 0
        for p in 0..<4 {
            let records = try log.read(topic: "events", partition: p, from: 0, max: 100_000)
            #expect(records.map(\.offset) == Array(0..<Int64(records.count)))
            #expect(try log.endOffset(topic: "events", partition: p) == Int64(records.count))
            total += Int64(records.count)
            // Reading from the middle (through the sparse index, across segments) starts at that offset.
            if records.count > 10 {
                let tail = try log.read(topic: "events", partition: p, from: 7, max: 3)
                #expect(tail.map(\.offset) == [7, 8, 9])
            }
        }
        #expect(total == 600)
        let segments = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/events/0")
        #expect(segments.count > 1, "small segmentBytes must roll segments")
        #expect(segments.contains("00000000000000000000.log"))
    }

    @Test func partitionIsAStableFunctionOfTheKey() throws {
        // Fixed values: FNV-1a 64 is specified, so these never change between processes or machines.
        #expect(StablePartitioner.fnv1a64("") == 0xCBF2_9CE4_8422_2325)
        #expect(StablePartitioner.fnv1a64("a") == 0xAF63_DC4C_8601_EC8C)
        let dir = try TemporaryDirectory("log-partition")
        defer { dir.cleanup() }
        let log = try SegmentEventLog(directory: dir.path, configuration: .init(partitionsPerTopic: ["customers": 3]))
        let stored = try log.append(topic: "customers", messages: messages(200))
        #expect(log.partitionCount(topic: "customers") == 3)
        for record in stored {
            #expect(record.partition == StablePartitioner.partition(forKey: record.key, count: 3))
        }
        let byKey = Dictionary(grouping: stored, by: { $0.key! }).mapValues { Set($0.map(\.partition)) }
        #expect(byKey.values.allSatisfy { $0.count == 1 })
        #expect(Set(stored.map(\.partition)).count == 3)
        // The partition count is fixed at creation, whatever a later configuration says.
        let reopened = try SegmentEventLog(directory: dir.path)
        #expect(reopened.partitionCount(topic: "customers") == 3)
    }

    @Test func tornTailIsCutOnOpenAndEarlierRecordsKept() throws {
        let dir = try TemporaryDirectory("log-torn")
        defer { dir.cleanup() }
        let config = SegmentEventLog.Configuration(defaultPartitions: 1)
        let log = try SegmentEventLog(directory: dir.path, configuration: config)
        try log.append(topic: "t", messages: messages(20))
        let segment = dir.path + "/t/0/00000000000000000000.log"
        let goodSize = try FileManager.default.attributesOfItem(atPath: segment)[.size] as! Int

        // Half a record: frame a real one and keep only its first part, as a crash mid-write would.
        var frame: [UInt8] = []
        RecordFrame.encode(offset: 20, timestampMillis: 1, key: "x", payload: Array("hello world".utf8), into: &frame)
        try appendBytes(Array(frame.prefix(frame.count / 2)), toFile: segment)

        let reopened = try SegmentEventLog(directory: dir.path, configuration: config)
        #expect(reopened.recoveries.count == 1)
        #expect(reopened.recoveries.first?.validBytes == goodSize)
        #expect(reopened.recoveries.first?.reason.contains("torn") == true)
        #expect(try FileManager.default.attributesOfItem(atPath: segment)[.size] as! Int == goodSize)
        #expect(try reopened.read(topic: "t", partition: 0, from: 0, max: 100).count == 20)
        #expect(try reopened.endOffset(topic: "t", partition: 0) == 20)

        // Appending continues at the next offset, and garbage bytes are cut the same way.
        try reopened.append(topic: "t", messages: messages(1))
        try appendBytes(Array(repeating: 0xAB, count: 50), toFile: segment)
        let third = try SegmentEventLog(directory: dir.path, configuration: config)
        #expect(third.recoveries.count == 1)
        #expect(try third.read(topic: "t", partition: 0, from: 0, max: 100).map(\.offset) == Array(0...20))
    }

    @Test func checksumCorruptionIsDetected() throws {
        let dir = try TemporaryDirectory("log-crc")
        defer { dir.cleanup() }
        let config = SegmentEventLog.Configuration(defaultPartitions: 1, segmentBytes: 300)
        let log = try SegmentEventLog(directory: dir.path, configuration: config)
        try log.append(topic: "t", messages: messages(40))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/t/0").sorted()
        #expect(files.count >= 3)

        // Flip one payload byte of the first record of a sealed segment: reading it fails with a clear error.
        try flipByte(at: 30, of: dir.path + "/t/0/" + files[0])
        let reopened = try SegmentEventLog(directory: dir.path, configuration: config)
        let error = #expect(throws: EventLogError.self) {
            try reopened.read(topic: "t", partition: 0, from: 0, max: 100)
        }
        #expect(error?.kind == .corrupt)
        #expect(error?.message.contains("checksum mismatch") == true)
        #expect(error?.message.contains(files[0]) == true)

        // In the active segment, the corrupt record and what follows it are cut on open.
        let active = dir.path + "/t/0/" + files[files.count - 1]
        try flipByte(at: 30, of: active)
        let third = try SegmentEventLog(directory: dir.path, configuration: config)
        #expect(third.recoveries.first?.reason.contains("checksum mismatch") == true)
        #expect(third.recoveries.first?.validBytes == 0)
        #expect(try third.endOffset(topic: "t", partition: 0) == Int64(files[files.count - 1].dropLast(4))!)
    }

    @Test func describeTopicsListsPartitionsAndOffsets() throws {
        let dir = try TemporaryDirectory("log-describe")
        defer { dir.cleanup() }
        let log = try SegmentEventLog(directory: dir.path)
        try log.append(topic: "customers", messages: messages(10))
        try log.append(topic: "events", messages: messages(5))
        let summary = log.summary()
        #expect(summary.rows.count == 8)
        #expect(summary.recordsPerTopic == ["customers": 10, "events": 5])
        let text = log.describeTopics()
        #expect(text.contains("TOPIC"))
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("customers") }.count == 5)
    }

    @Test func rejectsBadTopicAndPartition() throws {
        let dir = try TemporaryDirectory("log-bad")
        defer { dir.cleanup() }
        let log = try SegmentEventLog(directory: dir.path)
        #expect(throws: EventLogError.self) { try log.append(topic: "../x", messages: messages(1)) }
        try log.append(topic: "ok", messages: messages(1))
        #expect(throws: EventLogError.self) { try log.read(topic: "ok", partition: 9, from: 0, max: 1) }
        #expect(try log.read(topic: "missing", partition: 0, from: 0, max: 1).isEmpty)
    }

    @Test func concurrentAppendsKeepOffsetsDense() async throws {
        let dir = try TemporaryDirectory("log-concurrent")
        defer { dir.cleanup() }
        let log = try SegmentEventLog(directory: dir.path)
        let batch = messages(50)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { _ = try? log.append(topic: "c", messages: batch) } }
        }
        var total = 0
        for p in 0..<4 {
            let records = try log.read(topic: "c", partition: p, from: 0, max: 10_000)
            #expect(records.map(\.offset) == Array(0..<Int64(records.count)))
            total += records.count
        }
        #expect(total == 400)
    }

    @Test func crcMatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }

    private func flipByte(at position: Int, of path: String) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[position] ^= 0xFF
        try data.write(to: URL(fileURLWithPath: path))
    }
}
