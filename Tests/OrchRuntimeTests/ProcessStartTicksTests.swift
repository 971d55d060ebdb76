#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import OrchRuntime
import Testing

/// A process's start time, field 22 of /proc/<pid>/stat, which tells a reused pid apart.
@Suite struct ProcessStartTicksTests {
    static func ticks(_ line: String) -> Int64? {
        Array(line.utf8).withUnsafeBufferPointer { ChildProcess.startTicks(statLine: $0) }
    }

    /// The fields after the command name, numbered from 3 (the state).
    static func line(command: String, startTicks: String = "987654") -> String {
        let after = ["S"] + (4...21).map(String.init) + [startTicks] + (23...52).map(String.init)
        return "4242 (\(command)) " + after.joined(separator: " ") + "\n"
    }

    @Test func readsField22AfterTheCommandName() {
        #expect(Self.ticks(Self.line(command: "orch-bench-dags")) == 987_654)
    }

    /// A command name may hold spaces and parentheses: the fields are counted from its last `)`.
    @Test func aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        #expect(Self.ticks(Self.line(command: "a) b (c) d")) == 987_654)
    }

    @Test func aShortOrBrokenLineGivesNothing() {
        #expect(Self.ticks("4242 (x) S 1 2 3\n") == nil)
        #expect(Self.ticks("no parenthesis here") == nil)
        #expect(Self.ticks(Self.line(command: "x", startTicks: "12a")) == nil)
        #expect(Self.ticks(Self.line(command: "x", startTicks: "")) == nil)
    }

    /// The live read agrees with a plain parse of the same file, for this process and a child.
    @Test func theLiveReadAgreesWithAPlainParse() throws {
        func plain(_ pid: Int32) throws -> Int64? {
            let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            let fields = text[text.index(after: text.lastIndex(of: ")")!)...].split(separator: " ")
            return Int64(fields[19])
        }
        let own = ChildProcess.processStartTicks(getpid())
        #expect(own != nil)
        #expect(own == (try plain(getpid())))
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["5"]
        try child.run()
        defer { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() }
        #expect(ChildProcess.processStartTicks(child.processIdentifier) == (try plain(child.processIdentifier)))
        #expect(ChildProcess.processStartTicks(Int32.max) == nil)
    }
}
