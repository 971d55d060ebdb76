import Foundation
@testable import ShopStream
@testable import ShopStreamSourceServer

/// The snapshot as a FetchResult, without a server (the fetch path is tested in SourceFetcherTests).
func fixtureFetchResult(date: String = "2026-11-01") throws -> FetchResult {
    let store = try FixtureStore(directory: fixturesDirectory)
    var records: [SourceResource: [SourceRecord]] = [:]
    for resource in SourceResource.allCases {
        records[resource] = zip(store[resource].ids, store[resource].records).map { SourceRecord(id: $0, json: Data($1)) }
    }
    let manifest = LandingManifest(logicalDate: date, sourceURL: "fixture", fetchedAt: "", resources: [:])
    return FetchResult(date: date, landingDirectory: "", manifest: manifest, records: records)
}

/// Every record of every partition of a topic, partition by partition.
func allRecords(_ log: any EventLog, _ topic: String) throws -> [[LogRecord]] {
    try (0..<log.partitionCount(topic: topic)).map { try log.read(topic: topic, partition: $0, from: 0, max: .max) }
}

/// Decodes a payload as a JSON object.
func object(_ record: LogRecord) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(record.payload))) as? [String: Any] ?? [:]
}

/// An event log that fails on its `failOnAppend`-th append call (to simulate a crash mid-produce).
final class FailingLog: EventLog, @unchecked Sendable {
    let inner: SegmentEventLog
    private var calls = 0
    let failOnAppend: Int
    init(_ inner: SegmentEventLog, failOnAppend: Int) { self.inner = inner; self.failOnAppend = failOnAppend }
    struct Crash: Error {}
    func append(topic: String, messages: [OutgoingMessage]) throws -> [LogRecord] {
        calls += 1
        if calls == failOnAppend { throw Crash() }
        return try inner.append(topic: topic, messages: messages)
    }
    func partitionCount(topic: String) -> Int { inner.partitionCount(topic: topic) }
    func endOffset(topic: String, partition: Int) throws -> Int64 { try inner.endOffset(topic: topic, partition: partition) }
    func read(topic: String, partition: Int, from offset: Int64, max: Int) throws -> [LogRecord] {
        try inner.read(topic: topic, partition: partition, from: offset, max: max)
    }
    func topics() throws -> [String] { try inner.topics() }
}

/// The project's ECB rates file (fixtures/ecb/eurofxref.csv).
func testFXRates() throws -> FXRates {
    try FXRates(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/ecb/eurofxref.csv").path)
}
