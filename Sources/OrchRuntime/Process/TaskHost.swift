#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore

/// The server side of in-process tasks in a bundle: one long-lived process per bundle version that runs the
/// attempts of its `.inProcess` tasks as Swift tasks, side by side, with no process of their own. What
/// `.inProcess` means for DAGs compiled into orch, for a bundle: the attempt shares a process with others (a
/// crash of one is a crash of all, and they end with the host), in exchange for no fork, exec or process start.
///
/// Each attempt logs to its own file and reaches XCom as a process-isolated one does (the state database, or the
/// worker API). Task output written to stdout goes to stderr: stdout carries the protocol. The host leaves when
/// its input closes (the pool stopped or died): its attempts end with it, as in-process attempts do.
public enum TaskHost {
    private static let output = HostOutput()

    public static func serve(dags: BundleDAGs) -> Never {
        output.fd = dup(1)
        _ = fcntl(output.fd, F_SETFD, FD_CLOEXEC)
        dup2(2, 1)   // a task's print() must not reach the protocol
        signal(SIGPIPE, SIG_IGN)
        signal(SIGTERM, SIG_IGN)   // the pool closes stdin to stop the host
        signal(SIGINT, SIG_IGN)
        let running = RunningAttempts()
        var contexts = TaskHostProtocol.KeptContexts()
        output.send(.ready)
        var input: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(0, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { exit(0) }   // the pool is gone: so are this host's attempts
            input.append(contentsOf: buffer[0..<n])
            while let newline = input.firstIndex(of: UInt8(ascii: "\n")) {
                let decoded = TaskHostProtocol.Request.decode(line: input[..<newline])
                input.removeSubrange(...newline)
                guard let request = decoded else { continue }
                switch contexts.take(request) {
                case .nothing:
                    break
                case .cancel(let id):
                    running.cancel(id)
                case .unknownContext(let id, let context):
                    output.send(.finished(id: id, outcome: .failed(exitCode: nil, error: "the task host has no context \(context) for this attempt")))
                case .run(let id, let spec):
                    // The DAG is built on its first attempt here (BundleDAGs), and found through its own task index.
                    start(id, spec, task: dags.dag(spec.dagId)?.task(spec.taskId), running: running)
                }
            }
        }
    }

    private static func start(_ id: Int, _ spec: AttemptSpec, task: TaskSpec?, running: RunningAttempts) {
        guard let task else {
            output.send(.finished(id: id, outcome: .failed(exitCode: nil, error: "task \(spec.dagId).\(spec.taskId) is not in this bundle executable")))
            return
        }
        let logger = FileTaskLogger(path: spec.logPath)
        HostEnvironment.apply(spec.environment)
        let xcom = spec.xcomAccess()
        // No `started` event: the pool counts the attempt started when it sends it.
        running.start(id) {
            let context = TaskExecutor.context(spec, logger: logger, xcom: xcom)
            let outcome = await TaskExecutor.run(task: task, context: context, spec: spec)
            // The pool logs why it failed, as for an in-process attempt in orch's own process.
            output.send(.finished(id: id, outcome: outcome))
        }
        // The attempt's log file is made here, while its Swift task starts on another thread: not on the hop
        // after its body, where the first line would make it. A hosted attempt thus always has a log file, as a
        // forked one does (the fork server opens it before the fork).
        logger.openAhead()
    }
}

/// The protocol's output: whole lines, one writer at a time.
private final class HostOutput: @unchecked Sendable {
    var fd: Int32 = 1
    private let lock = NSLock()

    func send(_ event: TaskHostProtocol.Event) {
        let bytes = Array(event.line.utf8)
        lock.withLock {
            if !writeAll(fd, bytes) { exit(0) }   // the pool is gone
        }
    }
}

/// The Swift tasks of the attempts running now, by request id, to cancel one. Requests are read on one thread,
/// so an attempt is always added before a cancellation of it can be read.
private final class RunningAttempts: @unchecked Sendable {
    private let lock = NSLock()
    private var tasks: [Int: Task<Void, Never>] = [:]

    /// Starts `body` as a Swift task known by `id` until it ends (registered before it can end).
    func start(_ id: Int, _ body: @escaping @Sendable () async -> Void) {
        lock.withLock {
            tasks[id] = Task.detached { [self] in
                await body()
                remove(id)
            }
        }
    }

    func remove(_ id: Int) { _ = lock.withLock { tasks.removeValue(forKey: id) } }

    func cancel(_ id: Int) { lock.withLock { tasks.removeValue(forKey: id) }?.cancel() }
}

/// The variables the DAGs asked for (`DAG.environment`), set in the host's one environment. They come from the
/// scheduler's environment, the same for every attempt, so each is set once: `setenv` is not safe while another
/// thread reads the environment, and after the first attempt nothing changes.
private enum HostEnvironment {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var applied: [String: String] = [:]

    static func apply(_ variables: [String: String]) {
        lock.withLock {
            for (key, value) in variables where applied[key] != value {
                setenv(key, value, 1)
                applied[key] = value
            }
        }
    }
}
