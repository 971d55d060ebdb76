/// What produce wrote for one date; also the content of `<dataDir>/produced/<date>.json`.
public struct ProduceResult: Codable, Sendable, Equatable {
    /// Offsets written to one partition: `from` ..< `to`.
    public struct OffsetRange: Codable, Sendable, Equatable {
        public var partition: Int
        public var from: Int64
        public var to: Int64
    }

    public var date: String
    public var seed: UInt64
    public var clickstreamEvents: Int
    /// Messages per topic (customers, products, orders, events).
    public var topics: [String: Int]
    /// Events per `event_type` (page_view, add_to_cart, checkout, purchase, post_published).
    public var eventTypes: [String: Int]
    /// Orders per channel (`cart`, `web`).
    public var ordersByChannel: [String: Int]
    public var sessions: Int
    /// Offset ranges written per topic.
    public var offsets: [String: [OffsetRange]]
    /// True when this call found the date already produced and wrote nothing.
    public var alreadyProduced: Bool

    enum CodingKeys: String, CodingKey {
        case date, seed, clickstreamEvents = "clickstream_events", topics, eventTypes = "event_types"
        case ordersByChannel = "orders_by_channel", sessions, offsets, alreadyProduced = "already_produced"
    }
}
