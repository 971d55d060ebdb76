/// Topics, partitions and offsets of an event log, for `orch events topics`.
public struct EventLogSummary: Sendable, Hashable {
    /// One topic-partition.
    public struct Row: Sendable, Hashable {
        public var topic: String
        public var partition: Int
        /// First offset still stored.
        public var startOffset: Int64
        /// Next offset to be written (= number of records ever written, as nothing is deleted).
        public var endOffset: Int64
        public var segments: Int
        public var bytes: Int
    }

    public var directory: String
    public var rows: [Row]

    /// Total records per topic.
    public var recordsPerTopic: [String: Int64] {
        rows.reduce(into: [:]) { $0[$1.topic, default: 0] += $1.endOffset - $1.startOffset }
    }

    /// A fixed-width table, one line per partition, plus a total line per topic.
    public func render() -> String {
        if rows.isEmpty { return "event log \(directory): no topics\n" }
        let header = ["TOPIC", "PARTITION", "START", "END", "RECORDS", "SEGMENTS", "BYTES"]
        var lines: [[String]] = []
        var currentTopic: String?
        var topicTotal: Int64 = 0
        for row in rows {
            if let t = currentTopic, t != row.topic {
                lines.append([t, "all", "", "", String(topicTotal), "", ""])
                topicTotal = 0
            }
            currentTopic = row.topic
            topicTotal += row.endOffset - row.startOffset
            lines.append([row.topic, String(row.partition), String(row.startOffset), String(row.endOffset),
                          String(row.endOffset - row.startOffset), String(row.segments), String(row.bytes)])
        }
        if let t = currentTopic { lines.append([t, "all", "", "", String(topicTotal), "", ""]) }
        let widths = header.indices.map { i in ([header] + lines).map { $0[i].count }.max() ?? 0 }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == 0 ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - c.count) + c
            }.joined(separator: "  ")
        }
        return "event log \(directory)\n" + ([header] + lines).map(format).joined(separator: "\n") + "\n"
    }
}
