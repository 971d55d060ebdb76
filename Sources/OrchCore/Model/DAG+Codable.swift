/// The position of each task id in `DAG.tasks`. Not part of a DAG's description: it encodes as `null` and decodes
/// empty (`DAG.reindexed()` rebuilds it), so a manifest carries only what the DAG's author declared.
struct TaskIndex: Sendable, Codable {
    var positions: [String: Int]

    init(_ tasks: [TaskSpec]) {
        var idx: [String: Int] = [:]
        idx.reserveCapacity(tasks.count)
        for (i, t) in tasks.enumerated() where idx[t.id] == nil { idx[t.id] = i }
        positions = idx
    }

    init(from decoder: Decoder) throws { positions = [:] }

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
