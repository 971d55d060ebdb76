/// SQLite's placeholders in PostgreSQL's spelling: each `?` becomes the next `$n`, and `?n` becomes `$n`.
/// Question marks inside quoted text ('…', "…") and comments are left alone. The state store's SQL has no
/// other use of `?` (no jsonb operators), so the numbering is the only change made.
enum PlaceholderNumbering {
    static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var next = 1
        var quote: Character?
        var lineComment = false
        var chars = Array(sql)
        chars.append("\0")
        var i = 0
        while i < chars.count - 1 {
            let c = chars[i]
            if lineComment {
                if c == "\n" { lineComment = false }
                out.append(c); i += 1; continue
            }
            if let q = quote {
                if c == q { quote = nil }
                out.append(c); i += 1; continue
            }
            switch c {
            case "'", "\"": quote = c; out.append(c)
            case "-" where chars[i + 1] == "-": lineComment = true; out.append(c)
            case "?":
                var digits = ""
                while chars[i + 1].isASCII, chars[i + 1].isNumber { digits.append(chars[i + 1]); i += 1 }
                if digits.isEmpty { out += "$\(next)"; next += 1 } else { out += "$" + digits }
            default: out.append(c)
            }
            i += 1
        }
        return out
    }
}
