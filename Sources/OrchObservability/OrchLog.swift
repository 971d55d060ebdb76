import Foundation
import Logging

/// The daemons' loggers (swift-log), one per component. The component is the label after `orch.`.
public enum OrchLog {
    public static let scheduler = Logger(label: "orch.scheduler")
    public static let alerts = Logger(label: "orch.alerts")
    public static let webserver = Logger(label: "orch.webserver")
    public static let worker = Logger(label: "orch.worker")

    private static let once = NSLock()
    nonisolated(unsafe) private static var bootstrapped = false

    /// Installs ``OrchLogHandler`` as the process's log handler (once; later calls do nothing). Call before the
    /// first log line; ``LogSettings/shared`` can change format and level afterwards.
    public static func bootstrap() {
        once.withLock {
            guard !bootstrapped else { return }
            bootstrapped = true
            LoggingSystem.bootstrap { label in OrchLogHandler(label: label, settings: LogSettings.shared) }
        }
    }
}

/// How log lines are written: `text` (`2026-11-30T14:00:00.123Z info scheduler: message key=value`) or `json`
/// (one object a line: time, level, component, message, then the metadata such as run_id and task_id).
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// The format and level every ``OrchLogHandler`` reads at each line, so a command can set them after parsing
/// its options. `@unchecked Sendable`: both fields are read and written under `lock`.
public final class LogSettings: @unchecked Sendable {
    public static let shared = LogSettings()
    private let lock = NSLock()
    private var _format: LogFormat = .text
    private var _level: Logger.Level = .warning

    public var format: LogFormat {
        get { lock.withLock { _format } }
        set { lock.withLock { _format = newValue } }
    }

    /// Lines below this level are dropped. Commands other than the daemons keep `warning`, so their own output
    /// stays what the user asked for.
    public var level: Logger.Level {
        get { lock.withLock { _level } }
        set { lock.withLock { _level = newValue } }
    }
}
