#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import OrchRuntime
import Testing

/// A forked child's report of its attempt's end (8 bytes on its fork server's pipe), and the event line the server
/// passes it on as.
struct AttemptEndReportTests {
    @Test func reportsReadBackWholeAndAStrayTailIsDropped() {
        let ends = [AttemptEndReport.End(pid: 4_194_303, exitCode: 0), AttemptEndReport.End(pid: 7, exitCode: 99),
                    AttemptEndReport.End(pid: 1, exitCode: -1)]
        let bytes = ends.flatMap(AttemptEndReport.encode)
        #expect(bytes.count == 24)
        #expect(AttemptEndReport.decode(bytes[...]) == ends)
        #expect(AttemptEndReport.decode((bytes + [1, 2, 3])[...]) == ends)
        #expect(AttemptEndReport.decode(bytes[8..<16]) == [ends[1]])
        #expect(AttemptEndReport.decode([][...]).isEmpty)
    }

    @Test func aReportCrossesTheServersPipeAndAnEmptyPipeDoesNotBlock() {
        let channel = AttemptEndReport.Channel()
        defer { close(channel.readFD); close(channel.writeFD) }
        #expect(channel.readReports().isEmpty)
        #expect(AttemptEndReport.send(exitCode: 1, to: channel.writeFD))
        #expect(AttemptEndReport.send(exitCode: 0, to: channel.writeFD))
        #expect(channel.readReports() == [AttemptEndReport.End(pid: getpid(), exitCode: 1),
                                          AttemptEndReport.End(pid: getpid(), exitCode: 0)])
        #expect(channel.readReports().isEmpty)
        #expect(!AttemptEndReport.send(exitCode: 0, to: -1))   // no pipe: the child is reported when reaped
    }

    @Test func theEndedEventRoundTrips() {
        let event = ForkServerProtocol.Event.ended(pid: 31_756, exitCode: 99)
        #expect(event.line == "ended 31756 99\n")
        #expect(ForkServerProtocol.Event.parse(Substring(event.line.dropLast())) == event)
        #expect(ForkServerProtocol.Event.parse("ended 31756") == nil)
        #expect(ForkServerProtocol.Event.parse("ended x 0") == nil)
    }
}
