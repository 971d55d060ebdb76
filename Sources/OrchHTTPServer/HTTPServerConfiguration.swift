/// How an ``HTTPServer`` listens and what it accepts.
public struct HTTPServerConfiguration: Sendable {
    /// IPv4 address to bind; loopback by default so nothing is exposed by accident.
    public var host: String = "127.0.0.1"
    /// TCP port; 0 picks any free port (read it back from ``HTTPServer/port``).
    public var port: Int = 8080
    /// Size of libmicrohttpd's thread pool; handlers run on these threads.
    public var threads: Int = 4
    /// Most connections open at once; more are refused by the daemon.
    public var connectionLimit: Int = 512
    /// An idle connection is closed after this many seconds.
    public var connectionTimeoutSeconds: Int = 30
    /// Largest accepted request body; a larger one gets 413 and is not buffered.
    public var maxBodyBytes: Int = 1 << 20
    /// Nice value (0-19) of the pool threads, set by each thread on its first request: above 0, a process that
    /// also does latency-critical work on other threads (a scheduler) keeps the CPU when requests pour in.
    /// Linux only (per-thread priorities); 0 leaves them as they are.
    public var threadNice: Int = 0

    public init(host: String = "127.0.0.1", port: Int = 8080, threads: Int = 4, connectionLimit: Int = 512,
                connectionTimeoutSeconds: Int = 30, maxBodyBytes: Int = 1 << 20, threadNice: Int = 0) {
        self.host = host
        self.port = port
        self.threads = threads
        self.connectionLimit = connectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.maxBodyBytes = maxBodyBytes
        self.threadNice = threadNice
    }
}
