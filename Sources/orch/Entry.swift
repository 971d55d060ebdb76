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
        OrchLog.bootstrap()
        Task {
            await OrchCommand.main()
            exit(0)
        }
        dispatchMain()
    }
}
