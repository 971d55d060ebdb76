import Foundation
import OrchCore
import OrchHTTPServer
import Testing
@testable import OrchAPI

/// The same value always makes the same API answer, byte for byte: the dashboard redraws a page only when a
/// poll's answer changed, and a redraw throws away the reader's selection (Foundation's encoder on Linux writes
/// keys in hash order, which differs between two dictionaries with the same contents).
@Suite struct APIAnswerStabilityTests {
    private struct Answer: Encodable {
        let zeta: Int
        let alpha: String
        let metadata: JSONValue
    }

    @Test func anAnswerEncodesTheSameEveryTimeWithSortedKeys() {
        func answer() -> [UInt8] {
            var nested: [String: JSONValue] = [:]
            for k in ["row_count", "extra", "net_revenue", "gross_revenue", "z", "a", "m"] { nested[k] = .string(k) }
            return HTTPResponse.api(Answer(zeta: 1, alpha: "x", metadata: .object(["outer": .object(nested), "b": .null]))).body
        }
        let first = answer()
        for _ in 0..<20 { #expect(answer() == first) }
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.hasPrefix(##"{"alpha":"x","metadata":{"b":null,"outer":{"a":"a","extra":"extra","##), "\(text)")
    }
}
