import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Dates on the wire: ISO 8601 in UTC with milliseconds (`2026-11-21T08:00:00.000Z`). Formatting uses
/// `gmtime_r` because it runs for every timestamp of every response.
enum APIDate {
    static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        let ms = Int(millis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Digits written by hand: String(format:) costs more than the rest of a small response.
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var v = value
            while divisor > 0 {
                bytes.append(UInt8(48 + (v / divisor) % 10))
                v %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4); bytes.append(45)
        digits(Int(parts.tm_mon) + 1, 2); bytes.append(45)
        digits(Int(parts.tm_mday), 2); bytes.append(84)
        digits(Int(parts.tm_hour), 2); bytes.append(58)
        digits(Int(parts.tm_min), 2); bytes.append(58)
        digits(Int(parts.tm_sec), 2); bytes.append(46)
        digits(ms, 3); bytes.append(90)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func format(_ date: Date?) -> String? { date.map { format($0) } }
}
