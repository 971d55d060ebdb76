import Foundation

/// What was cut from a partition when it was opened after a crash.
public struct EventLogRecovery: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int
    public var segmentPath: String
    /// Byte position where the valid data ends (the file was truncated here).
    public var validBytes: Int
    /// How many bytes were cut.
    public var removedBytes: Int
    public var reason: String

    public var description: String {
        "\(topic)/\(partition): cut \(removedBytes) bytes at position \(validBytes) of \(segmentPath) (\(reason))"
    }
}

/// The segments of one topic-partition. Only the last (active) segment is written; older ones are sealed.
///
/// Reads use a sparse in-memory index (one entry per ~4 KiB of segment) built when the segment is first scanned:
/// the active segment is scanned on open (that scan is also the crash recovery), a sealed one on its first read.
/// The index is not persisted, so opening costs one sequential read of the active segment.
final class PartitionLog {
    static let indexIntervalBytes = 4096

    private final class Segment {
        let file: SegmentFile
        /// (offset, byte position) pairs in ascending order; nil until the segment was scanned.
        var index: [(offset: Int64, position: Int)]?
        /// Byte position of the last index entry.
        var lastIndexed = -PartitionLog.indexIntervalBytes
        init(file: SegmentFile) { self.file = file }

        func noteIndex(offset: Int64, position: Int) {
            if index == nil { index = [] }
            if position - lastIndexed >= PartitionLog.indexIntervalBytes {
                index!.append((offset, position))
                lastIndexed = position
            }
        }
    }

    let topic: String
    let partition: Int
    let directory: String
    private let segmentBytes: Int
    private var segments: [Segment] = []
    private(set) var nextOffset: Int64 = 0
    private(set) var recovery: EventLogRecovery?
    private var broken: String?

    init(topic: String, partition: Int, directory: String, segmentBytes: Int) throws {
        self.topic = topic
        self.partition = partition
        self.directory = directory
        self.segmentBytes = segmentBytes
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".log") }
        var bases: [Int64] = names.compactMap { Int64($0.dropLast(4)) }.sorted()
        if bases.isEmpty {
            bases = [0]
        }
        for (i, base) in bases.enumerated() {
            let path = directory + "/" + SegmentFile.fileName(baseOffset: base)
            let create = i == bases.count - 1
            segments.append(Segment(file: try SegmentFile(path: path, baseOffset: base, create: create)))
        }
        if names.isEmpty { SegmentFile.syncDirectory(directory) }
        try recoverActiveSegment()
    }

    /// Scans the active segment, builds its index and cuts a torn or corrupt tail.
    private func recoverActiveSegment() throws {
        let active = segments[segments.count - 1]
        active.index = []
        var expected = active.file.baseOffset
        var cursor = FrameCursor(file: active.file, position: 0)
        while let (frame, position) = try cursor.next(decodePayload: false) {
            var problem: String?
            switch frame {
            case .record(let offset, _, _, _, _):
                if offset == expected {
                    active.noteIndex(offset: offset, position: position)
                    expected += 1
                    continue
                }
                problem = "offset \(offset) where \(expected) was expected"
            case .incomplete(let needed):
                problem = "torn record: \(active.file.size - position) of \(needed) bytes present"
            case .invalid(let reason):
                problem = reason
            }
            let removed = active.file.size - position
            try active.file.truncate(to: position)
            recovery = EventLogRecovery(topic: topic, partition: partition, segmentPath: active.file.path,
                                        validBytes: position, removedBytes: removed, reason: problem ?? "invalid")
            break
        }
        nextOffset = expected
    }

    var startOffset: Int64 { segments[0].file.baseOffset }
    var segmentCount: Int { segments.count }
    var totalBytes: Int { segments.reduce(0) { $0 + $1.file.size } }

    /// Appends messages (already routed to this partition) and fsyncs before returning.
    func append(_ messages: [OutgoingMessage]) throws -> [LogRecord] {
        if let broken { throw EventLogError(.io, "event log: \(topic)/\(partition) is unusable after \(broken); reopen the log") }
        var records: [LogRecord] = []
        records.reserveCapacity(messages.count)
        var pending: [UInt8] = []
        var offset = nextOffset
        for message in messages {
            var active = segments[segments.count - 1]
            if active.file.size + pending.count >= segmentBytes, active.file.size + pending.count > 0 {
                try flush(&pending, to: active)
                active = try roll(baseOffset: offset)
            }
            active.noteIndex(offset: offset, position: active.file.size + pending.count)
            RecordFrame.encode(offset: offset, timestampMillis: message.timestampMillis, key: message.key,
                               payload: message.payload, into: &pending)
            records.append(LogRecord(topic: topic, partition: partition, offset: offset, key: message.key,
                                     timestampMillis: message.timestampMillis, payload: message.payload))
            offset += 1
        }
        try flush(&pending, to: segments[segments.count - 1])
        nextOffset = offset
        return records
    }

    private func flush(_ pending: inout [UInt8], to segment: Segment) throws {
        guard !pending.isEmpty else { return }
        let before = segment.file.size
        do {
            try segment.file.append(pending)
            try segment.file.sync()
        } catch {
            do { try segment.file.truncate(to: before) } catch { broken = "a failed write that could not be undone" }
            throw error
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func roll(baseOffset: Int64) throws -> Segment {
        let path = directory + "/" + SegmentFile.fileName(baseOffset: baseOffset)
        let segment = Segment(file: try SegmentFile(path: path, baseOffset: baseOffset, create: true))
        segment.index = []
        segments.append(segment)
        SegmentFile.syncDirectory(directory)
        return segment
    }

    /// Up to `max` records from `offset` on.
    func read(from offset: Int64, max: Int) throws -> [LogRecord] {
        guard max > 0, offset < nextOffset else { return [] }
        let from = Swift.max(offset, startOffset)
        var i = segments.lastIndex { $0.file.baseOffset <= from } ?? 0
        var out: [LogRecord] = []
        var position = try startPosition(in: segments[i], for: from)
        while out.count < max, i < segments.count {
            let segment = segments[i]
            var cursor = FrameCursor(file: segment.file, position: position)
            while out.count < max, let (frame, at) = try cursor.next() {
                guard case .record(let o, let ts, let key, let payload, _) = frame else {
                    throw corruption(segment, at, frame)
                }
                if o >= from {
                    out.append(LogRecord(topic: topic, partition: partition, offset: o, key: key,
                                         timestampMillis: ts, payload: payload))
                }
            }
            i += 1
            position = 0
        }
        return out
    }

    private func startPosition(in segment: Segment, for offset: Int64) throws -> Int {
        if segment.index == nil { try buildIndex(segment) }
        let index = segment.index!
        var lo = 0, hi = index.count - 1, best = 0
        while lo <= hi {
            let mid = (lo + hi) / 2
            if index[mid].offset <= offset { best = index[mid].position; lo = mid + 1 } else { hi = mid - 1 }
        }
        return best
    }

    /// Scans a sealed segment (verifying checksums) to build its index.
    private func buildIndex(_ segment: Segment) throws {
        segment.index = []
        var cursor = FrameCursor(file: segment.file, position: 0)
        while let (frame, position) = try cursor.next(decodePayload: false) {
            guard case .record(let o, _, _, _, _) = frame else { throw corruption(segment, position, frame) }
            segment.noteIndex(offset: o, position: position)
        }
    }

    private func corruption(_ segment: Segment, _ position: Int, _ frame: RecordFrame.Decoded) -> EventLogError {
        let reason: String
        switch frame {
        case .invalid(let r): reason = r
        case .incomplete: reason = "the file ends inside a record"
        case .record: reason = "unexpected record"
        }
        return EventLogError(.corrupt, "event log: corrupt record in \(topic)/\(partition) at byte \(position) of "
            + "\(segment.file.path): \(reason). Restore the partition from a backup or re-produce the topic.")
    }
}
