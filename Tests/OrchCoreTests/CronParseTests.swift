import Foundation
import Testing
@testable import OrchCore

@Suite("Cron parsing")
struct CronParseTests {
    @Test("normalises whitespace, upper-cases names, lower-cases presets")
    func normalisedText() throws {
        #expect(try Schedule.parse("  0   9 * *   mon-fri ").description == "0 9 * * MON-FRI")
        #expect(try Schedule.parse("0 6 * jan,Jul *").description == "0 6 * JAN,JUL *")
        #expect(try Schedule.parse("@DAILY").description == "@daily")
        #expect(try Schedule.parse("Every 120m").description == "every 2h")
        #expect(try Schedule.parse("every 90m").description == "every 90m")
        #expect(try Schedule.parse("every 1 d").description == "every 1d")
    }

    @Test("fields parse into the sets of values cron allows")
    func fieldSets() throws {
        func values(_ text: String, _ kind: CronField.Kind) throws -> [Int] {
            let f = try CronField(text, kind: kind)
            return (0...63).filter(f.contains)
        }
        #expect(try values("*/15", .minute) == [0, 15, 30, 45])
        #expect(try values("1-30/5", .minute) == [1, 6, 11, 16, 21, 26])
        #expect(try values("5/10", .minute) == [5, 15, 25, 35, 45, 55])
        #expect(try values("1,3,5-7", .hour) == [1, 3, 5, 6, 7])
        #expect(try values("*/2", .hour) == Array(stride(from: 0, through: 22, by: 2)))
        #expect(try values("JAN,mar,Dec", .month) == [1, 3, 12])
        #expect(try values("FEB-APR", .month) == [2, 3, 4])
        #expect(try values("7", .dayOfWeek) == [0])
        #expect(try values("0", .dayOfWeek) == [0])
        #expect(try values("5-7", .dayOfWeek) == [0, 5, 6])
        #expect(try values("sun-sat", .dayOfWeek) == Array(0...6))
        #expect(try values("*", .dayOfWeek) == Array(0...6))
        #expect(try values("*", .dayOfMonth) == Array(1...31))
    }

    @Test("a field starting with * counts as unrestricted for the day rule")
    func starFlag() throws {
        #expect(try CronField("*/2", kind: .dayOfMonth).isStar)
        #expect(try CronField("*", kind: .dayOfWeek).isStar)
        #expect(try !CronField("1-31", kind: .dayOfMonth).isStar)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let text: String
        let field: String?
        let message: String
        var testDescription: String { "'\(text)'" }
    }

    static let invalid: [Invalid] = [
        .init(text: "", field: nil, message: "schedule is empty"),
        .init(text: "   ", field: nil, message: "schedule is empty"),
        .init(text: "* * * *", field: nil, message: "cron expression '* * * *' has 4 fields; expected 5"),
        .init(text: "0 0 0 * * * *", field: nil, message: "has 7 fields; expected 5"),
        .init(text: "61 * * * *", field: "minute", message: "minute field '61': value 61 out of range 0-59"),
        .init(text: "* 24 * * *", field: "hour", message: "hour field '24': value 24 out of range 0-23"),
        .init(text: "* * 0 * *", field: "day-of-month", message: "day-of-month field '0': value 0 out of range 1-31"),
        .init(text: "* * 32 * *", field: "day-of-month", message: "value 32 out of range 1-31"),
        .init(text: "* * * 13 *", field: "month", message: "month field '13': value 13 out of range 1-12"),
        .init(text: "* * * * 8", field: "day-of-week", message: "day-of-week field '8': value 8 out of range 0-7"),
        .init(text: "*/0 * * * *", field: "minute", message: "minute field '*/0': step must be at least 1"),
        .init(text: "* 1-5/0 * * *", field: "hour", message: "hour field '1-5/0': step must be at least 1"),
        .init(text: "* * * * */x", field: "day-of-week", message: "step 'x' is not a whole number"),
        .init(text: "30-10 * * * *", field: "minute", message: "minute field '30-10': range 30-10 is reversed"),
        .init(text: "* * * DEC-JAN *", field: "month", message: "range DEC-JAN is reversed"),
        .init(text: "* * * FOO *", field: "month", message: "month field 'FOO': unknown name 'FOO'; use JAN-DEC"),
        .init(text: "* * * * FUNDAY", field: "day-of-week", message: "unknown name 'FUNDAY'; use SUN-SAT"),
        .init(text: "* MON * * *", field: "hour", message: "names are allowed only in the month"),
        .init(text: "* * ? * *", field: "day-of-month", message: "day-of-month field '?': unexpected characters"),
        .init(text: "* * * * 5#2", field: "day-of-week", message: "unexpected characters in '5#2'"),
        .init(text: "1.5 * * * *", field: "minute", message: "unexpected characters"),
        .init(text: "-5 * * * *", field: "minute", message: "missing value in a range"),
        .init(text: "1,,2 * * * *", field: "minute", message: "empty list item"),
        .init(text: "1-2-3 * * * *", field: "minute", message: "more than one '-'"),
        .init(text: "@fortnightly", field: "preset", message: "unknown preset '@fortnightly'; use one of @once, @annually"),
        .init(text: "every 15x", field: "interval", message: "interval 'every 15x': unknown unit 'x'; use s, m, h or d"),
        .init(text: "every 15", field: "interval", message: "missing unit after 15"),
        .init(text: "every 0m", field: "interval", message: "at least 1m, got 0"),
        .init(text: "every m", field: "interval", message: "does not start with a whole number"),
        .init(text: "every", field: "interval", message: "missing amount"),
        .init(text: "every 400d", field: "interval", message: "at most 366 days"),
        // Issue 11: below cron's resolution of one minute.
        .init(text: "every 1s", field: "interval", message: "at least 1 minute"),
        .init(text: "every 59s", field: "interval", message: "got 59s; write e.g. 'every 1m'"),
    ]

    @Test("every kind of invalid expression has a clear error naming the field", arguments: invalid)
    func rejects(_ c: Invalid) {
        do {
            let s = try Schedule.parse(c.text)
            Issue.record("'\(c.text)' parsed as '\(s)'")
        } catch {
            #expect(error.field == c.field)
            #expect(error.message.contains(c.message), "message was: \(error.message)")
            #expect(error.description == error.message)
        }
    }

    @Test("DAG validation reports a bad schedule through Schedule.parse")
    func dagValidation() {
        let dag = DAG("bad_schedule", schedule: "61 * * * *", startDate: .utc(2026, 1, 1))
        let errors = DAGValidator.validate(dag)
        #expect(errors.map(\.kind) == [.badSchedule])
        #expect(errors.first?.message.contains("minute field '61'") == true)
    }
}
