import Foundation
import OrchCore
import OrchObservability

/// The line protocol between the worker pool and a bundle's task host (`<bundle> __task-host`), the process in
/// which the bundle's in-process tasks run as Swift tasks, many at once, without a process each.
///
/// pool → host, one JSON object per line (a ``Request``):
/// - `{"id": 7, "spec": <AttemptSpec>}` runs an attempt; with `"context": 3` the spec is also kept as context 3;
/// - `{"id": 8, "context": 3, "taskId": "t2", "tryNumber": 1, "logPath": "…"}` runs an attempt whose spec is
///   context 3's with those three fields replaced (the attempts of one run share everything else, so a run's
///   spec crosses the pipe once, not once per task);
/// - `{"forget": 3}` drops context 3; `{"id": 7}` (nothing else) cancels attempt 7;
/// - version 3: an attempt line may end with `"xcomMac": "…"`, the MAC of the attempt's own XCom grant, which names
///   the context's run and the line's task (a forked attempt's grant is signed for its task, so without it every
///   forked attempt would differ from its run's context and carry its whole spec).
///
/// host → pool, one line per event: `ready <version>` (once, first), `finished <id> <AttemptOutcome as JSON>`
/// (hosts before version 2 also sent `started <id>`, which the pool ignores: it counts an attempt started when it
/// sends it). Contexts are used only with a host whose version is at least 2
/// (``contextsVersion``); a host built with an older OrchSDK says `ready -` and gets whole specs.
public enum TaskHostProtocol {
    /// The version this host speaks: 3 (run contexts, an attempt's XCom grant in its attempt line).
    public static let version = 3
    /// The first version that keeps run contexts.
    public static let contextsVersion = 2
    /// The first version that reads an attempt's own XCom grant from its attempt line (`xcomMac`).
    public static let grantsInLineVersion = 3

    public struct Request: Codable, Sendable, Equatable {
        public var id: Int?
        public var spec: AttemptSpec?
        public var context: Int?
        public var taskId: String?
        public var tryNumber: Int?
        public var logPath: String?
        public var forget: Int?
        /// The MAC of the attempt's own XCom grant (version 3), for the context's run and this line's task.
        public var xcomMac: String?

        public init(id: Int? = nil, spec: AttemptSpec? = nil, context: Int? = nil, taskId: String? = nil,
                    tryNumber: Int? = nil, logPath: String? = nil, forget: Int? = nil, xcomMac: String? = nil) {
            self.id = id
            self.spec = spec
            self.context = context
            self.taskId = taskId
            self.tryNumber = tryNumber
            self.logPath = logPath
            self.forget = forget
            self.xcomMac = xcomMac
        }

        /// The line of an attempt of a known context, written without an encoder (the hot path: one per task).
        public static func attemptLine(id: Int, context: Int, taskId: String, tryNumber: Int, logPath: String,
                                       xcomMac: String? = nil) -> String {
            #"{"id":\#(id),"context":\#(context),"taskId":\#(LogLine.jsonString(taskId)),"tryNumber":\#(tryNumber),"logPath":\#(LogLine.jsonString(logPath))"#
                + (xcomMac.map { #","xcomMac":"# + LogLine.jsonString($0) } ?? "") + "}\n"
        }
    }

    /// The spec a request runs, given the contexts the host keeps. Nil for a cancellation, a forget, or a
    /// context the host does not know.
    public static func spec(of request: Request, contexts: [Int: AttemptSpec]) -> AttemptSpec? {
        if let spec = request.spec { return spec }
        guard let c = request.context, var spec = contexts[c], let taskId = request.taskId,
              let tryNumber = request.tryNumber, let logPath = request.logPath else { return nil }
        spec.taskId = taskId
        spec.tryNumber = tryNumber
        spec.logPath = logPath
        if let mac = request.xcomMac {
            guard var local = spec.localXCom else { return nil }   // a grant for a context without local XCom
            local.grant = XComGrant(runPk: spec.runPk, taskId: taskId, mac: mac)
            spec.localXCom = local
        }
        return spec
    }

    /// The helper's side of run contexts (a task host's and a fork server's): the specs kept by context id, and
    /// what each request asks for once its `forget` and its new context are applied.
    public struct KeptContexts: Sendable {
        private var specs: [Int: AttemptSpec] = [:]
        public init() {}

        /// How many run contexts are kept.
        public var count: Int { specs.count }

        public enum Asked: Equatable, Sendable {
            /// A forget alone.
            case nothing
            /// An id with no spec and no context: cancel that attempt.
            case cancel(id: Int)
            case run(id: Int, spec: AttemptSpec)
            /// An attempt against a context this helper does not keep.
            case unknownContext(id: Int, context: Int)
        }

        public mutating func take(_ request: Request) -> Asked {
            if let forget = request.forget { specs[forget] = nil }
            guard let id = request.id else { return .nothing }
            if let context = request.context, let spec = request.spec { specs[context] = spec }
            if let spec = TaskHostProtocol.spec(of: request, contexts: specs) { return .run(id: id, spec: spec) }
            if let context = request.context { return .unknownContext(id: id, context: context) }
            return .cancel(id: id)
        }
    }

    /// What a run's attempts share: the spec without its task, try and log; with `grantInLine`, also without the
    /// attempt's own XCom grant (its MAC travels in the attempt line).
    public static func context(of spec: AttemptSpec, grantInLine: Bool = false) -> AttemptSpec {
        var base = spec
        base.taskId = ""
        base.tryNumber = 0
        base.logPath = ""
        if grantInLine, var local = base.localXCom {
            local.grant = XComGrant(runPk: spec.runPk, taskId: nil, mac: "")
            base.localXCom = local
        }
        return base
    }

    /// Whether the attempt's XCom grant is its own (its run and task), so that a helper can rebuild it from the
    /// context, the line's task and the MAC.
    static func hasOwnGrant(_ spec: AttemptSpec) -> Bool {
        guard let grant = spec.localXCom?.grant else { return false }
        return grant.runPk == spec.runPk && grant.taskId == spec.taskId
    }

    /// The version a `ready` line announces (1: an older host, `ready -`).
    public static func version(ofReadyLine line: Substring) -> Int {
        let parts = line.split(separator: " ")
        guard parts.first == "ready", parts.count >= 2, let v = Int(parts[1]) else { return 1 }
        return v
    }

    public enum Event: Equatable, Sendable {
        case ready
        case started(id: Int)
        case finished(id: Int, outcome: AttemptOutcome)

        public var line: String {
            switch self {
            case .ready: return "ready \(TaskHostProtocol.version)\n"
            case .started(let id): return "started \(id)\n"
            case .finished(let id, .success):
                return "finished \(id) \(Self.success)\n"   // the common case, without an encoder
            case .finished(let id, let outcome):
                let json = (try? JSONEncoder().encode(outcome)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
                return "finished \(id) \(json)\n"
            }
        }

        /// `AttemptOutcome.success` as its Codable JSON.
        static let success = #"{"success":{}}"#

        public static func parse(_ line: Substring) -> Event? {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2 else { return nil }
            switch parts[0] {
            case "ready":
                return .ready
            case "started":
                return Int(parts[1]).map { .started(id: $0) }
            case "finished":
                guard parts.count == 3, let id = Int(parts[1]) else { return nil }
                if parts[2] == Self.success { return .finished(id: id, outcome: .success) }
                guard let outcome = try? JSONDecoder().decode(AttemptOutcome.self, from: Data(parts[2].utf8)) else { return nil }
                return .finished(id: id, outcome: outcome)
            default:
                return nil
            }
        }
    }
}
