/// Builds the data of a `COPY … FROM STDIN` in PostgreSQL's text format, with correct escaping.
///
/// Text format: columns separated by a tab, rows ended by a newline, NULL written as `\N`; inside a value a
/// backslash, tab, newline and carriage return are written as `\\`, `\t`, `\n`, `\r`. Everything else (UTF-8,
/// quotes, JSON) passes through unchanged. The writer fills a large buffer and hands it to libpq whenever it
/// passes `flushThreshold` bytes, so a COPY of millions of rows never holds more than about one buffer.
public struct PGCopyWriter {
    var buffer: [UInt8] = []
    var atRowStart = true
    let flushThreshold: Int
    let flush: ([UInt8]) throws -> Void
    /// Rows ended so far.
    public private(set) var rowCount = 0

    init(flushThreshold: Int, flush: @escaping ([UInt8]) throws -> Void) {
        self.flushThreshold = flushThreshold
        self.flush = flush
        buffer.reserveCapacity(flushThreshold + 64 * 1024)
    }

    private mutating func separate() {
        if atRowStart { atRowStart = false } else { buffer.append(0x09) }
    }

    /// Appends a text value (or NULL) as the next column.
    public mutating func field(_ value: String?) {
        separate()
        guard var value else { buffer.append(contentsOf: [0x5C, 0x4E]); return }
        value.withUTF8 { appendEscaped($0) }
    }

    /// Appends an integer column.
    public mutating func field(_ value: Int64) {
        separate()
        buffer.append(contentsOf: String(value).utf8)
    }

    /// Appends an integer column.
    public mutating func field(_ value: Int) { field(Int64(value)) }

    /// Appends UTF-8 bytes as a text value, escaped. The bytes must be valid UTF-8 for a text/json column.
    public mutating func field(utf8 bytes: some Collection<UInt8>) {
        separate()
        if let done: Void = bytes.withContiguousStorageIfAvailable({ appendEscaped($0) }) {
            return done
        }
        Array(bytes).withUnsafeBufferPointer { appendEscaped($0) }
    }

    /// Appends bytes as a `bytea` value (hex format `\x…`, whose backslash is itself escaped for COPY).
    public mutating func field(bytea bytes: some Collection<UInt8>) {
        separate()
        buffer.append(contentsOf: [0x5C, 0x5C, 0x78])
        for b in bytes {
            buffer.append(PGHex.digits[Int(b >> 4)])
            buffer.append(PGHex.digits[Int(b & 0x0f)])
        }
    }

    /// Appends a `timestamptz` column, `YYYY-MM-DD HH:MM:SS.fff+00` (UTC), for milliseconds since 1970,
    /// without building intermediate strings (bulk loads write one per row).
    public mutating func field(timestampMillis millis: Int64) {
        separate()
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = millis - seconds * 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secOfDay = seconds - days * 86_400
        let (year, month, day) = PGTimestamp.civil(days: days)
        guard (0...9999).contains(year) else {
            buffer.append(contentsOf: PGTimestamp.format(microsSince1970: millis &* 1000).utf8)
            return
        }
        digits(year, 4); buffer.append(UInt8(ascii: "-"))
        digits(month, 2); buffer.append(UInt8(ascii: "-"))
        digits(day, 2); buffer.append(0x20)
        digits(secOfDay / 3600, 2); buffer.append(UInt8(ascii: ":"))
        digits(secOfDay % 3600 / 60, 2); buffer.append(UInt8(ascii: ":"))
        digits(secOfDay % 60, 2); buffer.append(UInt8(ascii: "."))
        digits(fraction, 3)
        buffer.append(UInt8(ascii: "+")); buffer.append(UInt8(ascii: "0")); buffer.append(UInt8(ascii: "0"))
    }

    /// Appends a non-negative number zero-padded to `width` digits.
    private mutating func digits(_ value: Int64, _ width: Int) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: (v / divisor) % 10))
            v %= divisor
            divisor /= 10
        }
    }

    /// Ends the current row; flushes to the server when the buffer is large.
    public mutating func endRow() throws {
        buffer.append(0x0A)
        atRowStart = true
        rowCount += 1
        if buffer.count >= flushThreshold { try flushNow() }
    }

    /// Appends a whole row of text values (nil = NULL) and ends it.
    public mutating func row(_ values: [String?]) throws {
        for value in values { field(value) }
        try endRow()
    }

    mutating func flushNow() throws {
        guard !buffer.isEmpty else { return }
        try flush(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        // Fast path: copy runs of bytes that need no escaping in one go.
        var runStart = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x5C || b == 0x09 || b == 0x0A || b == 0x0D {
                if runStart < i { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                buffer.append(0x5C)
                switch b {
                case 0x09: buffer.append(UInt8(ascii: "t"))
                case 0x0A: buffer.append(UInt8(ascii: "n"))
                case 0x0D: buffer.append(UInt8(ascii: "r"))
                default: buffer.append(0x5C)
                }
                runStart = i + 1
            }
            i += 1
        }
        if runStart < n { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n])) }
    }
}
