import Foundation
import OrchStore

/// The OpenAPI 3 documents of the two APIs, kept as files in the repository's `openapi/` folder (`v1.json`: orch's
/// own API; `v2.json`: the subset of Airflow 3's public API that orch implements) and served as they are, at
/// `/api/v1/openapi.json` and `/api/v2/openapi.json`. `OpenAPITests` and `V2OpenAPITests` check that each lists
/// exactly the real routes and that real responses match it.
public enum OpenAPIDocuments {
    /// The `openapi/` folder: `ORCH_OPENAPI_DIR`, else walking up from the executable and the working directory
    /// (as `web/` and the migrations are found).
    public static func locate() -> String? {
        if let env = ProcessInfo.processInfo.environment["ORCH_OPENAPI_DIR"], !env.isEmpty { return env }
        return BundledFolder.locate("openapi", containing: "v1.json")?.path
    }

    /// The bytes of `name` (e.g. `v1.json`) in `folder`, or an error that says where orch looked.
    static func load(_ name: String, in folder: String?) -> Result<Data, APIError> {
        guard let folder else {
            return .failure(APIError(500, "the OpenAPI documents were not found: no openapi/ folder beside the "
                + "orch executable or the working directory; set ORCH_OPENAPI_DIR to the repository's openapi/"))
        }
        let path = folder + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(APIError(500, "cannot read the OpenAPI document \(path)"))
        }
        return .success(data)
    }
}
