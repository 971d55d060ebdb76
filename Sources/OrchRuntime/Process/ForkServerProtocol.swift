import Foundation

/// The line protocol between the worker pool and its fork server (`<bundle> __fork-server`).
///
/// pool → server, one JSON object per line: the task host's requests (``TaskHostProtocol/Request``), so a run's
/// spec crosses the pipe once and later attempts of the run send their task, try and log against it (version 2);
/// `{"id": 7, "spec": <AttemptSpec>}` is the whole request of version 1, which every server reads.
/// server → pool, one line per event: `ready <version> -` (once, first; `ready - -` from a server built with an
/// older OrchSDK, which gets whole specs), `started <id> <pid>`, `refused <id> <message>`,
/// `ended <pid> <exit code>` (the child's own report that its attempt is over and it is exiting, from a server the
/// pool gave no pipe for those reports (``AttemptEndReport``); a server built with an older OrchSDK never sends it,
/// and a pool built before it ignores it), `exited <pid> <exit code> <signal>` (signal 0 when it exited normally;
/// after `ended` when there was one).
public enum ForkServerProtocol {
    public typealias Request = TaskHostProtocol.Request

    /// The version this server speaks: 3 (run contexts, an attempt's XCom grant in its attempt line).
    public static let version = 3

    public enum Event: Equatable, Sendable {
        case ready
        case started(id: Int, pid: Int32)
        case refused(id: Int, message: String)
        case ended(pid: Int32, exitCode: Int32)
        case exited(pid: Int32, exitCode: Int32, signal: Int32)

        public var line: String {
            switch self {
            case .ready: return "ready \(ForkServerProtocol.version) -\n"
            case .started(let id, let pid): return "started \(id) \(pid)\n"
            case .refused(let id, let message): return "refused \(id) \(message.replacingOccurrences(of: "\n", with: " "))\n"
            case .ended(let pid, let code): return "ended \(pid) \(code)\n"
            case .exited(let pid, let code, let sig): return "exited \(pid) \(code) \(sig)\n"
            }
        }

        /// The pids whose children reported their end (`ended`) in a batch of events: a child started in the same
        /// batch is over, every process of its task gone, before its start is handled. (`exited` alone is not
        /// counted: what a child that died without its report left may still have to be stopped.)
        public static func endedPids(in events: [Event]) -> Set<Int32> {
            Set(events.compactMap { event -> Int32? in
                if case .ended(let pid, _) = event { return pid }
                return nil
            })
        }

        public static func parse(_ line: Substring) -> Event? {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 3 else { return nil }
            switch parts[0] {
            case "ready":
                return .ready
            case "started":
                guard let id = Int(parts[1]), let pid = Int32(parts[2]) else { return nil }
                return .started(id: id, pid: pid)
            case "refused":
                guard let id = Int(parts[1]) else { return nil }
                return .refused(id: id, message: String(parts[2]))
            case "ended":
                guard let pid = Int32(parts[1]), let code = Int32(parts[2]) else { return nil }
                return .ended(pid: pid, exitCode: code)
            case "exited":
                let rest = parts[2].split(separator: " ")
                guard let pid = Int32(parts[1]), rest.count == 2, let code = Int32(rest[0]), let sig = Int32(rest[1]) else { return nil }
                return .exited(pid: pid, exitCode: code, signal: sig)
            default:
                return nil
            }
        }
    }
}
