#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs a program to the end with a timeout, collecting its output: `swift build` for a bundle folder, and a
/// bundle executable's `describe`. A program still running at the timeout gets SIGTERM, then SIGKILL a second
/// later.
enum BundleProcess {
    struct Result: Sendable {
        var exit: ChildExit
        var timedOut: Bool
        var stdout: Data
        var stderr: Data
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                    directory: String? = nil, timeout: Double) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = environment
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in exited.signal() }
        let outBox = DataBox(), errBox = DataBox()
        let readers = DispatchGroup()
        try p.run()
        for (pipe, box) in [(out, outBox), (err, errBox)] {
            readers.enter()
            Thread.detachNewThread {
                box.set(pipe.fileHandleForReading.readDataToEndOfFile())
                readers.leave()
            }
        }
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(p.processIdentifier, SIGTERM)
            if exited.wait(timeout: .now() + 1) == .timedOut {
                kill(p.processIdentifier, SIGKILL)
                exited.wait()
            }
        }
        // A grandchild still holding the pipes must not keep us here.
        _ = readers.wait(timeout: .now() + 2)
        let exit: ChildExit = p.terminationReason == .uncaughtSignal ? .signaled(p.terminationStatus)
                                                                      : .exited(p.terminationStatus)
        return Result(exit: exit, timedOut: timedOut, stdout: outBox.get(), stderr: errBox.get())
    }
}

final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.withLock { data = d } }
    func get() -> Data { lock.withLock { data } }
}
