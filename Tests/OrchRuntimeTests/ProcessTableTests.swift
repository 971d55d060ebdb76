import Foundation
import OrchRuntime
import Testing

/// Picking an attempt's processes out of the process table (issue 11, defect 1).
@Suite struct ProcessTableTests {
    // 10 is the leader; 11 its shell; 12 a child that called setsid (own group); 13 a zombie; 14 re-parented
    // to the leader (subreaper) after its parent died; 20 and 21 belong to someone else.
    let table = ProcessTable([
        ProcessEntry(pid: 1, parent: 0, group: 1, state: "S"),
        ProcessEntry(pid: 10, parent: 1, group: 10, state: "S"),
        ProcessEntry(pid: 11, parent: 10, group: 10, state: "S"),
        ProcessEntry(pid: 12, parent: 11, group: 12, state: "S"),
        ProcessEntry(pid: 13, parent: 11, group: 10, state: "Z"),
        ProcessEntry(pid: 14, parent: 10, group: 14, state: "R"),
        ProcessEntry(pid: 20, parent: 1, group: 20, state: "S"),
        ProcessEntry(pid: 21, parent: 20, group: 10, state: "S"),
    ])

    @Test func descendantsFollowParentLinksWhateverTheirGroupAndSkipZombies() {
        #expect(Set(table.descendants(of: 10)) == [11, 12, 14])
        #expect(table.descendants(of: 12).isEmpty)
    }

    @Test func groupMembersAreTheLivingOnes() {
        #expect(Set(table.members(ofGroup: 10)) == [10, 11, 21])
    }

    @Test func childrenNotForkedByUsAreTheAdoptedOnes() {
        #expect(table.children(of: 10, except: [11]) == [14])
    }

    @Test(arguments: [
        ("42 (sleep) S 7 42 42 0 -1", ProcessEntry(pid: 42, parent: 7, group: 42, state: "S")),
        ("43 (a) (b) c) Z 1 9 9 0", ProcessEntry(pid: 43, parent: 1, group: 9, state: "Z")),
    ])
    func statLinesParseEvenWithParenthesesInTheName(_ line: String, _ entry: ProcessEntry) {
        #expect(ProcessTable.parseStat(line) == entry)
    }

    @Test func theSnapshotSeesThisProcess() {
        let me = ProcessTable.snapshot().entries.first { $0.pid == getpid() }
        #expect(me?.parent == getppid())
        #expect(me?.isAlive == true)
    }

    /// The fork server's sweep for adopted leftovers reads only this process's own children (not all of /proc),
    /// and agrees with the whole table.
    @Test func childrenOfThisProcessAreReadFromItsOwnTaskFiles() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["30"]
        try child.run()
        defer { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() }
        let pid = child.processIdentifier
        #expect(ProcessTable.childrenOfThisProcess(except: []).contains(pid))
        #expect(!ProcessTable.childrenOfThisProcess(except: [pid]).contains(pid))
        #expect(ProcessTable.snapshot().children(of: getpid(), except: []).contains(pid))
    }
}
