import ArgumentParser
import Dispatch
import Foundation
import OrchRuntime

/// The process entry point: every command runs through swift-argument-parser. Task attempts run in bundle
/// executables (`OrchBundle.main`), never in `orch`.
@main
enum Entry {
    static func main() {
        // Everything orch creates (orch.db and its -wal/-shm, logs, the API token, data) is private to the user;
        // task processes inherit this umask.
        umask(0o077)
        FreedMemory.limitArenas(environment: ProcessInfo.processInfo.environment)
        OrchLog.bootstrap()
        Task {
            let code = await run(CommandLine.arguments.dropFirst())
            leave(code)
        }
        dispatchMain()
    }

    /// Parses and runs the command; the exit code, with ArgumentParser's message printed as `main()` would.
    static func run(_ arguments: ArraySlice<String>) async -> Int32 {
        do {
            var command = try OrchCommand.parseAsRoot(Array(arguments))
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            let code = OrchCommand.exitCode(for: error)
            let message = OrchCommand.fullMessage(for: error)
            if !message.isEmpty {
                FileHandle(fileDescriptor: code == .success ? 1 : 2).write(Data((message + "\n").utf8))
            }
            return code.rawValue
        }
    }

    /// Ends the process without running other threads' library destructors: a scheduler or web server stopped by
    /// SIGTERM can still have a thread inside libpq or libcurl (a connection attempt, a probe), and `exit` tearing
    /// those libraries down under it crashed the process (SIGSEGV in CLILoggingTests on a loaded machine).
    /// Everything orch writes is on disk or in the database already; buffered stdio is flushed here.
    static func leave(_ code: Int32) -> Never {
        fflush(nil)   // every output stream
        _exit(code)
    }
}
