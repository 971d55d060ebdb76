/// Which API a route belongs to: orch's own (`/api/v1`), Airflow 3's public REST API (`/api/v2`), or Airflow's
/// simple auth manager (`/auth`, where clients trade a username and password for a bearer token).
enum APIFlavor: Sendable, Equatable {
    case orch, airflow, airflowAuth

    var prefix: String {
        switch self {
        case .orch: return "/api/v1"
        case .airflow: return "/api/v2"
        case .airflowAuth: return "/auth"
        }
    }

    /// The flavour a request path belongs to (orch's for anything outside `/api/v2` and `/auth`).
    static func of(path: String) -> APIFlavor {
        if path == "/api/v2" || path.hasPrefix("/api/v2/") { return .airflow }
        if path.hasPrefix("/auth/") { return .airflowAuth }
        return .orch
    }
}
