/// Hides secrets in run conf before it leaves the process (API answers, CLI output, logs).
///
/// The rule, after Airflow's `secrets_masker`: a key that contains one of ``sensitiveKeyParts`` (case-insensitive,
/// `-` and spaces read as `_`) has its whole value replaced by ``placeholder``, whatever its type. Every other string
/// keeps its text except passwords written inside it: the password of a URL (`postgresql://user:PASS@host/db`) and
/// the value of a `password=`/`passwd=`/`pwd=` pair (libpq's `host=h password=PASS`). Objects and arrays are walked
/// to any depth. Pure: no I/O, no state.
public enum SecretMask {
    public static let placeholder = "***"

    /// Key fragments that mark a value as secret.
    public static let sensitiveKeyParts = [
        "password", "passwd", "passphrase", "secret", "token", "dsn", "api_key", "apikey", "access_token",
        "private_key", "authorization", "credential", "keyfile_dict", "service_account",
    ]

    /// True when a value under `key` is hidden whole.
    public static func isSensitive(key: String) -> Bool {
        var normal = ""
        for ch in key.lowercased() { normal.append(ch == "-" || ch == " " ? "_" : ch) }
        return sensitiveKeyParts.contains { normal.contains($0) }
    }

    /// The conf with every secret replaced by ``placeholder``.
    public static func mask(_ conf: [String: JSONValue]) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (key, value) in conf {
            out[key] = isSensitive(key: key) ? .string(placeholder) : mask(value)
        }
        return out
    }

    public static func mask(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o): return .object(mask(o))
        case .array(let a): return .array(a.map(mask))
        case .string(let s): return .string(maskText(s))
        default: return value
        }
    }

    /// `s` with URL passwords and `password=` values replaced by ``placeholder``.
    public static func maskText(_ s: String) -> String {
        maskKeywordPasswords(maskURLPasswords(s))
    }

    /// `scheme://user:PASS@host` → `scheme://user:***@host`, for every URL in the text.
    static func maskURLPasswords(_ s: String) -> String {
        guard s.contains("://") else { return s }
        var chars = Array(s)
        var i = 0
        while i + 2 < chars.count {
            guard chars[i] == ":", chars[i + 1] == "/", chars[i + 2] == "/" else { i += 1; continue }
            let authorityStart = i + 3
            var end = authorityStart
            while end < chars.count, !"/?# \t\n\"'".contains(chars[end]) { end += 1 }
            // The userinfo ends at the last '@' of the authority; the password follows its first ':'.
            if let at = chars[authorityStart..<end].lastIndex(of: "@"),
               let colon = chars[authorityStart..<at].firstIndex(of: ":"), colon + 1 < at {
                chars.replaceSubrange((colon + 1)..<at, with: Array(placeholder))
                end = colon + 1 + placeholder.count + (end - at)
            }
            i = max(end, authorityStart)
        }
        return String(chars)
    }

    /// `password=PASS` (also `passwd`, `pwd`; value quoted with `'` or up to the next space or `;`) → `password=***`.
    static func maskKeywordPasswords(_ s: String) -> String {
        let lower = s.lowercased()
        guard lower.contains("password") || lower.contains("passwd") || lower.contains("pwd") else { return s }
        var chars = Array(s)
        let lowered = Array(lower)
        guard lowered.count == chars.count else { return s }   // case mapping changed the length: leave it
        var i = 0
        while i < chars.count {
            var matched = 0
            for word in ["password", "passwd", "pwd"] where matches(lowered, at: i, word) {
                let before = i == 0 ? " " : lowered[i - 1]
                if !(before.isLetter || before.isNumber || before == "_") { matched = word.count; break }
            }
            guard matched > 0 else { i += 1; continue }
            var j = i + matched
            while j < chars.count, chars[j] == " " { j += 1 }
            guard j < chars.count, chars[j] == "=" else { i += matched; continue }
            j += 1
            while j < chars.count, chars[j] == " " { j += 1 }
            var end = j
            if end < chars.count, chars[end] == "'" {
                end += 1
                while end < chars.count, chars[end] != "'" { end += chars[end] == "\\" ? 2 : 1 }
                end = min(end + 1, chars.count)
            } else {
                while end < chars.count, !" ;&\t\n".contains(chars[end]) { end += 1 }
            }
            if end > j {
                chars.replaceSubrange(j..<end, with: Array(placeholder))
                return String(chars.prefix(j + placeholder.count)) + maskKeywordPasswords(String(chars.dropFirst(j + placeholder.count)))
            }
            i = j
        }
        return String(chars)
    }

    private static func matches(_ chars: [Character], at i: Int, _ word: String) -> Bool {
        let w = Array(word)
        guard i + w.count <= chars.count else { return false }
        for k in 0..<w.count where chars[i + k] != w[k] { return false }
        return true
    }
}
