#if canImport(Glibc)
import Glibc
#endif
import CProcessControl
import Crypto
import Foundation
import OrchCore

/// The supervisor's side of the XCom channel: a Unix socket (`ORCH_HOME/run/xcom-<pid>.sock`, in a 0700
/// folder) on which task processes push and pull XCom with their grant, while only this process holds the state
/// database. One thread accepts; each connection (an attempt's process, or a task host) is served by a thread of
/// its own, a request and its answer at a time.
public final class XComSocketServer: @unchecked Sendable {
    public let path: String
    private let key: SymmetricKey
    private let listenFD: Int32
    private let xcom: @Sendable (Int64) -> XComAccess
    /// The task host's grant: the same for every attempt, signed once.
    private let hostGrant: XComGrant

    /// `xcom`: XCom of a run as this process reaches it (the state store it has open).
    public init(home: String, xcom: @escaping @Sendable (Int64) -> XComAccess) throws {
        key = try XComKey.load(home: home)
        let folder = (home as NSString).appendingPathComponent("run")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        XComSocketServer.removeStaleSockets(in: folder)
        path = (folder as NSString).appendingPathComponent("xcom-\(getpid()).sock")
        unlink(path)
        let fd = orch_unix_socket(path, 1)
        guard fd >= 0 else {
            throw XComChannelError("cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        listenFD = fd
        self.xcom = xcom
        hostGrant = .signed(runPk: nil, taskId: nil, key: key)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit {
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
        unlink(path)
    }

    /// What an attempt's process may do: push as `taskId`, pull within run `runPk`.
    public func endpoint(runPk: Int64, taskId: String) -> LocalXComEndpoint {
        LocalXComEndpoint(socket: path, grant: .signed(runPk: runPk, taskId: taskId, key: key))
    }

    /// What a task host may do: XCom of the attempts it runs, any run.
    public func hostEndpoint() -> LocalXComEndpoint {
        LocalXComEndpoint(socket: path, grant: hostGrant)
    }

    /// Sockets of pools that are gone (a SIGKILLed scheduler's): nobody accepts on them.
    static func removeStaleSockets(in folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where name.hasPrefix("xcom-") && name.hasSuffix(".sock") {
            let p = (folder as NSString).appendingPathComponent(name)
            if LineSocket.connect(p) == nil && errno == ECONNREFUSED { unlink(p) }
        }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                    if errno == EMFILE || errno == ENFILE { usleep(10_000) }
                    continue
                }
                return   // closed: this server is gone
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)   // spawned children close every descriptor above 2 anyway
            Thread.detachNewThread { [self] in serve(LineSocket(fd: fd)) }
        }
    }

    private func serve(_ connection: LineSocket) {
        while let line = connection.readLine() {
            let response: XComWire.Response
            do {
                let request = try JSONDecoder().decode(XComWire.Request.self, from: Data(line))
                response = answer(request)
            } catch {
                response = XComWire.Response(ok: false, value: nil, error: "malformed XCom request: \(error)")
            }
            guard let out = try? JSONEncoder().encode(response), connection.writeLine([UInt8](out)) else { return }
        }
    }

    /// The answer to one request: refused unless its grant is this home's and covers the run and the task.
    func answer(_ r: XComWire.Request) -> XComWire.Response {
        guard r.grant.isValid(key: key) else { return .init(ok: false, value: nil, error: "XCom grant refused") }
        if let granted = r.grant.runPk, granted != r.runPk {
            return .init(ok: false, value: nil, error: "XCom of run \(r.runPk) is not this attempt's")
        }
        do {
            switch r.op {
            case "push":
                if let own = r.grant.taskId, own != r.task {
                    return .init(ok: false, value: nil, error: "task \(own) may push only its own XCom, not \(r.task)'s")
                }
                try xcom(r.runPk).push(task: r.task, key: r.key, value: r.value ?? .null)
                return .init(ok: true, value: nil, error: nil)
            case "pull":
                return .init(ok: true, value: try xcom(r.runPk).pull(task: r.task, key: r.key), error: nil)
            default:
                return .init(ok: false, value: nil, error: "unknown XCom operation '\(r.op)'")
            }
        } catch {
            return .init(ok: false, value: nil, error: "\(error)")
        }
    }
}
