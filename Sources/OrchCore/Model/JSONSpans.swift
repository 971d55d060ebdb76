/// Finds the byte ranges of JSON values without decoding them, so records can be passed on exactly as the source
/// sent them (key order and number formatting intact). Input is expected to be JSON that a parser already accepted;
/// anything else throws rather than crashes. (ShopStream passes source records on; orch cuts a bundle manifest into
/// its DAG entries.)
public enum JSONSpans {
    public struct Malformed: Error { public let position: Int }

    /// Ranges of the elements of the top-level array in `bytes`.
    public static func topLevelArrayElements(_ bytes: [UInt8]) throws -> [Range<Int>] {
        let start = skipWhitespace(bytes, 0)
        return try arrayElements(bytes, start).elements
    }

    /// Ranges of the elements of the array that is the value of `key` in the top-level object, or nil when the
    /// object has no such key or its value is not an array.
    public static func memberArrayElements(_ bytes: [UInt8], key: String) throws -> [Range<Int>]? {
        for (name, value) in try objectMembers(bytes, in: 0..<bytes.count) where name == key {
            guard bytes[value.lowerBound] == UInt8(ascii: "[") else { return nil }
            return try arrayElements(bytes, value.lowerBound).elements
        }
        return nil
    }

    /// The members (name, value range) of the object that starts within `range`.
    public static func objectMembers(_ bytes: [UInt8], in range: Range<Int>) throws -> [(String, Range<Int>)] {
        var i = skipWhitespace(bytes, range.lowerBound)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { throw Malformed(position: i) }
        i = skipWhitespace(bytes, i + 1)
        var members: [(String, Range<Int>)] = []
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { return members }
        while true {
            let nameEnd = try skipString(bytes, i)
            guard let name = String(validating: bytes[(i + 1)..<(nameEnd - 1)], as: UTF8.self) else {
                throw Malformed(position: i)
            }
            i = skipWhitespace(bytes, nameEnd)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Malformed(position: i) }
            let valueStart = skipWhitespace(bytes, i + 1)
            let valueEnd = try skipValue(bytes, valueStart)
            members.append((name, valueStart..<valueEnd))
            i = skipWhitespace(bytes, valueEnd)
            guard i < bytes.count else { throw Malformed(position: i) }
            if bytes[i] == UInt8(ascii: "}") { return members }
            guard bytes[i] == UInt8(ascii: ",") else { throw Malformed(position: i) }
            i = skipWhitespace(bytes, i + 1)
        }
    }

    public static func arrayElements(_ bytes: [UInt8], _ start: Int) throws -> (elements: [Range<Int>], end: Int) {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "[") else { throw Malformed(position: start) }
        var i = skipWhitespace(bytes, start + 1)
        var elements: [Range<Int>] = []
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { return (elements, i + 1) }
        while true {
            let end = try skipValue(bytes, i)
            elements.append(i..<end)
            i = skipWhitespace(bytes, end)
            guard i < bytes.count else { throw Malformed(position: i) }
            if bytes[i] == UInt8(ascii: "]") { return (elements, i + 1) }
            guard bytes[i] == UInt8(ascii: ",") else { throw Malformed(position: i) }
            i = skipWhitespace(bytes, i + 1)
        }
    }

    /// The index just past the value starting at `i`.
    public static func skipValue(_ bytes: [UInt8], _ i: Int) throws -> Int {
        guard i < bytes.count else { throw Malformed(position: i) }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            return try skipString(bytes, i)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var j = i
            while j < bytes.count {
                switch bytes[j] {
                case UInt8(ascii: "\""): j = try skipString(bytes, j); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return j + 1 }
                default: break
                }
                j += 1
            }
            throw Malformed(position: j)
        default:
            var j = i
            while j < bytes.count {
                switch bytes[j] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
                    guard j > i else { throw Malformed(position: i) }
                    return j
                default: j += 1
                }
            }
            guard j > i else { throw Malformed(position: i) }
            return j
        }
    }

    public static func skipString(_ bytes: [UInt8], _ i: Int) throws -> Int {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Malformed(position: i) }
        var j = i + 1
        while j < bytes.count {
            switch bytes[j] {
            case UInt8(ascii: "\\"): j += 2
            case UInt8(ascii: "\""): return j + 1
            default: j += 1
            }
        }
        throw Malformed(position: i)
    }

    public static func skipWhitespace(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        return i
    }
}
