/// The assets one task reads (`inlets`) and writes (`outlets`), as Airflow names them. Codable: part of a DAG's
/// described form.
public struct TaskAssets: Sendable, Hashable, Codable {
    public var inlets: [String]
    public var outlets: [String]

    public init(inlets: [String] = [], outlets: [String] = []) {
        self.inlets = inlets
        self.outlets = outlets
    }

    public var isEmpty: Bool { inlets.isEmpty && outlets.isEmpty }
}

/// One line of the lineage: a task of a DAG that reads or writes an asset.
public struct AssetReference: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Codable, CaseIterable { case inlet, outlet }
    public var uri: String
    public var dagId: String
    public var taskId: String
    public var role: Role

    public init(uri: String, dagId: String, taskId: String, role: Role) {
        self.uri = uri
        self.dagId = dagId
        self.taskId = taskId
        self.role = role
    }
}

extension DAG {
    /// Every inlet and outlet of every task, in task order (duplicates within a task removed).
    public var assetReferences: [AssetReference] {
        tasks.flatMap { t in
            Array(Set(t.assets.inlets)).sorted().map { AssetReference(uri: $0, dagId: id, taskId: t.id, role: .inlet) }
                + Array(Set(t.assets.outlets)).sorted().map { AssetReference(uri: $0, dagId: id, taskId: t.id, role: .outlet) }
        }
    }
}
