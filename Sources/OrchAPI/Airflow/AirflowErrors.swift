import Foundation
import OrchHTTPServer

/// Airflow's error bodies. Every error is `{"detail": "<message>"}` (HTTPExceptionResponse), except a request that
/// fails validation (a bad query parameter or body field), which Airflow answers with 422 and
/// `{"detail": [{"loc": [...], "msg": "...", "type": "value_error"}]}` (HTTPValidationError). orch's handlers throw
/// one kind of error; this turns the `{status, message}` body they produce into Airflow's shape.
enum AirflowErrors {
    private struct OrchBody: Decodable {
        let status: Int
        let message: String
    }

    /// `response` with an Airflow error body when it carries orch's; other responses unchanged. A 400 becomes a
    /// 422 validation error, as FastAPI reports invalid parameters.
    static func translate(_ response: HTTPResponse) -> HTTPResponse {
        guard response.status >= 400, let body = try? JSONDecoder().decode(OrchBody.self, from: Data(response.body)) else {
            return response
        }
        var out: HTTPResponse
        if response.status == 400 {
            out = .json(422, encoding: ["detail": [ValidationError(loc: ["request"], msg: body.message, type: "value_error")]])
        } else {
            out = .json(response.status, encoding: ["detail": body.message])
        }
        for (name, value) in response.headers where name != "Content-Type" && name != "Content-Length" {
            out.headers[name] = value
        }
        return out
    }

    struct ValidationError: Encodable {
        let loc: [String]
        let msg: String
        let type: String
    }
}
