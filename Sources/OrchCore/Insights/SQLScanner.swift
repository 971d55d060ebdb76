/// A small lexer for PostgreSQL text: enough to find the words, `$n` parameters and semicolons outside comments,
/// literals and quoted identifiers. Not a parser: PostgreSQL itself judges the query when the server checks it.
struct SQLScanner {
    /// Lower-cased bare words, in order.
    var words: [String] = []
    /// `$n` parameters, each once, in order of first appearance.
    var parameters: [Int] = []
    /// The text with comments and literals blanked out (same length in characters).
    var code = ""
    /// Index in the original text just past its last character that is neither blank nor ';' nor comment.
    var endOfLastStatement: String.Index
    /// An unterminated comment, literal or identifier.
    var problem: String?

    static func scan(_ sql: String) -> SQLScanner {
        var s = SQLScanner(endOfLastStatement: sql.startIndex)
        let chars = Array(sql)
        let indices = Array(sql.indices) + [sql.endIndex]
        var i = 0
        var word = ""
        func flushWord() {
            if !word.isEmpty { s.words.append(word.lowercased()); word = "" }
        }
        func blank(_ from: Int, _ to: Int) { s.code.append(String(repeating: " ", count: to - from)) }
        while i < chars.count {
            let c = chars[i]
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if c == "-" && next == "-" {
                flushWord()
                let start = i
                while i < chars.count && chars[i] != "\n" { i += 1 }
                blank(start, i)
                continue
            }
            if c == "/" && next == "*" {
                flushWord()
                let start = i
                var depth = 0
                while i < chars.count {
                    if chars[i] == "/" && i + 1 < chars.count && chars[i + 1] == "*" { depth += 1; i += 2; continue }
                    if chars[i] == "*" && i + 1 < chars.count && chars[i + 1] == "/" {
                        depth -= 1; i += 2
                        if depth == 0 { break }
                        continue
                    }
                    i += 1
                }
                if depth != 0 { s.problem = "a /* comment is not closed" }
                blank(start, i)
                continue
            }
            if c == "'" || c == "\"" {
                // E'…' keeps backslash escapes; the E was read as a word: drop it.
                let escapes = c == "'" && word.lowercased().hasSuffix("e") && word.count == 1
                if escapes { word = "" }
                flushWord()
                let start = i
                i += 1
                var closed = false
                while i < chars.count {
                    if escapes && chars[i] == "\\" { i += 2; continue }
                    if chars[i] == c {
                        if i + 1 < chars.count && chars[i + 1] == c { i += 2; continue }
                        i += 1; closed = true; break
                    }
                    i += 1
                }
                if !closed { s.problem = c == "'" ? "a string literal is not closed" : "a quoted identifier is not closed" }
                blank(start, min(i, chars.count))
                s.endOfLastStatement = indices[min(i, chars.count)]
                continue
            }
            if c == "$" && word.isEmpty {
                var j = i + 1
                var digits = ""
                while j < chars.count, chars[j].isNumber { digits.append(chars[j]); j += 1 }
                if !digits.isEmpty {
                    if let n = Int(digits), !s.parameters.contains(n) { s.parameters.append(n) }
                    s.code.append(contentsOf: String(chars[i..<j]))
                    s.endOfLastStatement = indices[j]
                    i = j
                    continue
                }
                // A dollar quote: $$…$$ or $tag$…$tag$.
                var k = i + 1
                while k < chars.count, chars[k].isLetter || chars[k] == "_" || chars[k].isNumber { k += 1 }
                if k < chars.count && chars[k] == "$" {
                    let tag = Array(chars[i...k])
                    var m = k + 1
                    var closed = false
                    while m + tag.count <= chars.count {
                        if Array(chars[m..<(m + tag.count)]) == tag { m += tag.count; closed = true; break }
                        m += 1
                    }
                    if !closed { s.problem = "a dollar-quoted string is not closed"; m = chars.count }
                    blank(i, m)
                    s.endOfLastStatement = indices[m]
                    i = m
                    continue
                }
            }
            if c.isLetter || c == "_" || (c.isNumber && !word.isEmpty) || (c == "$" && !word.isEmpty) {
                word.append(c)
            } else {
                flushWord()
            }
            s.code.append(c)
            if !c.isWhitespace && c != ";" { s.endOfLastStatement = indices[i + 1] }
            i += 1
        }
        flushWord()
        return s
    }
}
