#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchStore
import Testing

/// An attempt's log file is opened for appending with as few file system calls as the folders allow, and every
/// case a run meets ends with the file open: its run's folder there, its task's folder missing, nothing there yet.
struct AttemptLogFileTests {
    private func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orch-logfile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    private func append(_ path: String, _ text: String) -> Bool {
        let fd = AttemptLogFile.openForAppend(path)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, text, text.utf8.count) == text.utf8.count
    }

    @Test func opensInEveryFolderStateAndAppends() throws {
        let root = try scratch(); defer { try? FileManager.default.removeItem(atPath: root) }
        let run = "\(root)/logs/dag/manual__1"
        #expect(append("\(run)/first.1.log", "a\n"), "nothing there: the whole path is made")
        #expect(append("\(run)/second.1.log", "b\n"), "the run's folder is there: the file is made")
        #expect(append("\(run)/second.1.log", "c\n"), "the file is there: appended to")
        #expect(append("\(root)/logs/dag/manual__2/first.1.log", "d\n"), "the DAG's folder is there: the run's is made")
        #expect(append("\(run)/old/1.log", "e\n"), "an older layout's path: its task folder is made")
        #expect(try String(contentsOfFile: "\(run)/second.1.log", encoding: .utf8) == "b\nc\n")
        var info = stat()
        #expect(stat("\(run)/second.1.log", &info) == 0 && info.st_mode & 0o777 == 0o600, "private to its owner")
    }

    @Test func aPathUnderAFileIsAnErrorNotACrash() throws {
        let root = try scratch(); defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(FileManager.default.createFile(atPath: "\(root)/plain", contents: Data()))
        #expect(AttemptLogFile.openForAppend("\(root)/plain/task/1.log") == -1)
    }
}
