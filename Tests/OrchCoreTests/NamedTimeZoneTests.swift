import Foundation
import OrchCore
import Testing

/// UTC's names are answered without ICU, as the same zone ICU gives; every other name still goes to ICU.
@Suite struct NamedTimeZoneTests {
    static let instants = [0, 1_700_000_000, 1_711_846_800, 1_730_000_000, 4_102_444_800].map { Date(timeIntervalSince1970: $0) }

    @Test(arguments: NamedTimeZone.utcNames.sorted())
    func aNameOfUTCIsTheZoneICUGives(_ name: String) throws {
        let ours = try #require(NamedTimeZone.named(name))
        let icu = try #require(TimeZone(identifier: name))
        for t in Self.instants {
            #expect(ours.secondsFromGMT(for: t) == icu.secondsFromGMT(for: t))
            #expect(ours.isDaylightSavingTime(for: t) == icu.isDaylightSavingTime(for: t))
        }
    }

    @Test func otherNamesAreICUsAndUnknownOnesAreNil() throws {
        let paris = try #require(NamedTimeZone.named("Europe/Paris"))
        #expect(paris.identifier == "Europe/Paris")
        #expect(paris.secondsFromGMT(for: Date(timeIntervalSince1970: 1_720_000_000)) == 7_200)
        #expect(NamedTimeZone.named("Mars/Olympus_Mons") == nil)
        #expect(NamedTimeZone.named("utc ") == nil)
    }

    @Test func aDailyScheduleInUTCRunsFromMidnightToMidnightUTC() throws {
        var dag = DAG("d", tasks: [TaskSpec(id: "t", action: .shell("true"))])
        dag.schedule = "@daily"
        for name in ["UTC", "Etc/UTC", "GMT"] {
            dag.timeZone = name
            let timetable = try #require(try Timetable.of(dag))
            let interval = timetable.dataInterval(startingAt: Date(timeIntervalSince1970: 1_764_547_200))  // 2025-12-01T00:00Z
            #expect(interval.end == Date(timeIntervalSince1970: 1_764_633_600))
        }
    }
}
