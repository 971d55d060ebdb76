import Foundation
@testable import OrchCore

/// Shared helpers for the schedule tests. Expected instants are written in UTC from known zone offsets, never
/// computed with the code under test.
enum Zones {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!
    static let london = TimeZone(identifier: "Europe/London")!
}

/// A UTC instant with seconds, for instants that are not on a minute.
func utcDate(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Date {
    Date.utc(y, mo, d, h, mi).addingTimeInterval(TimeInterval(s))
}

/// The next `count` fire times of `text` strictly after `date`.
func fires(_ text: String, after date: Date, in zone: TimeZone = Zones.utc, count: Int) throws -> [Date] {
    let schedule = try Schedule.parse(text)
    var result: [Date] = []
    var cursor = date
    while result.count < count, let next = schedule.nextFire(after: cursor, in: zone) {
        result.append(next)
        cursor = next
    }
    return result
}
