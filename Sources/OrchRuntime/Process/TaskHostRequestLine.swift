import Foundation

extension TaskHostProtocol.Request {
    /// Decodes one request line: the attempt line ``attemptLine(id:context:taskId:tryNumber:logPath:xcomMac:)`` writes (one
    /// per task, the hot path) is read by hand; anything else, or an attempt line whose strings hold escapes, goes
    /// through `JSONDecoder`. Nil for a line that is not a request.
    public static func decode<Line: Collection<UInt8>>(line: Line) -> Self? {
        var scanner = AttemptLineScanner(Array(line))
        if let request = scanner.request() { return request }
        return try? JSONDecoder().decode(Self.self, from: Data(line))
    }
}

/// Reads exactly `{"id":N,"context":N,"taskId":"…","tryNumber":N,"logPath":"…"}`, with `,"xcomMac":"…"` before the
/// brace or not; nil on any other shape.
private struct AttemptLineScanner {
    let bytes: [UInt8]
    var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func request() -> TaskHostProtocol.Request? {
        guard literal(#"{"id":"#), let id = integer(), literal(#","context":"#), let context = integer(),
              literal(#","taskId":"#), let taskId = string(), literal(#","tryNumber":"#), let tryNumber = integer(),
              literal(#","logPath":"#), let logPath = string() else { return nil }
        var xcomMac: String?
        if literal(#","xcomMac":"#) {
            guard let mac = string() else { return nil }
            xcomMac = mac
        }
        guard literal("}"), at == bytes.count else { return nil }
        return TaskHostProtocol.Request(id: id, context: context, taskId: taskId, tryNumber: tryNumber, logPath: logPath,
                                        xcomMac: xcomMac)
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard bytes.count - at >= count else { return false }
        for i in 0..<count where bytes[at + i] != text.utf8Start[i] { return false }
        at += count
        return true
    }

    private mutating func integer() -> Int? {
        let start = at
        while at < bytes.count, at - start < 18, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) { at += 1 }
        guard at > start else { return nil }
        return bytes[start..<at].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// A JSON string without escapes (a backslash sends the line to `JSONDecoder`); valid UTF-8 only.
    private mutating func string() -> String? {
        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
        let start = at + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            if bytes[end] == UInt8(ascii: "\\") || bytes[end] < 0x20 { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        at = end + 1
        return String(validating: bytes[start..<end], as: UTF8.self)
    }
}
