import Foundation
import OrchCore
import Logging

/// Writes each log line to standard error in one `write`, as text or as one JSON object. Secrets never reach it:
/// callers log ids and states, never tokens, conf values or webhook URLs.
public struct OrchLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let component: String
    let settings: LogSettings
    let sink: @Sendable (String) -> Void

    public init(label: String, settings: LogSettings,
                sink: @escaping @Sendable (String) -> Void = { StandardErrorLine.write($0) }) {
        component = label.hasPrefix("orch.") ? String(label.dropFirst(5)) : label
        self.settings = settings
        self.sink = sink
    }

    public var logLevel: Logger.Level {
        get { settings.level }
        set { settings.level = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let explicit = event.metadata { all.merge(explicit) { $1 } }
        sink(LogLine.render(format: settings.format, time: Date(), level: event.level, component: component,
                            message: "\(event.message)", metadata: all))
    }
}

/// One rendered log line, ending in a newline.
public enum LogLine {
    public static func render(format: LogFormat, time: Date, level: Logger.Level, component: String, message: String,
                              metadata: Logger.Metadata) -> String {
        let stamp = UTCFormat.isoMillis(time)
        let pairs = metadata.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
        switch format {
        case .text:
            let tail = pairs.map { " \($0)=\($1)" }.joined()
            return "\(stamp) \(level.rawValue) \(component): \(message)\(tail)\n"
        case .json:
            var object: [(String, String)] = [("time", stamp), ("level", level.rawValue), ("component", component),
                                              ("message", message)]
            object += pairs.filter { !["time", "level", "component", "message"].contains($0.0) }
            return "{" + object.map { "\(jsonString($0)):\(jsonString($1))" }.joined(separator: ",") + "}\n"
        }
    }

    /// A JSON string literal (quotes, backslashes and control characters escaped).
    public static func jsonString(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
            return "\"" + s + "\""   // nothing to escape (ids, paths): the engine's hot path
        }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
