import Foundation

/// One of the five fields of a cron expression, parsed into the set of values it allows.
///
/// Grammar of a field: `item(,item)*` where an item is `*`, `*/step`, `value`, `value-value`, `value-value/step` or
/// `value/step` (from `value` to the field's maximum). Values are numbers or, for month and day-of-week, three-letter
/// English names (case-insensitive).
struct CronField: Sendable, Hashable {
    /// Which field this is; decides the range, the names and the wording of errors.
    enum Kind: String, Sendable, Hashable, CaseIterable {
        case minute, hour
        case dayOfMonth = "day-of-month"
        case month
        case dayOfWeek = "day-of-week"

        var range: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7   // 7 is Sunday too
            }
        }

        var names: [String: Int] {
            switch self {
            case .month:
                ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
                 "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12]
            case .dayOfWeek:
                ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]
            default: [:]
            }
        }
    }

    let kind: Kind
    /// Bit `v` is set when value `v` is allowed (day-of-week: 0...6, Sunday = 0).
    let bits: UInt64
    /// The field's text starts with `*` (Vixie cron's DOM_STAR/DOW_STAR flags: decides the day-of-month/day-of-week
    /// OR rule).
    let isStar: Bool
    /// The text as written, names upper-cased.
    let text: String

    func contains(_ value: Int) -> Bool { bits & (1 << UInt64(value)) != 0 }

    /// The smallest allowed value >= `value`, or nil.
    func next(atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let masked = bits & (~UInt64(0) << UInt64(max(value, 0)))
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }

    /// The smallest allowed value.
    var first: Int { bits.trailingZeroBitCount }

    init(_ text: String, kind: Kind) throws(ScheduleError) {
        self.kind = kind
        self.text = text.uppercased()
        self.isStar = text.hasPrefix("*")
        func fail(_ why: String) -> ScheduleError {
            ScheduleError(field: kind.rawValue, message: "\(kind.rawValue) field '\(text)': \(why)")
        }
        guard !text.isEmpty else { throw fail("is empty") }
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw fail("empty list item; write values separated by single commas, e.g. '1,15,30'") }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw fail("more than one '/' in '\(item)'") }
            var step = 1
            if parts.count == 2 {
                let s = parts[1]
                guard !s.isEmpty, s.allSatisfy(\.isASCII), s.allSatisfy(\.isNumber), let n = Int(s) else {
                    throw fail("step '\(s)' is not a whole number")
                }
                guard n > 0 else { throw fail("step must be at least 1, got 0") }
                step = n
            }
            let base = parts[0]
            var low: Int
            var high: Int
            if base == "*" {
                low = kind.range.lowerBound
                high = kind == .dayOfWeek ? 6 : kind.range.upperBound
            } else {
                let ends = base.split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count <= 2 else { throw fail("more than one '-' in '\(item)'") }
                low = try Self.value(String(ends[0]), kind: kind, fail: fail)
                if ends.count == 2 {
                    high = try Self.value(String(ends[1]), kind: kind, fail: fail)
                    guard low <= high else {
                        throw fail("range \(base) is reversed; write the smaller value first, e.g. '\(ends[1])-\(ends[0])'")
                    }
                } else {
                    // `value/step` runs from value to the end of the field's range; a bare value is just itself.
                    high = parts.count == 2 ? (kind == .dayOfWeek ? 7 : kind.range.upperBound) : low
                }
            }
            var v = low
            while v <= high {
                bits |= 1 << UInt64(kind == .dayOfWeek && v == 7 ? 0 : v)
                v += step
            }
        }
        self.bits = bits
    }

    private static func value(_ token: String, kind: Kind, fail: (String) -> ScheduleError) throws(ScheduleError) -> Int {
        guard !token.isEmpty else { throw fail("missing value in a range") }
        if token.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let n = Int(token), kind.range.contains(n) else {
                throw fail("value \(token) out of range \(kind.range.lowerBound)-\(kind.range.upperBound)")
            }
            return n
        }
        if token.allSatisfy({ $0.isASCII && $0.isLetter }) {
            if let n = kind.names[token.uppercased()] { return n }
            if kind.names.isEmpty {
                throw fail("unknown name '\(token)'; names are allowed only in the month (JAN-DEC) and day-of-week (SUN-SAT) fields")
            }
            let valid = kind == .month ? "JAN-DEC" : "SUN-SAT"
            throw fail("unknown name '\(token)'; use \(valid) or numbers")
        }
        throw fail("unexpected characters in '\(token)'; use numbers, names, '*', ',', '-' and '/'")
    }
}
