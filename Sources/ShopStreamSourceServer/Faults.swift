import Foundation
import ShopStream

/// Failures a ``DummyJSONServer`` injects, for tests and the reliability suite.
///
/// Set programmatically (`Faults(rules: [...])`) or from the environment variable `SHOPSTREAM_FAULTS` with
/// ``parse(_:)``. Syntax: rules separated by `;`, each `[resource/]action@requests`:
///
/// - `resource` (optional): `users`, `products`, `carts` or `posts`; the rule then only sees that resource's
///   requests. Requests are counted per rule, from 1, among the requests the rule sees.
/// - `action`: a status such as `500` or `503` (JSON error body); `429` or `429:N` (rate limited with
///   `Retry-After: N`, default 1); `truncate` (the real body cut in half); `shape` (the resource array replaced by a
///   string: a wrong-shaped page); `delay:MS` (answer after MS milliseconds, then normally or per the next rule).
/// - `requests`: `*` (all), `N`, `N-M` or `N,M,...`.
///
/// Example: `SHOPSTREAM_FAULTS="products/shape@2;500@1-2;429:1@5;delay:200@*"`.
public struct Faults: Sendable, Equatable {
    /// What to do to a matching request.
    public enum Action: Sendable, Equatable {
        case status(Int)
        case rateLimit(retryAfterSeconds: Int)
        case truncate
        case wrongShape
        case delay(milliseconds: Int)
    }

    /// Which of the requests a rule sees it applies to (1-based).
    public enum Requests: Sendable, Equatable {
        case all
        case numbers(Set<Int>)
        case range(ClosedRange<Int>)

        func contains(_ n: Int) -> Bool {
            switch self {
            case .all: true
            case .numbers(let set): set.contains(n)
            case .range(let r): r.contains(n)
            }
        }
    }

    /// One fault.
    public struct Rule: Sendable, Equatable {
        public var action: Action
        public var requests: Requests
        /// Only requests for this resource (all when nil).
        public var resource: SourceResource?

        public init(_ action: Action, requests: Requests, resource: SourceResource? = nil) {
            self.action = action
            self.requests = requests
            self.resource = resource
        }
    }

    public var rules: [Rule]

    public init(rules: [Rule] = []) { self.rules = rules }

    /// No faults.
    public static let none = Faults()

    /// Reads `SHOPSTREAM_FAULTS` (no faults when unset or empty).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Faults {
        try parse(environment["SHOPSTREAM_FAULTS"] ?? "")
    }

    /// Parses the `SHOPSTREAM_FAULTS` syntax; throws a ``SourceError`` naming the bad rule.
    public static func parse(_ spec: String) throws -> Faults {
        var rules: [Rule] = []
        for raw in spec.split(separator: ";") {
            let text = raw.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            func bad(_ why: String) -> SourceError {
                SourceError(.invalidArgument, "SHOPSTREAM_FAULTS rule '\(text)': \(why). "
                    + "Expected [resource/]action@requests, e.g. products/500@1-2 or 429:1@3 or delay:200@*")
            }
            let at = text.split(separator: "@", omittingEmptySubsequences: false)
            guard at.count == 2 else { throw bad("missing '@requests'") }
            var head = String(at[0])
            var resource: SourceResource?
            if let slash = head.firstIndex(of: "/") {
                guard let r = SourceResource(rawValue: String(head[..<slash])) else {
                    throw bad("unknown resource '\(head[..<slash])'")
                }
                resource = r
                head = String(head[head.index(after: slash)...])
            }
            let actionParts = head.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let action: Action
            switch actionParts[0] {
            case "truncate": action = .truncate
            case "shape": action = .wrongShape
            case "delay":
                guard actionParts.count == 2, let ms = Int(actionParts[1]), ms >= 0 else { throw bad("use delay:MS") }
                action = .delay(milliseconds: ms)
            case "429":
                let seconds = actionParts.count == 2 ? Int(actionParts[1]) : 1
                guard let seconds, seconds >= 0 else { throw bad("use 429 or 429:SECONDS") }
                action = .rateLimit(retryAfterSeconds: seconds)
            default:
                guard actionParts.count == 1, let status = Int(actionParts[0]), (400...599).contains(status) else {
                    throw bad("unknown action '\(head)'")
                }
                action = .status(status)
            }
            rules.append(Rule(action, requests: try parseRequests(String(at[1]), bad), resource: resource))
        }
        return Faults(rules: rules)
    }

    private static func parseRequests(_ text: String, _ bad: (String) -> SourceError) throws -> Requests {
        if text == "*" { return .all }
        let dash = text.split(separator: "-", omittingEmptySubsequences: false)
        if dash.count == 2 {
            guard let a = Int(dash[0]), let b = Int(dash[1]), a >= 1, a <= b else { throw bad("bad range '\(text)'") }
            return .range(a...b)
        }
        let numbers = text.split(separator: ",").compactMap { Int($0) }
        guard !numbers.isEmpty, numbers.count == text.split(separator: ",").count, numbers.allSatisfy({ $0 >= 1 }) else {
            throw bad("requests must be *, N, N-M or N,M,...")
        }
        return .numbers(Set(numbers))
    }
}
