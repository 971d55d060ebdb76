/// `manifest.json` of one landed date: what was fetched, from where, and a checksum of every page file.
public struct LandingManifest: Codable, Sendable, Equatable {
    /// One page file.
    public struct Page: Codable, Sendable, Equatable {
        /// Path relative to the landing directory, e.g. `users/page-0.json`.
        public var file: String
        public var skip: Int
        public var records: Int
        public var bytes: Int
        /// Lower-case hex SHA-256 of the file.
        public var sha256: String
    }

    /// One resource.
    public struct Resource: Codable, Sendable, Equatable {
        /// Records landed (equals `total` after a complete fetch).
        public var count: Int
        /// `total` as reported by the source.
        public var total: Int
        public var pages: [Page]
    }

    public var logicalDate: String
    public var sourceURL: String
    /// ISO-8601 UTC time the fetch finished.
    public var fetchedAt: String
    public var resources: [String: Resource]

    enum CodingKeys: String, CodingKey {
        case logicalDate = "logical_date", sourceURL = "source_url", fetchedAt = "fetched_at", resources
    }
}
