/// A fast, allocation-free check that bytes are one JSON value PostgreSQL's `jsonb` will accept.
///
/// Beyond RFC 8259 (structure, numbers, escapes, UTF-8), it rejects what `jsonb` refuses: `\u0000` and unpaired
/// UTF-16 surrogates in `\u` escapes. Returns nil when valid, else a short reason with the byte position.
enum JSONCheck {
    static let maxDepth = 1000

    static func problem(in bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(bytes: buffer)
            return scanner.run()
        }
    }

    private struct Failure: Error { var reason: String }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0
        var depth = 0

        mutating func run() -> String? {
            do {
                skipSpace()
                try value()
                skipSpace()
                if i != bytes.count { throw fail("unexpected data after the JSON value") }
                return nil
            } catch let failure as Failure {
                return failure.reason
            } catch {
                return "\(error)"
            }
        }

        func fail(_ what: String) -> Failure {
            Failure(reason: bytes.isEmpty ? "empty payload" : "\(what) at byte \(i)")
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func value() throws {
            guard i < bytes.count else { throw fail("unexpected end of input") }
            switch bytes[i] {
            case UInt8(ascii: "{"): try object()
            case UInt8(ascii: "["): try array()
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw fail("unexpected character")
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { throw fail("truncated literal") }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fail("invalid literal") }
            i += n
        }

        mutating func enter() throws {
            depth += 1
            if depth > JSONCheck.maxDepth { throw fail("nesting deeper than \(JSONCheck.maxDepth)") }
        }

        mutating func object() throws {
            try enter()
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipSpace()
                try value()
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return }
                throw fail("expected ',' or '}'")
            }
        }

        mutating func array() throws {
            try enter()
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return }
            while true {
                skipSpace()
                try value()
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return }
                throw fail("expected ',' or ']'")
            }
        }

        mutating func digits() -> Int {
            let start = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - start
        }

        mutating func number() throws {
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count else { throw fail("truncated number") }
            if bytes[i] == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { throw fail("invalid number") }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                if digits() == 0 { throw fail("invalid number fraction") }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                if digits() == 0 { throw fail("invalid number exponent") }
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw fail("invalid \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        mutating func string() throws {
            i += 1
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") { i += 1; return }
                if c < 0x20 { throw fail("control character in string") }
                if c == UInt8(ascii: "\\") {
                    i += 1
                    guard i < bytes.count else { break }
                    switch bytes[i] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        i += 1
                    case UInt8(ascii: "u"):
                        i += 1
                        let unit = try hex4()
                        if unit == 0 { throw fail("\\u0000 (jsonb cannot store it)") }
                        if unit >= 0xDC00 && unit <= 0xDFFF { throw fail("unpaired low surrogate") }
                        if unit >= 0xD800 && unit <= 0xDBFF {
                            guard i + 2 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                                throw fail("unpaired high surrogate")
                            }
                            i += 2
                            let low = try hex4()
                            guard low >= 0xDC00 && low <= 0xDFFF else { throw fail("unpaired high surrogate") }
                        }
                    default:
                        throw fail("invalid escape")
                    }
                    continue
                }
                if c < 0x80 { i += 1; continue }
                try utf8Sequence()
            }
            throw fail("unterminated string")
        }

        /// Validates one multi-byte UTF-8 sequence starting at `i` (no overlongs, no surrogates, ≤ U+10FFFF).
        mutating func utf8Sequence() throws {
            let c = bytes[i]
            let n: Int
            var lowerBound: UInt8 = 0x80, upperBound: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: n = 1
            case 0xE0: n = 2; lowerBound = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: n = 2
            case 0xED: n = 2; upperBound = 0x9F
            case 0xF0: n = 3; lowerBound = 0x90
            case 0xF1...0xF3: n = 3
            case 0xF4: n = 3; upperBound = 0x8F
            default: throw fail("invalid UTF-8")
            }
            guard i + n < bytes.count else { throw fail("truncated UTF-8") }
            let second = bytes[i + 1]
            guard second >= lowerBound, second <= upperBound else { throw fail("invalid UTF-8") }
            for k in 2..<(n + 1) where bytes[i + k] & 0xC0 != 0x80 { throw fail("invalid UTF-8") }
            i += n + 1
        }
    }
}
