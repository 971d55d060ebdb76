import Foundation
@testable import OrchRuntime
import Testing

/// Log lines' times are written digit by digit (no `String(format:)` in a forked attempt): the same text as the
/// format `%04d-%02d-%02dT%02d:%02d:%02d.%03dZ` gives.
struct LogTimestampTests {
    @Test(arguments: [0, 1_796_100_506.441, 1_700_000_000.009, 951_782_400.5, 4_102_444_799.999])
    func digitsAreTheFormatsText(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        var t = time_t(seconds)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        let ms = Int(seconds * 1000) % 1000
        let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tmv.tm_year + 1900, tmv.tm_mon + 1,
                              tmv.tm_mday, tmv.tm_hour, tmv.tm_min, tmv.tm_sec, ms)
        #expect(logTimestamp(date) == expected)
    }
}
