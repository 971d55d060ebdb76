import Foundation
import OrchCore
import OrchRuntime
import Testing

/// The pure parts of OpenLineage: names, run ids, the event's fields and facets, the configuration.
@Suite("OpenLineage events") struct OpenLineageEventTests {
    let builder = OpenLineageEventBuilder(namespace: "orch-test", producer: "urn:orch:9.9.9", orchVersion: "9.9.9")
    let attempt = OpenLineageAttempt(dagId: "shop", runId: "scheduled__2026-11-20T00:00:00Z", taskId: "silver", tryNumber: 2,
                                     interval: DataInterval(start: .utc(2026, 11, 20), end: .utc(2026, 11, 21)),
                                     inlets: ["postgres://warehouse/bronze.raw_events", "postgres://warehouse/bronze.raw_events"],
                                     outlets: ["postgres://warehouse/silver.orders", "eventlog://shopstream/orders"])

    @Test(arguments: [
        ("postgres://warehouse/gold.fct_orders", "postgres://warehouse", "gold.fct_orders"),
        ("eventlog://shopstream/orders", "eventlog://shopstream", "orders"),
        ("file://shopstream/reports/daily_summary", "file://shopstream", "reports/daily_summary"),
        ("mem://warehouse", "mem://warehouse", "warehouse"),
        ("mem://warehouse/", "mem://warehouse", "warehouse"),
    ])
    func assetURIsSplitIntoNamespaceAndName(uri: String, namespace: String, name: String) {
        let d = OpenLineageNaming.dataset(uri: uri)
        #expect(d.namespace == namespace)
        #expect(d.name == name)
    }

    @Test func runIdsAreUUIDsStablePerAttemptAndDistinctAcrossTries() {
        let a = OpenLineageNaming.attemptRunId(dagId: "d", runId: "r", taskId: "t", tryNumber: 1)
        #expect(a == OpenLineageNaming.attemptRunId(dagId: "d", runId: "r", taskId: "t", tryNumber: 1))
        #expect(a != OpenLineageNaming.attemptRunId(dagId: "d", runId: "r", taskId: "t", tryNumber: 2))
        #expect(a != OpenLineageNaming.attemptRunId(dagId: "d", runId: "r", taskId: "u", tryNumber: 1))
        #expect(a != OpenLineageNaming.dagRunId(dagId: "d", runId: "r"))
        let parsed = UUID(uuidString: a)
        #expect(parsed != nil)
        #expect(a == a.lowercased())
        let chars = Array(a)
        #expect(chars[14] == "8", "version 8 (name-based, custom hash)")
        #expect("89ab".contains(chars[19]), "RFC 9562 variant")
    }

    @Test func aStartNamesTheJobRunDatasetsAndFacets() throws {
        let e = builder.event(.start, attempt, at: Date(timeIntervalSince1970: 1_763_600_000.25)).objectValue ?? [:]
        #expect(e["eventType"] == .string("START"))
        #expect(e["eventTime"] == .string("2025-11-20T00:53:20.250000Z"))
        #expect(e["producer"] == .string("urn:orch:9.9.9"))
        #expect(e["schemaURL"] == .string("https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"))
        let job = e["job"]?.objectValue ?? [:]
        #expect(job["namespace"] == .string("orch-test"))
        #expect(job["name"] == .string("shop.silver"))
        let jobType = job["facets"]?.objectValue?["jobType"]?.objectValue ?? [:]
        #expect(jobType["processingType"] == .string("BATCH") && jobType["integration"] == .string("ORCH"))
        let run = e["run"]?.objectValue ?? [:]
        #expect(run["runId"] == .string(OpenLineageNaming.attemptRunId(dagId: "shop", runId: attempt.runId,
                                                                        taskId: "silver", tryNumber: 2)))
        let facets = run["facets"]?.objectValue ?? [:]
        #expect(Set(facets.keys) == ["nominalTime", "parent", "processing_engine"])
        let nominal = facets["nominalTime"]?.objectValue ?? [:]
        #expect(nominal["nominalStartTime"] == .string("2026-11-20T00:00:00Z"))
        #expect(nominal["nominalEndTime"] == .string("2026-11-21T00:00:00Z"))
        #expect(nominal["_schemaURL"] == .string("https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet"))
        #expect(nominal["_producer"] == .string("urn:orch:9.9.9"))
        let parent = facets["parent"]?.objectValue ?? [:]
        #expect(parent["run"]?.objectValue?["runId"] == .string(OpenLineageNaming.dagRunId(dagId: "shop", runId: attempt.runId)))
        #expect(parent["job"]?.objectValue?["name"] == .string("shop"))
        let inputs = e["inputs"]?.arrayValue ?? []
        #expect(inputs == [.object(["namespace": .string("postgres://warehouse"), "name": .string("bronze.raw_events")])],
                "an inlet named twice is one input")
        let outputs = e["outputs"]?.arrayValue ?? []
        #expect(outputs.count == 2)
        #expect(outputs.allSatisfy { $0.objectValue?["outputFacets"] == nil }, "a START reports no statistics")
    }

    @Test func aCompleteCarriesReportedRowsAndAFailItsError() {
        let done = builder.event(.complete, attempt, at: Date(), rowsWritten: ["postgres://warehouse/silver.orders": 42])
        let outputs = done.objectValue?["outputs"]?.arrayValue ?? []
        let orders = outputs.first { $0.objectValue?["name"] == .string("silver.orders") }?.objectValue ?? [:]
        let stats = orders["outputFacets"]?.objectValue?["outputStatistics"]?.objectValue ?? [:]
        #expect(stats["rowCount"] == .number(42))
        let topic = outputs.first { $0.objectValue?["name"] == .string("orders") }?.objectValue ?? [:]
        #expect(topic["outputFacets"] == nil, "an outlet the task did not report on has no statistics")
        #expect(done.objectValue?["run"]?.objectValue?["facets"]?.objectValue?["errorMessage"] == nil)

        let failed = builder.event(.fail, attempt, at: Date(), rowsWritten: ["postgres://warehouse/silver.orders": 42],
                                   error: "exit code 3")
        let error = failed.objectValue?["run"]?.objectValue?["facets"]?.objectValue?["errorMessage"]?.objectValue ?? [:]
        #expect(error["message"] == .string("exit code 3"))
        #expect(error["programmingLanguage"] == .string("swift"))
        #expect(failed.jsonText.contains("outputStatistics") == false, "a FAIL claims no rows written")
    }

    @Test func aManualRunsInstantIntervalHasNoNominalEnd() {
        var manual = attempt
        manual.interval = DataInterval(start: .utc(2026, 11, 20, 6), end: .utc(2026, 11, 20, 6))
        let nominal = builder.event(.start, manual, at: Date()).objectValue?["run"]?.objectValue?["facets"]?
            .objectValue?["nominalTime"]?.objectValue ?? [:]
        #expect(nominal["nominalStartTime"] == .string("2026-11-20T06:00:00Z"))
        #expect(nominal["nominalEndTime"] == nil)
    }

    @Test func outcomesMapToEventTypes() {
        #expect(OpenLineageEventType(outcome: .success) == .complete)
        #expect(OpenLineageEventType(outcome: .failed(exitCode: 1, error: "x")) == .fail)
        #expect(OpenLineageEventType(outcome: .crashed(signal: 9, error: "x")) == .fail)
        #expect(OpenLineageEventType(outcome: .timedOut(seconds: 3)) == .fail)
        #expect(OpenLineageEventType(outcome: .skipped(reason: "x")) == .abort)
        #expect(OpenLineageEventType.start.outboxEvent == "openlineage.start")
    }

    @Test func configurationFromFileAndEnvironmentKeepsTheKeySecret() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orch-ol-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("orch.json").path
        try #"{"openlineage": {"url": "http://lineage.test:5000/api/v1/lineage", "api_key": "k-123", "namespace": "prod"}}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try OpenLineageConfiguration.load(environment: [:], configFile: file)
        #expect(fromFile == OpenLineageConfiguration(url: "http://lineage.test:5000/api/v1/lineage", apiKey: "k-123",
                                                     namespace: "prod"))
        #expect(!fromFile.description.contains("k-123") && !fromFile.description.contains("/api/v1/lineage"))
        #expect(fromFile.headers(for: "http://lineage.test:5000/api/v1/lineage").map(\.1) == ["Bearer k-123"])
        #expect(fromFile.headers(for: "http://elsewhere.test/hook").isEmpty, "the key goes to the lineage endpoint only")

        let env = try OpenLineageConfiguration.load(environment: ["ORCH_OPENLINEAGE_URL": "https://ol.test/v1",
                                                                  "ORCH_OPENLINEAGE_NAMESPACE": "staging"],
                                                    configFile: file)
        #expect(env.url == "https://ol.test/v1" && env.namespace == "staging" && env.apiKey == "k-123")
        #expect(try OpenLineageConfiguration.load(environment: [:], configFile: nil).isEnabled == false)
        #expect(OpenLineageComposer(OpenLineageConfiguration(), orchVersion: "1") == nil)

        #expect(throws: AlertConfigurationError.self) {
            try OpenLineageConfiguration.load(environment: ["ORCH_OPENLINEAGE_URL": "ftp://x/y"], configFile: nil)
        }
        try #"{"openlineage": {"url": "http://x/y", "apikey": "oops"}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: AlertConfigurationError.self) {
            try OpenLineageConfiguration.load(environment: [:], configFile: file)
        }
        #expect(error?.description.contains("openlineage.apikey") == true)
    }
}
