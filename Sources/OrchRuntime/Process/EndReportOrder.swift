/// The order in which the pool hands on what one wake-up of its fork server's reader brought (``ForkServerClient``):
/// the server's event lines, and the end reports its children wrote straight to the pool's pipe
/// (``AttemptEndReport``). Per child the pool needs `started` (the server's line), then `ended` (the child's report),
/// then `exited` (the server's reaping).
///
/// The reports are read after the lines. A child writes its report before it exits, and the server writes `exited`
/// only after reaping it, so a report is always in hand by the time its child's `exited` is: the turn's `exited`
/// lines go last. A report can come before its child's `started` (the child ran to its end before the server wrote
/// that line, or the reader woke between the two): it is kept until the `started` comes.
struct EndReportOrder {
    /// Children started and not yet ended or exited.
    private var running: Set<Int32> = []
    /// Reports of children whose `started` has not come yet: pid → exit code.
    private(set) var early: [Int32: Int32] = [:]

    /// The turn's events in the order the pool acts on them, each report turned into `ended`.
    mutating func events(lines: [ForkServerProtocol.Event], reports: [AttemptEndReport.End]) -> [ForkServerProtocol.Event] {
        var ordered: [ForkServerProtocol.Event] = []
        var exits: [ForkServerProtocol.Event] = []
        for end in reports { early[end.pid] = end.exitCode }   // taken back below by any child already started
        for event in lines {
            switch event {
            case .started(_, let pid):
                ordered.append(event)
                if let code = early.removeValue(forKey: pid) {
                    ordered.append(.ended(pid: pid, exitCode: code))
                } else {
                    running.insert(pid)
                }
            case .exited:
                exits.append(event)
            case .ended(let pid, _):   // a server built before the pool's pipe tells ends itself
                ordered.append(event)
                running.remove(pid)
            case .ready, .refused:
                ordered.append(event)
            }
        }
        for end in reports where running.remove(end.pid) != nil {
            early[end.pid] = nil
            ordered.append(.ended(pid: end.pid, exitCode: end.exitCode))
        }
        for case .exited(let pid, _, _) in exits { running.remove(pid) }
        return ordered + exits
    }
}
