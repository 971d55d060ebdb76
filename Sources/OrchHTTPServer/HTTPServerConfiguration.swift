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
    /// Most connections open at once from one client address; more are accepted and closed at once, so one
    /// client holding idle connections cannot take every slot.
    public var perClientConnectionLimit: Int = 128
    /// An idle connection is closed after this many seconds.
    public var connectionTimeoutSeconds: Int = 10
    /// Longest request target (path and query) answered; longer gets a JSON 414.
    public var maxURIBytes: Int = 16 * 1024
    /// Most bytes of request headers answered; more get a JSON 431.
    public var maxHeaderBytes: Int = 64 * 1024
    /// libmicrohttpd's memory pool per connection, which must hold the request line and headers. It is set well
    /// above ``maxURIBytes`` and ``maxHeaderBytes`` so that an oversized request is read whole and answered with
    /// the JSON error; a request head larger than this still gets libmicrohttpd's own (HTML) 414 or 431.
    public var connectionMemoryBytes: Int = 512 * 1024
    /// Largest accepted request body; a larger one gets 413 and is not buffered.
    public var maxBodyBytes: Int = 1 << 20
    /// Nice value (0-19) of the pool threads, set by each thread on its first request: above 0, a process that
    /// also does latency-critical work on other threads (a scheduler) keeps the CPU when requests pour in.
    /// Linux only (per-thread priorities); 0 leaves them as they are.
    public var threadNice: Int = 0
    /// Reshapes the errors the server answers by itself, before any handler runs (400 for an invalid request
    /// target, 413, 414, 431), given the raw request target when known: an application serving two APIs with
    /// different error bodies gives each its own. nil sends them as they are (`{status, message}`).
    public var refusalShaper: (@Sendable (_ rawTarget: String?, _ response: HTTPResponse) -> HTTPResponse)? = nil

    public init(host: String = "127.0.0.1", port: Int = 8080, threads: Int = 4, connectionLimit: Int = 512,
                connectionTimeoutSeconds: Int = 10, maxBodyBytes: Int = 1 << 20, threadNice: Int = 0,
                perClientConnectionLimit: Int = 128) {
        self.host = host
        self.port = port
        self.threads = threads
        self.connectionLimit = connectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.maxBodyBytes = maxBodyBytes
        self.threadNice = threadNice
        self.perClientConnectionLimit = perClientConnectionLimit
    }
}
