import Foundation
import OrchCore
import OrchHTTPServer

extension APIRoutes {
    /// Airflow's simple auth manager: `POST /auth/token` (and `/auth/token/cli`, which airflowctl uses) trade
    /// `{"username": ..., "password": ...}` for `{"access_token": ...}`. In orch the password is an API token
    /// (the admin token of ORCH_HOME/api-token or ORCH_API_TOKEN, or a named one from `orch tokens create`), the
    /// username is free text, and the access token returned is that token itself, with its role. A wrong or
    /// revoked password is a 401.
    func addAirflowAuthRoutes() {
        let ctx = context
        for path in ["/token", "/token/cli"] {
            add("POST", path, api: .airflowAuth) { request in
                let body = try request.jsonObject()
                try body.rejectUnknown(allowed: ["username", "password"])
                guard let username = try body.string("username"), !username.isEmpty,
                      let password = try body.string("password"), !password.isEmpty else {
                    throw APIError.badRequest("send {\"username\": \"...\", \"password\": \"<orch API token>\"}")
                }
                var asBearer = request
                asBearer.headers["authorization"] = "Bearer " + password
                guard try ctx.auth.principal(of: asBearer) != nil else {
                    throw APIError(401, "Invalid credentials: the password is an orch API token "
                        + "(ORCH_HOME/api-token, ORCH_API_TOKEN or one from `orch tokens create`)")
                }
                return .api(201, JSONValue.object(["access_token": .string(password)]))
            }
        }
    }
}
