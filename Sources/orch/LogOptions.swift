import ArgumentParser
import Logging
import OrchRuntime

/// `--log-format` and `--log-level` of the daemons (`orch serve`, `orch scheduler`, `orch webserver`): their own
/// log lines go to standard error through swift-log. Other commands print their output as before.
struct LogOptions: ParsableArguments {
    @Option(help: "Daemon log lines as text or json (one object a line: time, level, component, message, ids).")
    var logFormat: String = "text"
    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard LogFormat(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format must be text or json, got '\(logFormat)'")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical, got '\(logLevel)'")
        }
    }

    func apply() {
        LogSettings.shared.format = LogFormat(rawValue: logFormat) ?? .text
        LogSettings.shared.level = Logger.Level(rawValue: logLevel) ?? .info
    }
}
