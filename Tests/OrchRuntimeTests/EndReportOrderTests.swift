@testable import OrchRuntime
import Testing

/// The order the pool hands on its fork server's lines and the end reports its children wrote straight to the pool
/// (``EndReportOrder``): per child `started`, `ended`, `exited`, whichever of the two pipes the reader found first.
struct EndReportOrderTests {
    private func report(_ pid: Int32, _ code: Int32 = 0) -> AttemptEndReport.End {
        AttemptEndReport.End(pid: pid, exitCode: code)
    }

    /// The common hop: `started` in one turn, the report alone in a later one, `exited` alone after it.
    @Test func aReportAfterItsStartIsToldAsEndedAndItsExitAfter() {
        var order = EndReportOrder()
        #expect(order.events(lines: [.started(id: 1, pid: 10)], reports: []) == [.started(id: 1, pid: 10)])
        #expect(order.events(lines: [], reports: [report(10, 3)]) == [.ended(pid: 10, exitCode: 3)])
        #expect(order.events(lines: [.exited(pid: 10, exitCode: 3, signal: 0)], reports: [])
            == [.exited(pid: 10, exitCode: 3, signal: 0)])
        #expect(order.early.isEmpty)
    }

    /// The child ran to its end before the reader saw the server's `started`: its report waits for that line.
    @Test func aReportBeforeItsStartWaitsForIt() {
        var order = EndReportOrder()
        #expect(order.events(lines: [], reports: [report(10)]).isEmpty)
        #expect(order.early == [10: 0])
        #expect(order.events(lines: [.started(id: 1, pid: 10)], reports: [])
            == [.started(id: 1, pid: 10), .ended(pid: 10, exitCode: 0)])
        #expect(order.early.isEmpty)
    }

    /// One read brought the start, the report and the exit of a child: in that order, whatever the lines' order
    /// beside another child's start.
    @Test func startReportAndExitInOneTurnAreToldInOrder() {
        var order = EndReportOrder()
        let lines: [ForkServerProtocol.Event] = [.started(id: 1, pid: 10), .exited(pid: 10, exitCode: 0, signal: 0),
                                                 .started(id: 2, pid: 11)]
        #expect(order.events(lines: lines, reports: [report(10)])
            == [.started(id: 1, pid: 10), .ended(pid: 10, exitCode: 0), .started(id: 2, pid: 11),
                .exited(pid: 10, exitCode: 0, signal: 0)])
    }

    /// A child started in an earlier turn whose report and exit come in one: the report goes first.
    @Test func aReportGoesBeforeTheExitReadWithIt() {
        var order = EndReportOrder()
        _ = order.events(lines: [.started(id: 1, pid: 10)], reports: [])
        #expect(order.events(lines: [.exited(pid: 10, exitCode: 0, signal: 0)], reports: [report(10)])
            == [.ended(pid: 10, exitCode: 0), .exited(pid: 10, exitCode: 0, signal: 0)])
        #expect(order.early.isEmpty)
    }

    /// A child killed before its report: its exit alone, and nothing kept.
    @Test func aChildWithoutAReportIsToldByItsExitAlone() {
        var order = EndReportOrder()
        _ = order.events(lines: [.started(id: 1, pid: 10)], reports: [])
        #expect(order.events(lines: [.exited(pid: 10, exitCode: -1, signal: 9)], reports: [])
            == [.exited(pid: 10, exitCode: -1, signal: 9)])
        #expect(order.early.isEmpty)
    }

    /// A server built before the pool's pipe tells ends itself: its lines pass as they came.
    @Test func aServersOwnEndedLinesPassAsTheyCame() {
        var order = EndReportOrder()
        let lines: [ForkServerProtocol.Event] = [.ready, .started(id: 1, pid: 10), .ended(pid: 10, exitCode: 0),
                                                 .refused(id: 2, message: "no"), .exited(pid: 10, exitCode: 0, signal: 0)]
        #expect(order.events(lines: lines, reports: []) == lines)
    }
}
