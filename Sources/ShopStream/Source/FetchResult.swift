/// What fetch produced for one date: the manifest and every record, per resource, in source order.
public struct FetchResult: Sendable {
    public let date: String
    /// `<dataDir>/landing/<date>`.
    public let landingDirectory: String
    public let manifest: LandingManifest
    public let records: [SourceResource: [SourceRecord]]

    public init(date: String, landingDirectory: String, manifest: LandingManifest,
                records: [SourceResource: [SourceRecord]]) {
        self.date = date
        self.landingDirectory = landingDirectory
        self.manifest = manifest
        self.records = records
    }

    /// The records of one resource (empty when it was not fetched).
    public func records(_ resource: SourceResource) -> [SourceRecord] { records[resource] ?? [] }

    /// Record counts per resource name.
    public var counts: [String: Int] {
        Dictionary(uniqueKeysWithValues: records.map { ($0.key.rawValue, $0.value.count) })
    }
}
