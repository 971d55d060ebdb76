/// Builds a flat JSON object into bytes quickly (the clickstream writes a million of these).
/// Doubles are written in Swift's shortest round-trip form (`9.99`, not `9.9900000000000002`).
struct JSONWriter {
    private(set) var bytes: [UInt8]
    private var first = true

    init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    private mutating func name(_ n: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        n.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func field(_ n: StaticString, _ value: Int) {
        name(n)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func field(_ n: StaticString, _ value: Int64) {
        name(n)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func field(_ n: StaticString, _ value: Double) {
        name(n)
        bytes.append(contentsOf: (value.isFinite ? value.description : "null").utf8)
    }

    mutating func field(_ n: StaticString, _ value: String) {
        name(n)
        JSONWriter.appendString(value, to: &bytes)
    }

    /// A value that is already JSON (an array or object built elsewhere).
    mutating func field(_ n: StaticString, json: [UInt8]) {
        name(n)
        bytes.append(contentsOf: json)
    }

    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Rounds money to cents.
    static func cents(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}
