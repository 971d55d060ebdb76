#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A fresh PostgreSQL database for one CLI test, created and dropped with the real `psql` client.
///
/// The admin connection is `ORCH_TEST_PG` (default `postgresql://orch:orch@127.0.0.1:5432/orch_test`, what
/// `scripts/pg-up.sh` creates). `dsn` is what the test hands to `orch run` as `warehouse_dsn`.
struct ScratchDatabase {
    static var admin: String {
        ProcessInfo.processInfo.environment["ORCH_TEST_PG"] ?? "postgresql://orch:orch@127.0.0.1:5432/orch_test"
    }

    let name: String
    let dsn: String

    init() throws {
        name = "orch_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        if Self.admin.contains("://"), var url = URLComponents(string: Self.admin) {
            url.path = "/" + name
            dsn = url.string ?? ""
        } else {
            dsn = Self.admin + " dbname=\(name)"
        }
        try Self.psql(Self.admin, "CREATE DATABASE \(name)")
    }

    func drop() { _ = try? Self.psql(Self.admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

    /// The first column of the first row of `sql` in this database, as text.
    func scalar(_ sql: String) throws -> String { try Self.psql(dsn, sql).trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Runs `psql -At -c sql` and returns its output; throws with psql's message when it fails.
    @discardableResult
    static func psql(_ conninfo: String, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Foundation's readDataToEndOfFile traps on EINTR; read the raw descriptors, retrying interrupted reads.
        let data = readAll(out.fileHandleForReading.fileDescriptor)
        let errData = readAll(err.fileHandleForReading.fileDescriptor)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw SetupFailed(description: "psql \(sql.prefix(60)) failed: \(String(decoding: errData, as: UTF8.self)) "
                + "(is PostgreSQL up? run scripts/pg-up.sh or set ORCH_TEST_PG)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Records in the project's snapshot file `fixtures/dummyjson/<name>.json` (what serve-source answers).
func snapshotCount(_ name: String) throws -> Int {
    let url = repoRoot.appendingPathComponent("fixtures/dummyjson/\(name).json")
    guard let records = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [Any] else {
        throw SetupFailed(description: "\(url.path) is not a JSON array")
    }
    return records.count
}

/// A test's set-up (database, port, source server) could not be made; the message says what to check.
struct SetupFailed: Error, CustomStringConvertible { let description: String }

/// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it; the socket is closed again).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SetupFailed(description: "socket() failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard bound else { throw SetupFailed(description: "cannot bind a loopback port") }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
func loopbackAccepts(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = UInt16(port).bigEndian
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// `orch shopstream serve-source` on a free loopback port, as a child process of the test.
struct ServedSnapshot {
    let process: RunningOrch
    let url: String

    init(_ sandbox: OrchSandbox) throws {
        let port = try freeLoopbackPort()
        process = try sandbox.start(["shopstream", "serve-source", "--port", String(port)])
        url = "http://127.0.0.1:\(port)"
        guard sandbox.waitFor(15, { loopbackAccepts(port) }) else {
            process.stop(SIGKILL)
            throw SetupFailed(description: "serve-source did not listen on \(port): \(process.result.output)")
        }
    }

    func stop() { process.stop(SIGTERM) }
}

/// Reads a descriptor to its end, retrying reads interrupted by a signal.
func readAll(_ fd: Int32) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return data }
        data.append(contentsOf: buffer[0..<n])
    }
}
