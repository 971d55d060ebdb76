import Foundation
import OrchHTTPServer

extension APIRoutes {
    /// `GET /metrics`: the Prometheus text exposition. Like every read, it needs a token (any role) only when the
    /// server listens beyond loopback. The state gauges are refreshed from the database first.
    func metrics(_ request: HTTPRequest, gauges: StateGauges) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            var response = HTTPResponse.error(405, "method \(request.method) is not allowed on /metrics; use GET")
            response.headers["Allow"] = "GET, HEAD"
            return response
        }
        do {
            if context.readsNeedToken, case .refused(let refusal) = try Self.authorize(request, context, role: .viewer, reads: true) {
                return refusal
            }
            try context.readers.with { try gauges.refresh($0) }
        } catch {
            return APIError.response(for: error)
        }
        return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8",
                                                  "Cache-Control": "no-store"],
                            body: MetricsExporter.exposition())
    }
}
