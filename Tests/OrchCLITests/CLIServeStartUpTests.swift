#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// `orch serve` starting its scheduler and web server together, with the real binary: both halves come up on a new
/// home (their connections opening the new database at the same moment), and a web server that cannot start ends
/// the command with its error instead of leaving the scheduler running with no web server, deaf to SIGTERM.
@Suite(.serialized) struct CLIServeStartUpTests {
    @Test func bothHalvesStartOnANewHome() throws {
        for _ in 0..<3 {
            let s = try OrchSandbox(); defer { s.cleanup() }
            let serve = try s.start(["serve", "--port", "0"], environment: ["ORCH_LOAD_EXAMPLES": "false"])
            defer { serve.stop(SIGKILL) }
            let up = s.waitFor(60) { serve.stderr.contains("web server on http://127.0.0.1:") && serve.stderr.contains("scheduler vm") || !serve.process.isRunning }
            #expect(up && serve.process.isRunning, "\(serve.stderr.suffix(1500))")
            serve.stop(SIGTERM)
            #expect(serve.process.terminationStatus == 0, "\(serve.stderr.suffix(1500))")
        }
    }

    @Test func aPortInUseEndsServeWithTheWebServersError() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let (socket, port) = try Self.listeningSocket()
        defer { close(socket) }
        _ = try s.run("dags", "list")   // the database exists: the scheduler is running when the bind fails
        let serve = try s.start(["serve", "--port", String(port)], environment: ["ORCH_LOAD_EXAMPLES": "false"])
        let ended = s.waitFor(90) { !serve.process.isRunning }
        if !ended { kill(serve.pid, SIGKILL) }
        serve.process.waitUntilExit()
        #expect(ended, "orch serve still running 90 s after its web server failed: \(serve.stderr.suffix(1500))")
        #expect(serve.process.terminationStatus != 0)
        #expect(serve.stderr.contains("could not start the HTTP server on 127.0.0.1:\(port)"), "\(serve.stderr.suffix(1500))")
        #expect(serve.stderr.contains("Address already in use"))
        #expect(!serve.stderr.contains("not the first option"))   // libmicrohttpd's logger is set before it speaks
    }

    /// A TCP socket listening on a free loopback port (the port another process holds).
    private static func listeningSocket() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, sa, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw CocoaError(.featureUnsupported) }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }
}
