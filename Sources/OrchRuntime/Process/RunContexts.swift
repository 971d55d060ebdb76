import Foundation

/// The run contexts a helper (a task host or a fork server) keeps for the pool, from the pool's side: the first
/// attempt of a run sends its whole spec, kept as the run's context; later attempts of the run send only their
/// task, try and log against it (``TaskHostProtocol``). A run's spec then crosses the pipe and is decoded once,
/// not once per task. With a helper that does not keep contexts (`version` below ``TaskHostProtocol/contextsVersion``)
/// every request carries the whole spec. Not thread-safe: its client holds its lock.
struct RunContexts {
    /// At most this many runs' contexts are kept; the oldest is forgotten first.
    static let maxContexts = 64

    /// The protocol version the running helper announced.
    private(set) var version = 1
    private var contexts: [Int64: (id: Int, base: AttemptSpec)] = [:]
    private var order: [Int64] = []
    private var next = 1

    /// A new helper started: it keeps nothing yet.
    mutating func reset(version: Int) {
        self.version = version
        contexts = [:]
        order = []
    }

    /// The request line(s) for an attempt: against its run's context when the helper keeps one that matches, else
    /// the whole spec (kept as the run's new context by a helper that keeps contexts, after forgetting what it
    /// replaces).
    mutating func requestLine(id: Int, spec: AttemptSpec) -> [UInt8]? {
        func encoded(_ request: TaskHostProtocol.Request) -> [UInt8]? {
            (try? JSONEncoder().encode(request)).map { Array($0) + [UInt8(ascii: "\n")] }
        }
        guard version >= TaskHostProtocol.contextsVersion else { return encoded(.init(id: id, spec: spec)) }
        // A forked attempt's XCom grant is signed for its task: to a helper that reads it from the attempt line, it
        // travels there, and the run's attempts still share one context.
        let grantInLine = version >= TaskHostProtocol.grantsInLineVersion && TaskHostProtocol.hasOwnGrant(spec)
        let base = TaskHostProtocol.context(of: spec, grantInLine: grantInLine)
        if let known = contexts[spec.runPk], known.base == base {
            return Array(TaskHostProtocol.Request.attemptLine(id: id, context: known.id, taskId: spec.taskId,
                                                              tryNumber: spec.tryNumber, logPath: spec.logPath,
                                                              xcomMac: grantInLine ? spec.localXCom?.grant.mac : nil).utf8)
        }
        var forgotten: [Int] = []
        if let old = contexts.removeValue(forKey: spec.runPk) {
            forgotten.append(old.id)
            order.removeAll { $0 == spec.runPk }
        }
        if order.count >= Self.maxContexts, let oldest = order.first {
            order.removeFirst()
            if let evicted = contexts.removeValue(forKey: oldest) { forgotten.append(evicted.id) }
        }
        let context = next
        next += 1
        contexts[spec.runPk] = (context, base)
        order.append(spec.runPk)
        var line: [UInt8] = []
        for c in forgotten { line += encoded(.init(forget: c)) ?? [] }
        guard let request = encoded(.init(id: id, spec: spec, context: context)) else { return nil }
        return line + request
    }
}
