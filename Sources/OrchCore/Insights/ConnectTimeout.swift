import Foundation

/// A default `connect_timeout` for warehouse connection strings. libpq waits forever for a server that does not
/// answer (a host that drops packets, a port held by something that never speaks); a dashboard must not. Pure.
public enum ConnectTimeout {
    /// `conninfo` with `connect_timeout=<seconds>` added, unless it already sets one (then the user's value stands).
    /// Works for both libpq forms: a `postgres(ql)://` URI gets a query parameter; `key=value` pairs (or an empty
    /// string, meaning the PG* variables) get a leading pair, which a later pair in the string would override.
    /// An empty string with `PGCONNECT_TIMEOUT` in `environment` is left alone.
    public static func applied(to conninfo: String, seconds: Int, environment: [String: String] = [:]) -> String {
        let trimmed = conninfo.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            let (base, fragment) = split(trimmed, at: "#")
            let (_, query) = split(base, at: "?")
            let keys = (query ?? "").split(separator: "&").map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? "" }
            if keys.contains("connect_timeout") { return conninfo }
            let joined = base + (query == nil ? "?" : (query!.isEmpty ? "" : "&")) + "connect_timeout=\(seconds)"
            return joined + (fragment.map { "#" + $0 } ?? "")
        }
        if trimmed.isEmpty {
            return environment["PGCONNECT_TIMEOUT"].map { _ in conninfo } ?? "connect_timeout=\(seconds)"
        }
        if setsConnectTimeout(trimmed) { return conninfo }
        return "connect_timeout=\(seconds) " + trimmed
    }

    /// Whether `key=value` pairs name `connect_timeout` (spaces around `=` allowed, quoted values skipped).
    static func setsConnectTimeout(_ pairs: String) -> Bool {
        var key = ""
        var spaceAfterKey = false
        var inValue = false, valueStarted = false, inQuotes = false, escaped = false
        for c in pairs {
            if inValue {
                if !valueStarted && c.isWhitespace { continue }
                valueStarted = true
                if escaped { escaped = false; continue }
                if c == "\\" { escaped = true; continue }
                if c == "'" { inQuotes.toggle(); continue }
                if c.isWhitespace && !inQuotes { inValue = false }
                continue
            }
            if c == "=" {
                if key == "connect_timeout" { return true }
                key = ""; spaceAfterKey = false
                inValue = true; valueStarted = false
                continue
            }
            if c.isWhitespace { spaceAfterKey = !key.isEmpty; continue }
            if spaceAfterKey { key = ""; spaceAfterKey = false }
            key.append(c)
        }
        return false
    }

    private static func split(_ s: String, at separator: Character) -> (String, String?) {
        guard let i = s.firstIndex(of: separator) else { return (s, nil) }
        return (String(s[..<i]), String(s[s.index(after: i)...]))
    }
}
