#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The supervisor's side of "nothing of an attempt outlives it": an attempt has ended only when none of its
/// processes is alive. Its processes are the leader's process group, the leader's descendants while it lives
/// (it is their subreaper, see `AttemptGuardian`), and every process holding the attempt's lock file open (its
/// children inherit it as fd 3, whatever group or session they moved to).
enum AttemptReaper {
    /// The living processes of an attempt in `table`: members of process group `group` (the leader's pid; 0:
    /// unknown), descendants of `leader` (only while it is alive and not yet reaped, so its pid cannot have
    /// been reused), and the lock's holders; the leader last.
    static func processes(group: Int32, leader: Int32?, holders: [Int32], table: ProcessTable) -> [Int32] {
        var seen: Set<Int32> = [getpid()]
        if let leader { seen.insert(leader) }
        var out: [Int32] = []
        let below = leader.map { table.descendants(of: $0) } ?? []
        let members = group > 0 ? table.members(ofGroup: group) : []
        for pid in below + members + holders where seen.insert(pid).inserted { out.append(pid) }
        if let leader, table.entries.contains(where: { $0.pid == leader && $0.isAlive }) { out.append(leader) }
        return out
    }

    static func living(group: Int32, leader: Int32?, lockPath: String) -> [Int32] {
        processes(group: group, leader: leader, holders: ProcessTable.lockHolders(lockPath), table: ProcessTable.snapshot())
    }

    /// True when no process holds the lock and the process group is empty: the common case, without reading
    /// every process's descriptors.
    static func isQuiet(group: Int32, lockPath: String) -> Bool {
        !AttemptLock.isHeld(lockPath) && (group <= 0 || kill(-group, 0) != 0)
    }

    /// SIGKILL to every process of the attempt, the leader (when still unreaped) last.
    static func killAll(group: Int32, leader: Int32?, lockPath: String) {
        for pid in living(group: group, leader: leader, lockPath: lockPath) { kill(pid, SIGKILL) }
    }

    /// Blocks until nothing of the attempt lives (call from a thread of its own, after the leader exited and was reaped):
    /// survivors get SIGTERM, and SIGKILL once `grace` seconds have passed. Returns how many survivors there were.
    @discardableResult
    static func awaitQuiet(group: Int32, lockPath: String, grace: Double) -> Int {
        if isQuiet(group: group, lockPath: lockPath) { return 0 }
        var signalled: Set<Int32> = []
        let deadline = Date().addingTimeInterval(grace)
        while true {
            let living = living(group: group, leader: nil, lockPath: lockPath)
            if living.isEmpty && !AttemptLock.isHeld(lockPath) { return signalled.count }
            let sig = Date() >= deadline ? SIGKILL : SIGTERM
            for pid in living where sig == SIGKILL || !signalled.contains(pid) {
                kill(pid, sig)
                signalled.insert(pid)
            }
            usleep(50_000)
        }
    }
}
