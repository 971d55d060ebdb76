import Foundation
import OrchCore
import Testing
@testable import OrchAPI

/// The hand-written JSON of the hot answers must parse back to the same values.
@Suite struct JSONWriterTests {
    @Test func escapesAndNestsLikeJSON() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{07} emoji 🚀 é / slash"
        var w = JSONWriter()
        w.object { w in
            w.field("s", tricky)
            w.field("missing", nil as String?)
            w.field("n", 42)
            w.field("d", 1.5)
            w.field("whole", 3.0)
            w.key("conf")
            w.json(.object(["a": .array([.null, .bool(true), .number(-2.25)]), "b": .object(["c": .string(tricky)])]))
            w.key("empty"); w.array([Int]()) { w, n in w.int(n) }
        }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String: Any])
        #expect(parsed["s"] as? String == tricky)
        #expect(parsed["missing"] == nil)
        #expect(parsed["n"] as? Int == 42)
        #expect(parsed["d"] as? Double == 1.5)
        #expect(parsed["whole"] as? Int == 3)
        let conf = try #require(parsed["conf"] as? [String: Any])
        #expect((conf["a"] as? [Any])?.count == 3)
        #expect((conf["b"] as? [String: String])?["c"] == tricky)
        #expect((parsed["empty"] as? [Any])?.isEmpty == true)
    }
}
