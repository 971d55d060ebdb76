/// What one asset check found.
public struct AssetCheckOutcome: Sendable, Hashable {
    public var passed: Bool
    /// The measured value (a count of bad rows, a difference…).
    public var observed: JSONValue
    public var details: String

    public init(passed: Bool, observed: JSONValue = .null, details: String = "") {
        self.passed = passed
        self.observed = observed
        self.details = details
    }
}

/// A quality check that belongs to an asset. It runs right after a task that writes the asset succeeds, in the
/// same attempt; a failed `error` check blocks every task of that run that reads the asset (state
/// `blocked_by_check`, the check named as the reason), a failed `warn` check is recorded and shown only.
public struct AssetCheck: Sendable {
    public let name: String
    public let asset: String
    public let severity: CheckVerdict.Severity
    public let doc: String
    public let body: @Sendable (TaskContext) async throws -> AssetCheckOutcome

    public init(name: String, asset: String, severity: CheckVerdict.Severity, doc: String = "",
                body: @escaping @Sendable (TaskContext) async throws -> AssetCheckOutcome) {
        self.name = name
        self.asset = asset
        self.severity = severity
        self.doc = doc
        self.body = body
    }

    /// The declaration without its body (what a described DAG carries).
    public var declaration: AssetCheckDeclaration {
        AssetCheckDeclaration(name: name, asset: asset, severity: severity, doc: doc)
    }

    /// The XCom key under which a result travels from the task's process to the engine.
    public static func xcomKey(_ name: String) -> String { xcomPrefix + name }
    public static let xcomPrefix = "orch.check:"
}

/// An asset check as data. Codable: part of a DAG's described form.
public struct AssetCheckDeclaration: Sendable, Hashable, Codable {
    public var name: String
    public var asset: String
    public var severity: CheckVerdict.Severity
    public var doc: String
}

/// One check's result as recorded: the JSON the task's process pushes.
public struct AssetCheckRecord: Sendable, Hashable {
    public var name: String
    public var asset: String
    public var severity: CheckVerdict.Severity
    public var outcome: AssetCheckOutcome

    public init(name: String, asset: String, severity: CheckVerdict.Severity, outcome: AssetCheckOutcome) {
        self.name = name
        self.asset = asset
        self.severity = severity
        self.outcome = outcome
    }

    public var json: JSONValue {
        .object(["name": .string(name), "asset": .string(asset), "severity": .string(severity.rawValue),
                 "passed": .bool(outcome.passed), "observed": outcome.observed, "details": .string(outcome.details)])
    }

    public init(json: JSONValue) throws {
        guard let name = json["name"]?.stringValue, let asset = json["asset"]?.stringValue,
              let severity = json["severity"]?.stringValue.flatMap(CheckVerdict.Severity.init(rawValue:)),
              case .bool(let passed)? = json["passed"] else {
            throw AssetURIError("a check result needs name, asset, severity (warn or error) and passed; got \(json.jsonText.prefix(200))")
        }
        self.init(name: name, asset: asset, severity: severity,
                  outcome: AssetCheckOutcome(passed: passed, observed: json["observed"] ?? .null,
                                             details: json["details"]?.stringValue ?? ""))
    }
}
