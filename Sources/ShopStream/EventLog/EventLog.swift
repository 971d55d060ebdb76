import Foundation

/// One message in the event log.
public struct LogRecord: Sendable, Hashable {
    public var topic: String
    public var partition: Int
    public var offset: Int64
    /// The record's key; nil for a keyless message (those go to dead_letter in bronze).
    public var key: String?
    /// Event time, milliseconds since 1970.
    public var timestampMillis: Int64
    public var payload: [UInt8]

    public init(topic: String, partition: Int, offset: Int64, key: String?, timestampMillis: Int64, payload: [UInt8]) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.timestampMillis = timestampMillis
        self.payload = payload
    }
}

/// A message to append; the log assigns partition (from the key's hash) and offset.
public struct OutgoingMessage: Sendable, Hashable {
    public var key: String?
    public var timestampMillis: Int64
    public var payload: [UInt8]
    public init(key: String?, timestampMillis: Int64, payload: [UInt8]) {
        self.key = key
        self.timestampMillis = timestampMillis
        self.payload = payload
    }
}

/// A partitioned, append-only log of keyed messages per topic (Kafka's model, embedded).
public protocol EventLog: Sendable {
    /// Appends messages to a topic and makes them durable (synced) before returning.
    /// Returns the records as stored, with partition and offset.
    @discardableResult
    func append(topic: String, messages: [OutgoingMessage]) throws -> [LogRecord]
    /// Number of partitions of a topic.
    func partitionCount(topic: String) -> Int
    /// The next offset that will be written to a partition (0 when empty).
    func endOffset(topic: String, partition: Int) throws -> Int64
    /// Up to `max` records of one partition from `offset` on, in offset order.
    func read(topic: String, partition: Int, from offset: Int64, max: Int) throws -> [LogRecord]
    /// Topics that exist.
    func topics() throws -> [String]
}
