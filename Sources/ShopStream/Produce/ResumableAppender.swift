/// Appends to an event log, skipping the first `skip[topic][partition]` messages routed to each partition.
///
/// Produce is deterministic, so after a crash mid-produce the messages already in the log are exactly the first
/// ones of each partition's sequence; replaying the run with those skipped finishes it without duplicates.
/// This assumes one producer at a time per log (the pipeline's produce task); another writer appending to the
/// same partitions in between would make the counts wrong.
struct ResumableAppender {
    let log: any EventLog
    var skip: [String: [Int64]]

    mutating func append(topic: String, _ messages: [OutgoingMessage]) throws {
        guard !messages.isEmpty else { return }
        let partitions = log.partitionCount(topic: topic)
        guard var remaining = skip[topic], remaining.contains(where: { $0 > 0 }) else {
            try log.append(topic: topic, messages: messages)
            return
        }
        var kept: [OutgoingMessage] = []
        kept.reserveCapacity(messages.count)
        for message in messages {
            let p = StablePartitioner.partition(forKey: message.key, count: partitions)
            if p < remaining.count, remaining[p] > 0 { remaining[p] -= 1 } else { kept.append(message) }
        }
        skip[topic] = remaining
        if !kept.isEmpty { try log.append(topic: topic, messages: kept) }
    }
}
