/// A parsed route pattern such as `/api/v1/dags/{dag_id}/runs/{run_id}` or `/files/{path...}`.
///
/// Segments are matched against the decoded request path split on `/`. `{name}` captures one non-empty segment;
/// a final `{name...}` captures the rest of the path (possibly empty, slashes kept).
struct RoutePattern: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }

    let text: String
    let segments: [Segment]

    init(_ text: String) {
        precondition(text.hasPrefix("/"), "route pattern '\(text)' must start with '/'")
        self.text = text
        let parts = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        var segments: [Segment] = []
        for (index, part) in parts.enumerated() {
            if part.hasPrefix("{") && part.hasSuffix("...}") {
                precondition(index == parts.count - 1, "route pattern '\(text)': {name...} must be the last segment")
                segments.append(.rest(String(part.dropFirst().dropLast(4))))
            } else if part.hasPrefix("{") && part.hasSuffix("}") {
                segments.append(.parameter(String(part.dropFirst().dropLast())))
            } else {
                segments.append(.literal(String(part)))
            }
        }
        if text == "/" { segments = [.literal("")] }
        self.segments = segments
    }

    /// The captured parameters when `path` matches, else nil.
    func match(_ path: String) -> [String: String]? {
        guard let parts = Self.split(path) else { return nil }
        return match(parts: parts)
    }

    /// A path's segments, split once and matched against every pattern; nil unless it starts with `/`.
    static func split(_ path: String) -> [Substring]? {
        guard path.hasPrefix("/") else { return nil }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
    }

    /// The captured parameters when the path split by ``split(_:)`` matches, else nil.
    func match(parts: [Substring]) -> [String: String]? {
        if parts.count != segments.count && !endsWithRest { return nil }   // cheap reject of most patterns
        var captured: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .rest(let name):
                captured[name] = parts[min(index, parts.count)...].joined(separator: "/")
                return captured
            case .literal(let literal):
                guard index < parts.count, parts[index] == literal else { return nil }
            case .parameter(let name):
                guard index < parts.count, !parts[index].isEmpty else { return nil }
                captured[name] = String(parts[index])
            }
        }
        return parts.count == segments.count ? captured : nil
    }

    private var endsWithRest: Bool {
        if case .rest = segments.last { return true }
        return false
    }

    /// Orders overlapping matches: literal segments beat parameters, which beat a catch-all.
    var specificity: [Int] {
        segments.map {
            switch $0 {
            case .literal: return 2
            case .parameter: return 1
            case .rest: return 0
            }
        }
    }
}
