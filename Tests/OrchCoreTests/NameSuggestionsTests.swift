@testable import OrchCore
import Testing

struct NameSuggestionsTests {
    let known = ["bench_chain_20", "bench_chain_100_process", "bench_chain_100_inprocess", "shopstream_daily",
                 "shopstream_daily_report", "example_xcom", "example_fail"]

    @Test func aTypoFindsTheNameMeant() {
        #expect(NameSuggestions.closest(to: "shopstrem_daily", among: known).first == "shopstream_daily")
        #expect(NameSuggestions.closest(to: "example_xcon", among: known) == ["example_xcom"])
        #expect(NameSuggestions.closest(to: "EXAMPLE_FAIL", among: known).first == "example_fail")
    }

    @Test func aPrefixFindsTheLongerNames() {
        #expect(NameSuggestions.closest(to: "bench_chain", among: known).count == 3)
        #expect(NameSuggestions.closest(to: "shopstream_daily_", among: known).first == "shopstream_daily")
    }

    @Test func nothingCloseSuggestsNothingAndTheLimitHolds() {
        #expect(NameSuggestions.closest(to: "payments_hourly", among: known).isEmpty)
        #expect(NameSuggestions.closest(to: "bench", among: known, limit: 2).count == 2)
        #expect(NameSuggestions.closest(to: "", among: known).count == 3)   // every name starts with ""
    }

    @Test func editDistanceIsLevenshteinWithinTheBound() {
        func d(_ a: String, _ b: String, _ most: Int = 10) -> Int? {
            NameSuggestions.editDistance(Array(a.utf8), Array(b.utf8), atMost: most)
        }
        #expect(d("kitten", "sitting") == 3)
        #expect(d("", "abc") == 3 && d("abc", "") == 3 && d("", "") == 0)
        #expect(d("flaw", "lawn") == 2)
        #expect(d("kitten", "sitting", 2) == nil)
    }
}
