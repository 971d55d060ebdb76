import Foundation
import OrchCore

/// An asset with the DAG tasks that read and write it and its latest materialization.
public struct AssetRecord: Sendable, Hashable {
    public var id: Int64
    public var uri: String
    public var createdAt: Date
    public var references: [AssetReference]
    public var latest: MaterializationRecord?

    public var producers: [AssetReference] { references.filter { $0.role == .outlet } }
    public var consumers: [AssetReference] { references.filter { $0.role == .inlet } }
}

/// One materialization of an asset: a successful attempt of a task that lists it as an outlet.
public struct MaterializationRecord: Sendable, Hashable {
    public var id: Int64
    public var assetId: Int64
    public var runPk: Int64?
    public var dagId: String
    public var runId: String
    public var taskId: String
    public var tryNumber: Int
    public var interval: DataInterval
    public var createdAt: Date
    /// Rows inserted + updated (else the row count) when the task reported them.
    public var rowsWritten: Int?
    /// ``AssetMaterialization/json`` as the task reported it (`{}` when it did not).
    public var metadata: JSONValue
}
