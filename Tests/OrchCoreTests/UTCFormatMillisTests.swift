import Foundation
import OrchCore
import Testing

struct UTCFormatMillisTests {
    /// The same text as Foundation's ISO 8601 formatter with fractional seconds, which log lines used before.
    @Test func isoMillisWritesWhatISO8601DateFormatterWrites() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        var dates = [0, 1_764_590_400.5, 1_764_590_400.999, 1_764_590_400.0004, 951_782_400.123, 4_102_444_799.9]
            .map { Date(timeIntervalSince1970: $0) }
        dates += (0..<2_000).map { _ in Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_799_999, using: &generator)) / 1000) }
        for date in dates {
            #expect(UTCFormat.isoMillis(date) == formatter.string(from: date), "\(date.timeIntervalSince1970)")
        }
    }
}
