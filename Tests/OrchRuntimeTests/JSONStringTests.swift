import Foundation
import OrchObservability
import Testing

/// A string written as a JSON string literal (log lines, task host requests) reads back as itself, with and
/// without characters to escape (ids and paths take a fast path that copies them as they are).
@Suite struct JSONStringTests {
    @Test func randomStringsReadBackAsThemselves() throws {
        let alphabet = Array("ab/._-\"\\\n\r\t\u{0}\u{1F}é☃ ")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let s = String((0..<Int.random(in: 0...10, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let literal = LogLine.jsonString(s)
            let back = try JSONDecoder().decode([String].self, from: Data("[\(literal)]".utf8))
            #expect(back == [s], "\(s.debugDescription) written \(literal)")
        }
        #expect(LogLine.jsonString("/h/logs/d/r/t/1.log") == #""/h/logs/d/r/t/1.log""#)
    }
}
