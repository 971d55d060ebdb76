/// What a fork server tells its pool of its children's ends in one turn of its loop (``ForkServer``): first the end
/// reports of children it forked, as `ended`, then the children it reaped, as `exited`.
///
/// A child writes its report before it exits, so once a child is reaped its report (if it made one) is already in
/// the pipe. The server reads the pipe whenever it reaped a child, not only when its poll saw the pipe readable:
/// a poll woken by something else (a signal, the code copier, a sweep's timeout) just before the child's write, and
/// a reaping just after its exit, would otherwise send `exited` first and drop the report as a stranger's.
enum ChildEnds {
    /// A child the server reaped, with the status `waitpid` gave.
    struct Reaped: Equatable, Sendable {
        var pid: Int32
        var status: Int32
    }

    /// Whether the end pipe must be read in this turn: the poll saw it, or a child was reaped.
    static func mustReadReports(pipeReadable: Bool, reaped: [Reaped]) -> Bool {
        pipeReadable || !reaped.isEmpty
    }

    /// The events for this turn, in the order the pool needs them; reaped children the server forked are forgotten.
    /// Reports and reapings of processes that are not its children (adopted leftovers) say nothing.
    static func events(reports: [AttemptEndReport.End], reaped: [Reaped],
                       children: inout Set<Int32>) -> [ForkServerProtocol.Event] {
        var events: [ForkServerProtocol.Event] = reports.filter { children.contains($0.pid) }
            .map { .ended(pid: $0.pid, exitCode: $0.exitCode) }
        for child in reaped where children.remove(child.pid) != nil {
            switch ChildExit(waitStatus: child.status) {
            case .exited(let code): events.append(.exited(pid: child.pid, exitCode: code, signal: 0))
            case .signaled(let signal): events.append(.exited(pid: child.pid, exitCode: -1, signal: signal))
            }
        }
        return events
    }
}
