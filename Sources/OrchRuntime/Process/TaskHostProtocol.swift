import Foundation
import OrchCore

/// The line protocol between the worker pool and a bundle's task host (`<bundle> __task-host`), the process in
/// which the bundle's in-process tasks run as Swift tasks, many at once, without a process each.
///
/// pool → host, one JSON object per line: `{"id": 7, "spec": <AttemptSpec>}` runs an attempt, `{"id": 7}` (no
/// spec) cancels it. host → pool, one line per event: `ready` (once, first), `started <id>`,
/// `finished <id> <AttemptOutcome as JSON>`.
public enum TaskHostProtocol {
    public struct Request: Codable, Sendable {
        public var id: Int
        public var spec: AttemptSpec?
        public init(id: Int, spec: AttemptSpec?) { self.id = id; self.spec = spec }
    }

    public enum Event: Equatable, Sendable {
        case ready
        case started(id: Int)
        case finished(id: Int, outcome: AttemptOutcome)

        public var line: String {
            switch self {
            case .ready: return "ready -\n"
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
