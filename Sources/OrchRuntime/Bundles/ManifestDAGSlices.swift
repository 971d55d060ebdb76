import Foundation

/// A manifest cut into its DAG entries and the rest, without parsing it: where each element of the top-level
/// `"dags"` array starts and ends, found by skipping strings and counting brackets.
///
/// Decoding a 3.8 MB manifest in one `JSONDecoder` call held ~13 MB of the decoder's temporaries at once with the
/// decoded DAGs allocated in between, so the serve process kept pages of them after the temporaries were freed.
/// Decoded one entry at a time, each DAG's temporaries are small and freed before the next. The scan checks only
/// what it needs to find the entries: the decoder reads each entry and the rest, and reports what is malformed.
struct ManifestDAGSlices {
    /// The byte ranges of the DAG entries, in order (indices of the manifest's `Data`).
    let dags: [Range<Data.Index>]
    /// The manifest with an empty `"dags"` array.
    let rest: Data

    /// nil when `data` is not an object with a `"dags"` array the scan can follow (the caller then decodes it
    /// whole, which reports what is wrong).
    init?(_ data: Data) {
        guard let (open, close, entries) = data.withUnsafeBytes({ Self.scan($0) }) else { return nil }
        let base = data.startIndex
        dags = entries.map { (base + $0.lowerBound)..<(base + $0.upperBound) }
        var rest = Data(data[base..<(base + open + 1)])
        rest.append(data[(base + close - 1)...])
        self.rest = rest
    }

    /// Offsets of the `[` and one past the `]` of `"dags"`, and the entries' ranges.
    private static func scan(_ bytes: UnsafeRawBufferPointer) -> (Int, Int, [Range<Int>])? {
        var s = JSONSkipper(bytes: bytes)
        guard s.eat(UInt8(ascii: "{")) else { return nil }
        var found: (Int, Int, [Range<Int>])?
        if s.eat(UInt8(ascii: "}")) { return nil }
        repeat {
            guard s.peek(UInt8(ascii: "\"")) else { return nil }
            let keyStart = s.i + 1
            guard s.skipString() else { return nil }
            let key = bytes[keyStart..<(s.i - 1)]
            guard s.eat(UInt8(ascii: ":")) else { return nil }
            if key.elementsEqual("dags".utf8) {
                guard found == nil, let array = s.arrayElements() else { return nil }
                found = array
            } else {
                guard s.skipValue() else { return nil }
            }
        } while s.eat(UInt8(ascii: ","))
        guard s.eat(UInt8(ascii: "}")) else { return nil }
        return found
    }
}

/// Moves through JSON text without building anything (``ManifestDAGSlices``).
private struct JSONSkipper {
    let bytes: UnsafeRawBufferPointer
    var i = 0

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    mutating func skipSpace() {
        while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
    }

    /// Whether the next byte after white space is `byte` (not consumed).
    mutating func peek(_ byte: UInt8) -> Bool {
        skipSpace()
        return i < bytes.count && bytes[i] == byte
    }

    /// Consumes `byte` after white space when it is next.
    mutating func eat(_ byte: UInt8) -> Bool {
        guard peek(byte) else { return false }
        i += 1
        return true
    }

    /// Past a string whose opening quote is at `i`.
    mutating func skipString() -> Bool {
        i += 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): i += 1; return true
            default: i += 1
            }
        }
        return false
    }

    /// Past one value: a string, an object or array (brackets counted, strings skipped), or a scalar.
    mutating func skipValue() -> Bool {
        skipSpace()
        guard i < bytes.count else { return false }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    guard skipString() else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { i += 1; return true }
                default: break
                }
                i += 1
            }
            return false
        default:
            let start = i
            while i < bytes.count, !Self.isSpace(bytes[i]),
                  bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "}"), bytes[i] != UInt8(ascii: "]") { i += 1 }
            return i > start
        }
    }

    /// The `[` offset, one past the `]`, and each element's range, for an array starting at the next byte.
    mutating func arrayElements() -> (Int, Int, [Range<Int>])? {
        guard peek(UInt8(ascii: "[")) else { return nil }
        let open = i
        i += 1
        var elements: [Range<Int>] = []
        if eat(UInt8(ascii: "]")) { return (open, i, elements) }
        repeat {
            skipSpace()
            let start = i
            guard skipValue() else { return nil }
            elements.append(start..<i)
        } while eat(UInt8(ascii: ","))
        guard eat(UInt8(ascii: "]")) else { return nil }
        return (open, i, elements)
    }
}
