/// The request target (`/path?query`) split and strictly decoded: a bad `%` escape, a NUL byte or bytes that are
/// not UTF-8 make the whole target invalid, which the server answers with 400.
struct RequestTarget: Equatable {
    var path: String
    var query: [String: String]

    /// Parses an origin-form target such as `/a%20b?x=1&y`. Returns nil when it is not valid.
    init?(raw: String) {
        let parts = raw.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let rawPath = parts.first, rawPath.hasPrefix("/") else { return nil }
        guard let path = PercentDecoding.decode(rawPath, plusIsSpace: false) else { return nil }
        self.path = path
        self.query = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&", omittingEmptySubsequences: true) {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = PercentDecoding.decode(kv[0], plusIsSpace: true) else { return nil }
                let value = kv.count == 2 ? PercentDecoding.decode(kv[1], plusIsSpace: true) : ""
                guard let value else { return nil }
                // A repeated name (`state=a&state=b`, as OpenAPI's exploded arrays are sent) joins its values
                // with commas, the list form the API reads.
                query[name] = query[name].map { $0 + "," + value } ?? value
            }
        }
    }
}

/// Strict percent-decoding (RFC 3986): `%` must be followed by two hex digits; the result must be UTF-8 without NUL.
enum PercentDecoding {
    static func decode<S: StringProtocol>(_ s: S, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let b = it.next() {
            switch b {
            case UInt8(ascii: "%"):
                guard let h = it.next().flatMap(hexValue), let l = it.next().flatMap(hexValue) else { return nil }
                bytes.append(h << 4 | l)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(b)
            }
        }
        if bytes.contains(0) { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
