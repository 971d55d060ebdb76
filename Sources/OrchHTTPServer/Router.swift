import Foundation

/// Dispatches requests to handlers by method and path pattern (see ``RoutePattern`` syntax: `{name}` and a final
/// `{name...}`). When several patterns match, the most specific wins (literal over `{param}` over `{rest...}`).
/// `HEAD` falls back to the `GET` route.
///
/// Routes are normally all added before the server starts; `add` and `handle` are nevertheless safe from any
/// thread because the route table is guarded by a lock. That lock is why the class is `@unchecked Sendable`.
public final class Router: @unchecked Sendable {
    private struct Route {
        let method: String
        let pattern: RoutePattern
        let handler: HTTPHandler
    }

    private let lock = NSLock()
    private var routes: [Route] = []

    public init() {}

    /// Registers `handler` for `method` (case-insensitive) on `pattern`, which must start with `/`.
    public func add(_ method: String, _ pattern: String, _ handler: @escaping HTTPHandler) {
        let route = Route(method: method.uppercased(), pattern: RoutePattern(pattern), handler: handler)
        lock.withLock { routes.append(route) }
    }

    /// Answers `request` with the best matching route, filling ``HTTPRequest/pathParameters``.
    /// Returns nil when no pattern matches the path, and a 405 JSON error with an `Allow` header when a pattern
    /// matches but not for this method.
    public func handle(_ request: HTTPRequest) -> HTTPResponse? {
        let snapshot = lock.withLock { routes }
        guard let parts = RoutePattern.split(request.path) else { return nil }
        var candidates: [(route: Route, parameters: [String: String])] = []
        for route in snapshot {
            if let parameters = route.pattern.match(parts: parts) {
                candidates.append((route, parameters))
            }
        }
        guard !candidates.isEmpty else { return nil }
        let method = request.method.uppercased()
        let forMethod = candidates.filter { $0.route.method == method }
        let chosen = forMethod.isEmpty && method == "HEAD" ? candidates.filter { $0.route.method == "GET" } : forMethod
        guard let best = chosen.max(by: { $0.route.pattern.specificity.lexicographicallyPrecedes(
            $1.route.pattern.specificity) }) else {
            var allowed = Set(candidates.map(\.route.method))
            if allowed.contains("GET") { allowed.insert("HEAD") }
            let allow = allowed.sorted().joined(separator: ", ")
            var response = HTTPResponse.error(405, "method \(method) is not allowed on \(request.path); use \(allow)")
            response.headers["Allow"] = allow
            return response
        }
        var routed = request
        routed.pathParameters = best.parameters
        return best.route.handler(routed)
    }

    /// Like ``handle(_:)``, but answers a 404 JSON error when no route matches, so it can serve as an `HTTPHandler`.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        handle(request) ?? .error(404, "no route for \(request.method) \(request.path)")
    }
}
