import Testing
@testable import OrchCore

@Suite("Insights date ranges")
struct DateRangeTests {
    @Test("presets end with yesterday", arguments: [
        ("7d", "2026-11-30", "2026-11-23", "2026-11-30", "2026-11-29"),
        ("30d", "2026-03-01", "2026-01-30", "2026-03-01", "2026-02-28"),
        ("90d", "2025-01-01", "2024-10-03", "2025-01-01", "2024-12-31"),
    ])
    func presets(name: String, today: String, start: String, end: String, last: String) throws {
        let r = try DateRange.preset(name, today: today)
        #expect(r.start == start)
        #expect(r.end == end)
        #expect(r.last == last)
    }

    @Test("the previous period has the same length and ends where the range starts")
    func previous() throws {
        let r = try DateRange.custom(first: "2024-02-28", last: "2024-03-01")
        #expect(r.days == 3)
        #expect(r.end == "2024-03-02")
        #expect(r.previous.start == "2024-02-25")
        #expect(r.previous.end == "2024-02-28")
    }

    @Test("bad input is a clear error", arguments: [
        ("2026-02-30", "2026-03-01", "start '2026-02-30' is not a date; write YYYY-MM-DD"),
        ("2026-03-02", "2026-03-01", "start 2026-03-02 is after end 2026-03-01"),
        ("2026-3-01", "2026-03-01", "start '2026-3-01' is not a date; write YYYY-MM-DD"),
        ("2000-01-01", "2026-03-01", "the range 2000-01-01 to 2026-03-01 is longer than 3660 days"),
    ])
    func invalid(first: String, last: String, message: String) {
        #expect(throws: DateRangeError(message)) { try DateRange.custom(first: first, last: last) }
    }

    @Test("an unknown preset names the choices")
    func unknownPreset() {
        #expect(throws: DateRangeError("unknown range '14d'; use 7d, 30d, 90d or start and end (YYYY-MM-DD)")) {
            try DateRange.preset("14d", today: "2026-11-30")
        }
    }
}
