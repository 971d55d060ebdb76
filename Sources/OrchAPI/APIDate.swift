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
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms)
    }

    static func format(_ date: Date?) -> String? { date.map { format($0) } }

    /// Parses `2026-11-20`, `2026-11-20T06:00:00Z`, with fractional seconds, or with an offset like `+01:00`.
    static func parse(_ text: String) -> Date? {
        let iso = ISO8601DateFormatter()
        if let d = iso.date(from: text) { return d }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = iso.date(from: text) { return d }
        iso.formatOptions = [.withFullDate]
        if text.count == 10, let d = iso.date(from: text) { return d }
        return nil
    }
}
