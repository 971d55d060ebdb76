@testable import OrchRuntime
import Testing

/// The order a fork server tells its children's ends in, and when it reads their reports (``ChildEnds``).
struct ChildEndsTests {
    /// A child that wrote its report and exited between the poll's return and the reaping: its pipe was not seen
    /// readable, yet the report is read and goes out before the exit (the race that once sent `exited` alone).
    @Test func aReapedChildsReportIsReadAndToldBeforeItsExit() {
        let reaped = [ChildEnds.Reaped(pid: 41, status: 3 << 8)]
        #expect(ChildEnds.mustReadReports(pipeReadable: false, reaped: reaped))
        var children: Set<Int32> = [41, 42]
        let events = ChildEnds.events(reports: [AttemptEndReport.End(pid: 41, exitCode: 3)], reaped: reaped, children: &children)
        #expect(events == [.ended(pid: 41, exitCode: 3), .exited(pid: 41, exitCode: 3, signal: 0)])
        #expect(children == [42])
    }

    @Test func thePipeIsLeftAloneWhenNothingWasReapedOrSeen() {
        #expect(!ChildEnds.mustReadReports(pipeReadable: false, reaped: []))
        #expect(ChildEnds.mustReadReports(pipeReadable: true, reaped: []))
    }

    /// A report without a reaping (the child is still exiting) says `ended` alone; its `exited` comes in a later turn.
    @Test func aReportBeforeTheReapingIsToldAlone() {
        var children: Set<Int32> = [7]
        #expect(ChildEnds.events(reports: [AttemptEndReport.End(pid: 7, exitCode: 0)], reaped: [], children: &children)
            == [.ended(pid: 7, exitCode: 0)])
        #expect(children == [7])
        #expect(ChildEnds.events(reports: [], reaped: [ChildEnds.Reaped(pid: 7, status: 0)], children: &children)
            == [.exited(pid: 7, exitCode: 0, signal: 0)])
        #expect(children.isEmpty)
    }

    /// Adopted leftovers are reaped without a word; a killed child's exit carries its signal; a report of a pid the
    /// server did not fork (or already told) is dropped.
    @Test func strangersSayNothingAndSignalsAreTold() {
        var children: Set<Int32> = [9]
        let events = ChildEnds.events(reports: [AttemptEndReport.End(pid: 500, exitCode: 0)],
                                      reaped: [ChildEnds.Reaped(pid: 500, status: 0), ChildEnds.Reaped(pid: 9, status: 9)],
                                      children: &children)
        #expect(events == [.exited(pid: 9, exitCode: -1, signal: 9)])
        #expect(children.isEmpty)
    }
}
