import Foundation
import OrchCore

/// What an OpenLineage run event says about one task attempt.
public struct OpenLineageAttempt: Sendable, Hashable {
    public var dagId: String
    public var runId: String
    public var taskId: String
    public var tryNumber: Int
    public var interval: DataInterval
    public var inlets: [String]
    public var outlets: [String]
    /// `swift` or `shell`: the error facet names the language of what failed.
    public var kind: String

    public init(dagId: String, runId: String, taskId: String, tryNumber: Int, interval: DataInterval,
                inlets: [String], outlets: [String], kind: String = "swift") {
        self.dagId = dagId
        self.runId = runId
        self.taskId = taskId
        self.tryNumber = tryNumber
        self.interval = interval
        self.inlets = inlets
        self.outlets = outlets
        self.kind = kind
    }
}

/// The transitions orch reports: an attempt starts, then completes, fails, or is skipped (ABORT).
public enum OpenLineageEventType: String, Sendable, CaseIterable {
    case start = "START", complete = "COMPLETE", fail = "FAIL", abort = "ABORT"

    /// The outbox event name (`openlineage.start`, …); rows with this prefix are lineage, not alerts.
    public var outboxEvent: String { OpenLineageEventType.outboxPrefix + rawValue.lowercased() }
    public static let outboxPrefix = "openlineage."

    /// How an attempt that ended with `outcome` is reported.
    public init(outcome: AttemptOutcome) {
        switch outcome {
        case .success: self = .complete
        case .skipped: self = .abort
        case .failed, .crashed, .timedOut: self = .fail
        }
    }
}

/// Builds OpenLineage 2-0-2 run events (https://openlineage.io/spec/2-0-2/OpenLineage.json): pure, the time is a
/// parameter. The job is `<dag>.<task>` in the configured namespace; the run is the attempt (a UUID derived from it)
/// with the DAG run as its parent; inputs and outputs are the task's declared inlets and outlets.
/// Facets: `nominalTime` (the data interval), `parent` (the DAG run), `processing_engine` (orch and its version),
/// `jobType` (BATCH / ORCH / TASK), `errorMessage` on FAIL, and `outputStatistics` (rows written) on the outputs of
/// a COMPLETE when the task reported them.
public struct OpenLineageEventBuilder: Sendable {
    public static let schemaURL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
    static let facetBase = "https://openlineage.io/spec/facets/"

    public var namespace: String
    public var producer: String
    public var orchVersion: String

    public init(namespace: String, producer: String, orchVersion: String) {
        self.namespace = namespace
        self.producer = producer
        self.orchVersion = orchVersion
    }

    /// One run event. `rowsWritten`: per outlet URI, the rows the attempt reported writing (COMPLETE only).
    public func event(_ type: OpenLineageEventType, _ a: OpenLineageAttempt, at time: Date,
                      rowsWritten: [String: Int] = [:], error: String? = nil) -> JSONValue {
        var runFacets: [String: JSONValue] = [
            "nominalTime": facet("1-0-1/NominalTimeRunFacet", nominalTime(a.interval)),
            "parent": facet("1-2-0/ParentRunFacet", [
                "run": .object(["runId": .string(OpenLineageNaming.dagRunId(dagId: a.dagId, runId: a.runId))]),
                "job": .object(["namespace": .string(namespace), "name": .string(a.dagId)]),
            ]),
            "processing_engine": facet("1-1-1/ProcessingEngineRunFacet", [
                "name": .string("orch"), "version": .string(orchVersion),
                "openlineageAdapterVersion": .string(orchVersion),
            ]),
        ]
        if type == .fail {
            runFacets["errorMessage"] = facet("1-0-1/ErrorMessageRunFacet", [
                "message": .string(error ?? "the attempt failed"), "programmingLanguage": .string(a.kind),
            ])
        }
        let job: [String: JSONValue] = [
            "namespace": .string(namespace),
            "name": .string(OpenLineageNaming.jobName(dagId: a.dagId, taskId: a.taskId)),
            "facets": .object(["jobType": facet("2-0-4/JobTypeJobFacet", [
                "processingType": .string("BATCH"), "integration": .string("ORCH"), "jobType": .string("TASK"),
            ])]),
        ]
        let outputs: [JSONValue] = unique(a.outlets).map { uri in
            var d = dataset(uri)
            if type == .complete, let rows = rowsWritten[uri] {
                d["outputFacets"] = .object(["outputStatistics": facet("1-0-2/OutputStatisticsOutputDatasetFacet",
                                                                       ["rowCount": .number(Double(rows))])])
            }
            return .object(d)
        }
        return .object([
            "eventType": .string(type.rawValue),
            "eventTime": .string(UTCFormat.isoMicros(time)),
            "producer": .string(producer),
            "schemaURL": .string(Self.schemaURL),
            "run": .object([
                "runId": .string(OpenLineageNaming.attemptRunId(dagId: a.dagId, runId: a.runId, taskId: a.taskId,
                                                                tryNumber: a.tryNumber)),
                "facets": .object(runFacets),
            ]),
            "job": .object(job),
            "inputs": .array(unique(a.inlets).map { .object(dataset($0)) }),
            "outputs": .array(outputs),
        ])
    }

    func nominalTime(_ i: DataInterval) -> [String: JSONValue] {
        var o: [String: JSONValue] = ["nominalStartTime": .string(UTCFormat.isoMicros(i.start))]
        // A manual run's interval is an instant; the end (excluded) is only stated for a real interval.
        if i.end > i.start { o["nominalEndTime"] = .string(UTCFormat.isoMicros(i.end)) }
        return o
    }

    func dataset(_ uri: String) -> [String: JSONValue] {
        let d = OpenLineageNaming.dataset(uri: uri)
        return ["namespace": .string(d.namespace), "name": .string(d.name)]
    }

    /// A facet with `_producer` and `_schemaURL` (`<version>/<Name>` → its JSON pointer in the facet's schema).
    func facet(_ versioned: String, _ fields: [String: JSONValue]) -> JSONValue {
        let name = versioned.split(separator: "/").last.map(String.init) ?? versioned
        var o = fields
        o["_producer"] = .string(producer)
        o["_schemaURL"] = .string("\(Self.facetBase)\(versioned).json#/$defs/\(name)")
        return .object(o)
    }

    func unique(_ uris: [String]) -> [String] {
        var seen = Set<String>()
        return uris.filter { seen.insert($0).inserted }
    }
}
