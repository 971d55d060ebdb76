import Foundation

/// A Swift value that can be sent as a statement parameter, in PostgreSQL's text format.
///
/// Parameters travel separately from the SQL text (PQexecParams), so no quoting or escaping is ever needed;
/// the server infers each parameter's type from the statement (add a cast such as `$1::jsonb` when ambiguous).
public protocol PGValue: Sendable {
    /// The value in PostgreSQL text input format.
    var pgText: String { get }
}

extension String: PGValue { public var pgText: String { self } }
extension Substring: PGValue { public var pgText: String { String(self) } }
extension Int: PGValue { public var pgText: String { String(self) } }
extension Int32: PGValue { public var pgText: String { String(self) } }
extension Int64: PGValue { public var pgText: String { String(self) } }
extension Bool: PGValue { public var pgText: String { self ? "t" : "f" } }

extension Double: PGValue {
    /// Shortest text that reads back as the same Double; `Infinity`, `-Infinity`, `NaN` as PostgreSQL spells them.
    public var pgText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return "\(self)"
    }
}

extension Decimal: PGValue { public var pgText: String { "\(self)" } }

extension Date: PGValue {
    /// A timestamptz literal in UTC with microseconds.
    public var pgText: String {
        let micros = (timeIntervalSince1970 * 1_000_000).rounded()
        return PGTimestamp.format(microsSince1970: Int64(micros))
    }
}

/// Raw bytes for a `bytea` parameter (sent in hex form).
public struct PGBytes: PGValue, Hashable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var pgText: String { "\\x" + PGHex.encode(bytes) }
}

enum PGHex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)
    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
    static func decode(_ text: Substring) -> [UInt8]? {
        var out = [UInt8]()
        var high: UInt8?
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return high == nil ? out : nil
    }
}

/// Formatting of timestamps as PostgreSQL text, UTC.
public enum PGTimestamp {
    /// Year, month, day of a count of days since 1970-01-01 (Howard Hinnant's civil-from-days).
    static func civil(days daysSince1970: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let days = daysSince1970 + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff+00` for microseconds since 1970.
    public static func format(microsSince1970 micros: Int64) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secOfDay = seconds - days * 86_400
        let (year, month, day) = civil(days: days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(secOfDay / 3600, 2)):\(pad(secOfDay % 3600 / 60, 2)):\(pad(secOfDay % 60, 2)).\(pad(fraction, 6))+00"
    }
}
