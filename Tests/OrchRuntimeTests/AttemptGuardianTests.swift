#if canImport(Glibc)
import Glibc
#endif
import CAttemptGuardian
import Foundation
import Testing

/// The pure parts of the attempt process's signal-handler stop (CAttemptGuardian): which processes it ends, and the
/// timestamp of the lines it logs. Its behaviour with real processes: CLIRuntimeHardeningTests
/// (`reliability_guardian`, `reliability_timeout_escape`).
@Suite struct AttemptGuardianTests {
    /// The table of ProcessTableTests: 10 is the leader; 11 its shell; 12 a child that called setsid; 13 a zombie;
    /// 14 re-parented to the leader; 15 a child of the zombie's (still below the leader); 20 and 21 someone else's.
    let pids: [pid_t] = [1, 10, 11, 12, 13, 14, 15, 20, 21]
    let parents: [pid_t] = [0, 1, 10, 11, 11, 10, 13, 1, 20]
    let states: [CChar] = ["S", "S", "S", "S", "Z", "R", "S", "S", "S"].map { CChar(UInt8(ascii: $0)) }

    func descendants(of root: pid_t, max: Int = 16) -> [pid_t] {
        var out = [pid_t](repeating: 0, count: max)
        let n = orch_guardian_descendants(pids, parents, states, Int32(pids.count), root, &out, Int32(max))
        return Array(out.prefix(Int(n)))
    }

    @Test func descendantsFollowParentLinksWhateverTheirSessionAndSkipTheDead() {
        #expect(Set(descendants(of: 10)) == [11, 12, 14, 15])
        #expect(descendants(of: 12).isEmpty)
        #expect(Set(descendants(of: 1)) == [10, 11, 12, 14, 15, 20, 21])
    }

    @Test func descendantsStopAtTheBufferSize() {
        #expect(descendants(of: 10, max: 2).count <= 2)
        #expect(descendants(of: 10, max: 0).isEmpty)
    }

    @Test func aProcessThatIsItsOwnParentIsNotFollowedForever() {
        var out = [pid_t](repeating: 0, count: 8)
        let n = orch_guardian_descendants([5, 6], [5, 5], [CChar(UInt8(ascii: "S")), CChar(UInt8(ascii: "S"))], 2, 5, &out, 8)
        #expect(Array(out.prefix(Int(n))) == [6])
    }

    func timestamp(_ seconds: Int64, _ millis: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let n = orch_guardian_timestamp(seconds, millis, &buffer)
        return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func theTimestampIsTheLoggersOnKnownDates() {
        #expect(timestamp(0, 0) == "[1970-01-01T00:00:00.000Z] ")
        #expect(timestamp(951_782_400, 7) == "[2000-02-29T00:00:00.007Z] ")       // a leap day of a century year
        #expect(timestamp(1_709_251_199, 999) == "[2024-02-29T23:59:59.999Z] ")
        #expect(timestamp(4_102_444_800, 120) == "[2100-01-01T00:00:00.120Z] ")
    }

    @Test func theTimestampAgreesWithTheCalendarEveryFewDaysOverACentury() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        for seconds in stride(from: Int64(0), to: 4_102_444_800, by: 3 * 86_400 + 3_723) {
            let expected = "[" + formatter.string(from: Date(timeIntervalSince1970: Double(seconds) + 0.25)) + "] "
            #expect(timestamp(seconds, 250) == expected)
        }
    }
}
