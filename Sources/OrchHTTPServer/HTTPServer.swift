import CMicroHTTPD
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Called for every complete request, on one of libmicrohttpd's pool threads, possibly on several at once.
/// Must not call ``HTTPServer/stop()``. Write handlers in a library file or as a static member, not as a closure at
/// the top level of `main.swift`: such a closure is main-actor isolated and Swift traps when a C thread calls it.
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse

/// An HTTP/1.1 server over libmicrohttpd: a thread pool of `configuration.threads` threads, each with its own epoll
/// loop, calling `handler` for every complete request.
///
/// It is `@unchecked Sendable` because it owns a C handle (`MHD_Daemon *`): every access to the handle and to the
/// lifecycle state happens under `lock`, and the C callbacks reach Swift only through the immutable
/// ``ServerContext`` (retained by the server for as long as the daemon lives).
public final class HTTPServer: @unchecked Sendable {
    /// Lifecycle: `initial` → `running` → `stopped` → (`start()` again) `running` …
    public enum State: Sendable, Equatable {
        case initial, running, stopped
    }

    public let configuration: HTTPServerConfiguration
    private let context: ServerContext
    private let lock = NSLock()
    private var daemon: OpaquePointer?
    private var log: UnsafeMutablePointer<orch_mhd_log>?
    private var boundPort = 0
    private var currentState = State.initial

    public init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.context = ServerContext(handler: handler, maxBodyBytes: configuration.maxBodyBytes,
                                     threadNice: configuration.threadNice, maxURIBytes: configuration.maxURIBytes,
                                     maxHeaderBytes: configuration.maxHeaderBytes,
                                     refusalShaper: configuration.refusalShaper)
    }

    deinit {
        stop()
    }

    /// The current lifecycle state.
    public var state: State { lock.withLock { currentState } }

    /// The bound port while running (the real one when the configuration asked for port 0); 0 before start.
    public var port: Int { lock.withLock { boundPort } }

    /// Binds and starts serving. Throws ``HTTPServerError`` naming the cause (invalid host, port in use, ...).
    public func start() throws {
        try lock.withLock {
            guard currentState != .running else {
                throw HTTPServerError("HTTP server is already running on port \(boundPort); call stop() first")
            }
            try startLocked()
        }
    }

    private func startLocked() throws {
        let config = configuration
        guard (0...65535).contains(config.port) else {
            throw HTTPServerError("HTTP port \(config.port) is out of range; use 1-65535, or 0 for any free port")
        }
        guard config.threads >= 1, config.connectionLimit >= 1, config.connectionTimeoutSeconds >= 0,
              config.perClientConnectionLimit >= 1, config.connectionMemoryBytes >= 8 * 1024,
              config.maxBodyBytes >= 0, (0...19).contains(config.threadNice) else {
            throw HTTPServerError("HTTP server configuration needs threads >= 1, connectionLimit >= 1, "
                + "connectionTimeoutSeconds >= 0, maxBodyBytes >= 0 and threadNice in 0...19")
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(config.port).bigEndian)
        guard inet_pton(AF_INET, config.host, &address.sin_addr) == 1 else {
            throw HTTPServerError("HTTP host '\(config.host)' is not an IPv4 address; use e.g. 127.0.0.1")
        }
        if let failure = orch_mhd_open() {
            throw HTTPServerError("cannot load libmicrohttpd, which serves HTTP: \(String(cString: failure))"
                + " (install the libmicrohttpd12 package)")
        }
        // A client that hangs up mid-response must not kill the process (libmicrohttpd also sends with
        // MSG_NOSIGNAL on Linux; this covers every other write path).
        signal(SIGPIPE, SIG_IGN)

        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_ITC.rawValue | MHD_USE_ERROR_LOG.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue
        #if os(Linux)
        flags |= MHD_USE_EPOLL.rawValue
        #else
        flags |= MHD_USE_POLL.rawValue
        #endif
        let log = UnsafeMutablePointer<orch_mhd_log>.allocate(capacity: 1)
        log.initialize(to: orch_mhd_log())
        orch_mhd_log_init(log)
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        let started = withUnsafePointer(to: &address) { addressPointer in
            orch_mhd_start(flags, addressPointer, UInt32(config.threads), UInt32(config.connectionLimit),
                           UInt32(config.connectionTimeoutSeconds),
                           UInt32(config.perClientConnectionLimit), config.connectionMemoryBytes,
                           mhdAccessHandler, contextPointer,
                           mhdURILogger, contextPointer,
                           mhdRequestCompleted, contextPointer,
                           log)
        }
        orch_mhd_log_stop_capturing(log)
        guard let started else {
            let detail = String(cString: orch_mhd_log_text(log))
            orch_mhd_log_destroy(log)
            log.deallocate()
            throw HTTPServerError("could not start the HTTP server on \(config.host):\(config.port): "
                + (detail.isEmpty ? "libmicrohttpd refused to start" : detail)
                + " (is the port already in use? choose another port or stop the other process)")
        }
        daemon = started
        self.log = log
        boundPort = Int(orch_mhd_bound_port(started))
        if boundPort == 0 { boundPort = config.port }
        context.started()
        currentState = .running
    }

    /// Stops gracefully: answers new requests with 503 at once, waits for requests already being served (at most
    /// `connectionTimeoutSeconds`, minimum 5 s), then closes every connection and the listening socket and frees
    /// the daemon. (Not `MHD_quiesce_daemon`: with a thread pool on epoll, libmicrohttpd 0.9.75 can abort in it,
    /// "Failed to remove listen FD from epoll set", when a worker changes its epoll set at the same time.)
    /// Does nothing unless running. Do not call it from inside a handler; if it happens anyway (a handler dropped
    /// the last reference to the server, so `deinit` runs on a pool thread), the shutdown finishes on another
    /// thread once that request has returned, because libmicrohttpd cannot join the thread it is called on.
    public func stop() {
        lock.withLock {
            guard currentState == .running, let daemon else { return }
            let shutdown = DaemonShutdown(daemon: daemon, log: log, context: context,
                                          patience: Double(max(configuration.connectionTimeoutSeconds, 5)))
            self.daemon = nil
            self.log = nil
            boundPort = 0
            currentState = .stopped
            if context.isPoolThread() {
                Thread.detachNewThread { shutdown.run() }
            } else {
                shutdown.run()
            }
        }
    }
}

/// The end of a daemon's life: wait for requests in flight, stop the daemon (joining its threads and closing the
/// listening socket), free the error log. `@unchecked Sendable`: it owns the C handles it was given and runs once,
/// on one thread; it keeps the ``ServerContext`` alive until the daemon's callbacks can no longer run.
private final class DaemonShutdown: @unchecked Sendable {
    let daemon: OpaquePointer
    let log: UnsafeMutablePointer<orch_mhd_log>?
    let context: ServerContext
    let patience: Double

    init(daemon: OpaquePointer, log: UnsafeMutablePointer<orch_mhd_log>?, context: ServerContext, patience: Double) {
        self.daemon = daemon
        self.log = log
        self.context = context
        self.patience = patience
    }

    func run() {
        context.finishSuspended()
        let deadline = Date().addingTimeInterval(patience)
        while context.inFlight > 0 && Date() < deadline {
            usleep(2_000)
        }
        orch_MHD_stop_daemon(daemon)
        if let log {
            orch_mhd_log_destroy(log)
            log.deallocate()
        }
    }
}
