#if canImport(Glibc)
import Glibc
#endif
import CAttemptGuardian
import Foundation

/// One process as `/proc/<pid>/stat` shows it.
public struct ProcessEntry: Sendable, Equatable {
    public var pid: Int32
    public var parent: Int32
    public var group: Int32
    /// `Z` for a zombie (dead, not yet reaped), `R`, `S`, `D`… otherwise.
    public var state: Character

    public init(pid: Int32, parent: Int32, group: Int32, state: Character) {
        self.pid = pid
        self.parent = parent
        self.group = group
        self.state = state
    }

    public var isAlive: Bool { state != "Z" && state != "X" }
}

/// The processes of this machine (those /proc lets us read), and the rules that pick an attempt's processes
/// out of them. The rules are pure; only `snapshot` and `lockHolders` read /proc.
public struct ProcessTable: Sendable {
    public var entries: [ProcessEntry]

    public init(_ entries: [ProcessEntry]) { self.entries = entries }

    /// Every living process below `root` (not `root` itself), found through parent links: the rule the attempt
    /// process's signal handler applies (`orch_guardian_descendants`, C), so both pick the same processes.
    public func descendants(of root: Int32) -> [Int32] {
        var found = [Int32](repeating: 0, count: entries.count)
        let states = entries.map { CChar(truncatingIfNeeded: $0.state.asciiValue ?? UInt8(ascii: "?")) }
        let n = orch_guardian_descendants(entries.map(\.pid), entries.map(\.parent), states, Int32(entries.count), root,
                                          &found, Int32(entries.count))
        return Array(found.prefix(Int(n)))
    }

    /// Living members of process group `group`.
    public func members(ofGroup group: Int32) -> [Int32] {
        entries.filter { $0.group == group && $0.isAlive }.map(\.pid)
    }

    /// Living children of `parent` that are not in `known`.
    public func children(of parent: Int32, except known: Set<Int32>) -> [Int32] {
        entries.filter { $0.parent == parent && $0.isAlive && !known.contains($0.pid) }.map(\.pid)
    }

    /// Living children of this process not in `known`, from `/proc/self/task/*/children` (a line per thread,
    /// listing the children it forked or adopted): the cost follows this process's own children, not every
    /// process on the machine. Reads the whole table when the kernel has no such file.
    public static func childrenOfThisProcess(except known: Set<Int32>) -> [Int32] {
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"),
              let first = threads.first,
              FileManager.default.fileExists(atPath: "/proc/self/task/\(first)/children") else {
            return snapshot().children(of: getpid(), except: known)
        }
        var found: [Int32] = []
        for thread in threads {
            guard let text = try? String(contentsOfFile: "/proc/self/task/\(thread)/children", encoding: .utf8) else { continue }
            for pid in text.split(separator: " ").compactMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            where !known.contains(pid) && entry(pid)?.isAlive == true {
                found.append(pid)
            }
        }
        return found
    }

    /// Reads /proc.
    public static func snapshot() -> ProcessTable {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return ProcessTable([]) }
        return ProcessTable(names.compactMap { name in Int32(name).flatMap(entry) })
    }

    /// `/proc/<pid>/stat`: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
    static func entry(_ pid: Int32) -> ProcessEntry? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return parseStat(text)
    }

    public static func parseStat(_ text: String) -> ProcessEntry? {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"),
              let pid = Int32(text[..<open].trimmingCharacters(in: .whitespaces)) else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count >= 3, let state = fields[0].first, let parent = Int32(fields[1]),
              let group = Int32(fields[2]) else { return nil }
        return ProcessEntry(pid: pid, parent: parent, group: group, state: state)
    }

    /// Pids of processes with a descriptor open on the file at `path` (compared by device and inode, so any
    /// path to it counts). Processes of other users are not visible and not listed.
    public static func lockHolders(_ path: String) -> [Int32] {
        var target = stat()
        guard stat(path, &target) == 0,
              let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var holders: [Int32] = []
        for name in names {
            guard let pid = Int32(name),
                  let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds {
                var s = stat()
                if stat("/proc/\(pid)/fd/\(fd)", &s) == 0 && s.st_dev == target.st_dev && s.st_ino == target.st_ino {
                    holders.append(pid)
                    break
                }
            }
        }
        return holders
    }
}
