/// The positions of `DAG.tasks` ordered by task id, for a binary search: 4 bytes a task, where a `[String: Int]`
/// took ~50 (a scheduler holding 13,000 tasks kept 0.66 MB of dictionaries for them, and so did their bundle's
/// process). Of tasks sharing an id (a validation error) the first is found. Not part of a DAG's description: it
/// encodes as `null` and decodes empty (`DAG.reindexed()` rebuilds it), so a manifest carries only what the DAG's
/// author declared.
struct TaskIndex: Sendable, Codable {
    private var byId: [Int32]

    init(_ tasks: [TaskSpec]) {
        byId = tasks.indices.map { Int32($0) }.sorted { a, b in
            let l = tasks[Int(a)].id, r = tasks[Int(b)].id
            return l < r || (l == r && a < b)
        }
    }

    var isEmpty: Bool { byId.isEmpty }

    /// The position in `tasks` (the array this index was built from) of the first task named `id`.
    func position(of id: String, in tasks: [TaskSpec]) -> Int? {
        var low = 0, high = byId.count
        while low < high {
            let mid = (low + high) / 2
            if tasks[Int(byId[mid])].id < id { low = mid + 1 } else { high = mid }
        }
        guard low < byId.count, tasks[Int(byId[low])].id == id else { return nil }
        return Int(byId[low])
    }

    init(from decoder: Decoder) throws { byId = [] }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encodeNil()
    }
}

/// Thrown by a Swift task body read back from a manifest: the body itself lives in the bundle executable, which is
/// the only place that runs it.
public struct TaskBodyInBundle: Error, CustomStringConvertible {
    public let description = "this task's Swift body runs in its bundle executable, not in this process"
}

/// A shell task encodes its command; a Swift task only its kind (`{"kind": "swift"}`).
extension TaskAction: Codable {
    private enum CodingKeys: String, CodingKey { case kind, command }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "shell": self = .shell(try c.decode(String.self, forKey: .command))
        case "swift": self = .swift { _ in throw TaskBodyInBundle() }
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                                                   debugDescription: "unknown task kind '\(other)' (shell or swift)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .shell(let command):
            try c.encode("shell", forKey: .kind)
            try c.encode(command, forKey: .command)
        case .swift:
            try c.encode("swift", forKey: .kind)
        }
    }
}
