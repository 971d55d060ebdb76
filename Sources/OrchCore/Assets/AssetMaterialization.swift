/// What a task reports about one asset it wrote in an attempt, through `TaskContext.materialize`.
///
/// The engine records a materialization for every outlet of a successful attempt; this metadata rides along when
/// the task reported it (an outlet without a report still gets a materialization, with empty metadata). Row counts
/// are optional because not every writer knows them; `extra` holds anything else worth showing (bytes, a
/// watermark, a revenue total), as JSON.
public struct AssetMaterialization: Sendable, Hashable, Codable {
    public var rowsInserted: Int?
    public var rowsUpdated: Int?
    public var rowsDeleted: Int?
    /// Rows inserted or updated by an upsert that does not tell the two apart (an incremental merge).
    public var rowsUpserted: Int?
    /// Rows in the asset (or in its interval's partition) after the write, when known.
    public var rowCount: Int?
    public var extra: [String: JSONValue]

    public init(rowsInserted: Int? = nil, rowsUpdated: Int? = nil, rowsDeleted: Int? = nil, rowsUpserted: Int? = nil,
                rowCount: Int? = nil, extra: [String: JSONValue] = [:]) {
        self.rowsInserted = rowsInserted
        self.rowsUpdated = rowsUpdated
        self.rowsDeleted = rowsDeleted
        self.rowsUpserted = rowsUpserted
        self.rowCount = rowCount
        self.extra = extra
    }

    /// The number the dashboard charts: rows written (inserted + updated + upserted), else the row count.
    public var rowsWritten: Int? {
        if rowsInserted == nil && rowsUpdated == nil && rowsUpserted == nil { return rowCount }
        return (rowsInserted ?? 0) + (rowsUpdated ?? 0) + (rowsUpserted ?? 0)
    }

    /// The XCom key under which a task's report for `uri` travels from the task's process to the engine.
    public static func xcomKey(_ uri: String) -> String { xcomPrefix + uri }
    public static let xcomPrefix = "orch.materialization:"

    /// As stored: JSON with snake_case keys, null parts left out.
    public var json: JSONValue {
        var o: [String: JSONValue] = [:]
        if let rowsInserted { o["rows_inserted"] = .number(Double(rowsInserted)) }
        if let rowsUpdated { o["rows_updated"] = .number(Double(rowsUpdated)) }
        if let rowsDeleted { o["rows_deleted"] = .number(Double(rowsDeleted)) }
        if let rowsUpserted { o["rows_upserted"] = .number(Double(rowsUpserted)) }
        if let rowCount { o["row_count"] = .number(Double(rowCount)) }
        if !extra.isEmpty { o["extra"] = .object(extra) }
        return .object(o)
    }

    /// Reads `json`'s shape back; unknown keys are ignored, a wrong type is an error naming the key.
    public init(json: JSONValue) throws {
        guard case .object(let o) = json else { throw AssetURIError("materialization metadata must be a JSON object") }
        func int(_ key: String) throws -> Int? {
            guard let v = o[key], v != .null else { return nil }
            guard let n = v.intValue, n >= 0 else { throw AssetURIError("materialization '\(key)' must be a whole number ≥ 0, got \(v.jsonText)") }
            return n
        }
        self.init(rowsInserted: try int("rows_inserted"), rowsUpdated: try int("rows_updated"),
                  rowsDeleted: try int("rows_deleted"), rowsUpserted: try int("rows_upserted"), rowCount: try int("row_count"),
                  extra: o["extra"]?.objectValue ?? [:])
    }
}
