// The machine's floor for the peer benchmark: a shape's tasks with no orchestrator. Built by bench/peers/floors.py:
//   swiftc -O -I Sources/CSQLite bench/peers/floor/main.swift -o .build-floor/orch-floor
//
//   orch-floor task BODY DAG TASK TIMES_FILE
//       Runs one task body (noop | cpu | sleep) and appends "DAG TASK START END\n" (Unix seconds) to TIMES_FILE in
//       one write(2): the binary the shell-loop floor spawns per task.
//   orch-floor inprocess KIND BODY DAGS SIZE DB fsync|batched
//       Runs the shape's tasks (KIND fanout | chain | burst, DAGS DAGs of SIZE) one after another in this process,
//       calling the task closure, and records every state change in SQLite (table task in DB): an INSERT when the
//       task starts, an UPDATE when it ends. fsync: WAL with synchronous=FULL and one transaction per state change
//       (an fsync each); batched: synchronous=NORMAL and one transaction for the whole run.
//   orch-floor inprocess KIND BODY DAGS SIZE DB isolated
//       orch's two guarantees for in-process tasks and nothing else: the task closure runs in a second process (forked
//       at the start, reached over a pipe, as orch's task host), and every state change is committed before it is
//       acted on (WAL, synchronous=NORMAL: it survives kill -9, not a power cut, as orch's state database). Per task,
//       one transaction records the end of the task before it and the start of this one, then one byte asks the host
//       to run it and its reply carries the body's start and end; one transaction after the last records its end.
//   orch-floor inprocess KIND BODY DAGS SIZE DB forked
//       A process per task without exec, what orch's fork server does, and nothing else: this small process forks a
//       child per task (2 at a time, in the shape's order: a DAG's layer after the one before it has exited, several
//       DAGs side by side), the child calls the closure, writes its start and end to a pipe and exits; the parent
//       waits for it. Nothing is written while the tasks run: the times go to table task in DB after the last.
// Bodies follow dags/PeerBenchmarks.swift: cpu spins until the thread has used 10 ms of CPU; sleep sleeps 1 s.
import CSQLite
#if canImport(Glibc)
import Glibc
#endif

func clock(_ id: clockid_t) -> Double {
    var ts = timespec()
    clock_gettime(id, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
    fputs("orch-floor: \(message)\n", stderr)
    exit(2)
}

func body(_ name: String) -> () -> Void {
    switch name {
    case "noop": return {}
    case "cpu":
        return {
            let end = clock(CLOCK_THREAD_CPUTIME_ID) + 0.010
            var x: UInt64 = 1
            while clock(CLOCK_THREAD_CPUTIME_ID) < end {
                for _ in 0..<1000 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
            }
            if x == 0 { print("unreachable") }
        }
    case "sleep":
        return {
            var left = timespec(tv_sec: 1, tv_nsec: 0)
            var rest = timespec()
            while nanosleep(&left, &rest) != 0 && errno == EINTR { left = rest }
        }
    default: fail("unknown body '\(name)' (noop, cpu, sleep)")
    }
}

func taskIds(kind: String, size: Int) -> [String] {
    switch kind {
    case "fanout": return ["root"] + (1...size).map { "t\($0)" } + ["join"]
    case "chain": return (1...size).map { "c\($0)" }
    case "burst": return (1...size).map { "b\($0)" }
    default: fail("unknown kind '\(kind)' (fanout, chain, burst)")
    }
}

final class Database {
    let handle: OpaquePointer

    init(path: String) {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { fail("cannot open \(path)") }
        handle = db
    }

    func exec(_ sql: String) {
        if sqlite3_exec(handle, sql, nil, nil, nil) != SQLITE_OK {
            fail("\(sql): \(String(cString: sqlite3_errmsg(handle)))")
        }
    }

    func prepare(_ sql: String) -> OpaquePointer {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            fail("\(sql): \(String(cString: sqlite3_errmsg(handle)))")
        }
        return stmt
    }

    func run(_ stmt: OpaquePointer, _ text: [String], _ times: [Double]) {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (i, value) in text.enumerated() { sqlite3_bind_text(stmt, Int32(i + 1), value, -1, transient) }
        for (i, time) in times.enumerated() { sqlite3_bind_double(stmt, Int32(text.count + 1 + i), time) }
        if sqlite3_step(stmt) != SQLITE_DONE { fail("write: \(String(cString: sqlite3_errmsg(handle)))") }
        sqlite3_reset(stmt)
    }
}

/// The floors' table of task times in DB; `synchronous` (WAL with that level) for a floor that writes while its tasks
/// run, nil for one that writes its times once at the end.
func taskTable(path: String, synchronous: String?) -> Database {
    let db = Database(path: path)
    if let synchronous {
        db.exec("PRAGMA journal_mode=WAL")
        db.exec("PRAGMA synchronous=\(synchronous)")
    }
    db.exec("CREATE TABLE IF NOT EXISTS task (dag_id TEXT, task_id TEXT, state TEXT, start REAL, end REAL, "
            + "PRIMARY KEY (dag_id, task_id))")
    return db
}

/// Writes `value`'s bytes to `fd` in one write(2) (a pipe keeps it whole: it is far below PIPE_BUF).
func send<Value>(_ value: Value, to fd: Int32) -> Bool {
    withUnsafeBytes(of: value) { write(fd, $0.baseAddress, $0.count) } == MemoryLayout<Value>.size
}

/// Reads one value written by ``send(_:to:)``; nil when the writer is gone.
func receive<Value>(_ empty: Value, from fd: Int32) -> Value? {
    var value = empty
    let size = MemoryLayout<Value>.size
    return withUnsafeMutableBytes(of: &value) { read(fd, $0.baseAddress, size) } == size ? value : nil
}

func inProcess(kind: String, bodyName: String, dags: Int, size: Int, path: String, batched: Bool) {
    let db = taskTable(path: path, synchronous: batched ? "NORMAL" : "FULL")
    let begin = db.prepare("INSERT INTO task (dag_id, task_id, state, start) VALUES (?, ?, 'running', ?)")
    let finish = db.prepare("UPDATE task SET state = 'success', end = ?3 WHERE dag_id = ?1 AND task_id = ?2")
    let work = body(bodyName)
    let ids = taskIds(kind: kind, size: size)
    if batched { db.exec("BEGIN") }
    for d in 1...dags {
        let dag = "d\(d)"
        for id in ids {
            db.run(begin, [dag, id], [clock(CLOCK_REALTIME)])
            work()
            db.run(finish, [dag, id], [clock(CLOCK_REALTIME)])
        }
    }
    if batched { db.exec("COMMIT") }
    sqlite3_finalize(begin)
    sqlite3_finalize(finish)
    sqlite3_close(db.handle)
}

/// The `isolated` floor's host: runs the closure for every byte read, replies with the body's start and end.
func isolatedHost(requests: Int32, replies: Int32, work: () -> Void) -> Never {
    while receive(UInt8(0), from: requests) != nil {
        let start = clock(CLOCK_REALTIME)
        work()
        if !send((start, clock(CLOCK_REALTIME)), to: replies) { _exit(1) }
    }
    _exit(0)
}

func isolated(kind: String, bodyName: String, dags: Int, size: Int, path: String) {
    var requests: [Int32] = [0, 0], replies: [Int32] = [0, 0]
    guard pipe(&requests) == 0, pipe(&replies) == 0 else { fail("pipe: \(errno)") }
    let work = body(bodyName)
    let host = fork()
    if host == 0 {
        close(requests[1])
        close(replies[0])
        isolatedHost(requests: requests[0], replies: replies[1], work: work)
    }
    guard host > 0 else { fail("fork: \(errno)") }
    close(requests[0])
    close(replies[1])
    let db = taskTable(path: path, synchronous: "NORMAL")
    let begin = db.prepare("INSERT INTO task (dag_id, task_id, state, start) VALUES (?, ?, 'running', ?)")
    let finish = db.prepare("UPDATE task SET state = 'success', start = ?3, end = ?4 WHERE dag_id = ?1 AND task_id = ?2")
    var ended: (dag: String, id: String, start: Double, end: Double)?
    func recordEnd() {
        guard let e = ended else { return }
        db.run(finish, [e.dag, e.id], [e.start, e.end])
    }
    for d in 1...dags {
        let dag = "d\(d)"
        for id in taskIds(kind: kind, size: size) {
            db.exec("BEGIN")
            recordEnd()
            db.run(begin, [dag, id], [clock(CLOCK_REALTIME)])
            db.exec("COMMIT")
            guard send(UInt8(1), to: requests[1]), let times = receive((0.0, 0.0), from: replies[0]) else {
                fail("the host process stopped")
            }
            ended = (dag, id, times.0, times.1)
        }
    }
    db.exec("BEGIN")
    recordEnd()
    db.exec("COMMIT")
    close(requests[1])
    var status: Int32 = 0
    waitpid(host, &status, 0)
    sqlite3_finalize(begin)
    sqlite3_finalize(finish)
    sqlite3_close(db.handle)
}

/// A shape's tasks as each DAG's layers: the tasks of a layer can run side by side, a layer after the one before it.
func layers(kind: String, size: Int) -> [[String]] {
    let ids = taskIds(kind: kind, size: size)
    switch kind {
    case "fanout": return [[ids[0]], Array(ids[1..<(ids.count - 1)]), [ids[ids.count - 1]]]
    case "chain": return ids.map { [$0] }
    default: return [ids]
    }
}

func forked(kind: String, bodyName: String, dags: Int, size: Int, path: String) {
    struct Record { var task: Int32 = 0; var start = 0.0; var end = 0.0 }
    struct Lane { var layers: [[String]]; var next = 0 }
    var reports: [Int32] = [0, 0]
    guard pipe(&reports) == 0 else { fail("pipe: \(errno)") }
    let work = body(bodyName)
    let plan = layers(kind: kind, size: size)
    var lanes = (1...dags).map { _ in Lane(layers: plan) }
    var names: [(dag: String, task: String)] = []
    var records: [Int32: Record] = [:]
    var running: [pid_t: Int] = [:]   // child -> its lane
    let slots = 2
    func startReady() {
        for l in lanes.indices where running.count < slots {
            while running.count < slots, let layer = lanes[l].layers.first, lanes[l].next < layer.count {
                let index = Int32(names.count)
                names.append(("d\(l + 1)", layer[lanes[l].next]))
                lanes[l].next += 1
                let pid = fork()
                if pid == 0 {
                    var r = Record(task: index, start: clock(CLOCK_REALTIME))
                    work()
                    r.end = clock(CLOCK_REALTIME)
                    _exit(send(r, to: reports[1]) ? 0 : 1)
                }
                guard pid > 0 else { fail("fork: \(errno)") }
                running[pid] = l
            }
        }
    }
    startReady()
    while !running.isEmpty {
        var status: Int32 = 0
        let pid = waitpid(-1, &status, 0)
        guard pid > 0, let l = running.removeValue(forKey: pid) else { fail("waitpid: \(errno)") }
        guard status == 0 else { fail("a task process failed (status \(status))") }
        guard let r = receive(Record(), from: reports[0]) else { fail("lost a task's times") }
        records[r.task] = r
        if !running.values.contains(l), let layer = lanes[l].layers.first, lanes[l].next == layer.count {
            lanes[l].layers.removeFirst()
            lanes[l].next = 0
        }
        startReady()
    }
    let db = taskTable(path: path, synchronous: nil)
    let insert = db.prepare("INSERT INTO task (dag_id, task_id, state, start, end) VALUES (?, ?, 'success', ?, ?)")
    db.exec("BEGIN")
    for (index, name) in names.enumerated() {
        guard let r = records[Int32(index)] else { fail("no times for \(name.dag).\(name.task)") }
        db.run(insert, [name.dag, name.task], [r.start, r.end])
    }
    db.exec("COMMIT")
    sqlite3_finalize(insert)
    sqlite3_close(db.handle)
}

let args = CommandLine.arguments
if args.count == 6 && args[1] == "task" {
    let start = clock(CLOCK_REALTIME)
    body(args[2])()
    let line = "\(args[3]) \(args[4]) \(start) \(clock(CLOCK_REALTIME))\n"
    let fd = open(args[5], O_WRONLY | O_APPEND | O_CREAT, 0o644)
    guard fd >= 0 else { fail("cannot open \(args[5])") }
    _ = line.withCString { write(fd, $0, strlen($0)) }
    close(fd)
} else if args.count == 8 && args[1] == "inprocess", let dags = Int(args[4]), let size = Int(args[5]), dags > 0,
          size > 0, ["fsync", "batched", "isolated", "forked"].contains(args[7]) {
    if args[7] == "isolated" {
        isolated(kind: args[2], bodyName: args[3], dags: dags, size: size, path: args[6])
    } else if args[7] == "forked" {
        forked(kind: args[2], bodyName: args[3], dags: dags, size: size, path: args[6])
    } else {
        inProcess(kind: args[2], bodyName: args[3], dags: dags, size: size, path: args[6], batched: args[7] == "batched")
    }
} else {
    fail("usage: orch-floor task BODY DAG TASK TIMES_FILE | inprocess KIND BODY DAGS SIZE DB fsync|batched|isolated|forked")
}
