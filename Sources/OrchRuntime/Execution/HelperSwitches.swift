import Foundation

/// How a pool runs attempts through a bundle's helpers, read from the environment in one place for the pool and for
/// the helpers `orch run` starts ahead of it (``PrestartedHelpers``): `ORCH_FORK_SERVER=0` spawns each process
/// attempt instead of forking it from a fork server; `ORCH_TASK_HOST=0` runs a bundle's `.inProcess` tasks as
/// processes instead of in its task host. Both are on by default. `ORCH_HELPER_IDLE_SECONDS` is how long a helper
/// may have nothing to do before it is stopped (``idleSeconds``).
public struct HelperSwitches: Sendable {
    public var forkServer: Bool
    public var taskHost: Bool
    /// Seconds a fork server or task host may go without an attempt in it before it is stopped (the next attempt
    /// starts it again); nil keeps it for the pool's life. ``defaultIdleSeconds`` unless the environment says.
    public var idleSeconds: Double?

    /// A helper idle for this long is stopped: an idle bundle's fork server held 16 MB of PSS for nothing, and
    /// starting it again costs its next attempt 10–50 ms (docs/performance.md, "Helpers that retire").
    public static let defaultIdleSeconds = 10.0

    /// The environment's settings; an `ORCH_HELPER_IDLE_SECONDS` that ``idleSeconds(_:)`` refuses is taken as
    /// unset here (commands refuse it first, through `CLIContext`).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        forkServer = environment["ORCH_FORK_SERVER"] != "0"
        taskHost = environment["ORCH_TASK_HOST"] != "0"
        do { idleSeconds = try Self.idleSeconds(environment["ORCH_HELPER_IDLE_SECONDS"]) }
        catch { idleSeconds = Self.defaultIdleSeconds }
    }

    /// `ORCH_HELPER_IDLE_SECONDS`: unset is ``defaultIdleSeconds``, `off` keeps helpers (nil), anything else must
    /// be a number of seconds above 0.
    public static func idleSeconds(_ text: String?) throws -> Double? {
        guard let text = text?.trimmingCharacters(in: .whitespaces) else { return defaultIdleSeconds }
        if text.lowercased() == "off" { return nil }
        guard let seconds = Double(text), seconds.isFinite, seconds > 0 else {
            throw HelperSettingError(message: "ORCH_HELPER_IDLE_SECONDS must be a number of seconds above 0 or "
                                     + "'off' (keep bundle helpers running), not '\(text)'")
        }
        return seconds
    }
}

public struct HelperSettingError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
