import Foundation
import OrchCore
@testable import OrchRuntime
import Testing

/// A manifest is decoded one DAG entry at a time: the same DAGs as one decode of the whole document, whatever its
/// strings hold; an error in an entry names the entry; the format is still checked first; a document the scan
/// cannot follow is decoded whole, and its error reported.
struct ManifestDAGSlicesTests {
    private static let tricky = #"echo "] } [ { \" \\" 'dags' "dags": [1, 2]"#

    private var manifest: BundleManifest {
        BundleManifest(dags: [
            DAG("first", description: "quotes \" and brackets ]}",
                params: ["list": [1, [2, 3]], "map": ["k": "]"]]) { d in
                let a = d.shell("a", Self.tricky)
                let b = d.task("b", doc: "dags: [\"x\"]", inlets: ["pg://x/y"])
                a >> b
            },
            DAG("second", tags: ["[", "{"]) { d in d.task("only") },
            DAG("empty"),
        ])
    }

    private func entries(_ m: BundleManifest) throws -> [String] { try m.dags.map { try BundleManifest.entry($0) } }

    @Test func theEntriesDecodeToTheDAGsTheWholeDocumentHolds() throws {
        let data = try manifest.encoded()
        let slices = try #require(ManifestDAGSlices(data))
        #expect(slices.dags.count == 3)
        let back = try BundleManifest.decode(data)
        #expect(try entries(back) == entries(manifest))
        #expect(back.dags.map(\.id) == ["first", "second", "empty"])
        if case .shell(let command)? = back.dags[0].task("a")?.action { #expect(command == Self.tricky) } else {
            Issue.record("task a lost its command")
        }
        #expect(back.dags[0].task("b")?.upstream == ["a"])
    }

    @Test func aManifestInsideALargerBufferDecodesToo() throws {
        let data = try manifest.encoded()
        let framed = Data("xxxx".utf8) + data + Data("yyyy".utf8)
        let slice = framed[4..<(4 + data.count)]
        #expect(try entries(BundleManifest.decode(slice)) == entries(manifest))
    }

    @Test func anErrorInAnEntryNamesTheEntry() throws {
        var text = String(decoding: try manifest.encoded(), as: UTF8.self)
        text = text.replacingOccurrences(of: #""maxActiveRuns":16"#, with: #""maxActiveRuns":"many""#)
        #expect(ManifestDAGSlices(Data(text.utf8)) != nil)
        do {
            _ = try BundleManifest.decode(Data(text.utf8))
            Issue.record("a string where a number belongs decoded")
        } catch let error as DecodingError {
            guard case .typeMismatch(_, let context) = error else { Issue.record("\(error)"); return }
            #expect(context.codingPath.map(\.stringValue) == ["dags", "Index 0", "maxActiveRuns"])
        }
    }

    @Test func aNewerFormatIsReportedBeforeABrokenEntry() throws {
        var text = String(decoding: try manifest.encoded(), as: UTF8.self)
        text = text.replacingOccurrences(of: #""format":1"#, with: #""format":99"#)
        text = text.replacingOccurrences(of: #""id":"second""#, with: #""id":2"#)
        #expect(text.contains(#""format":99"#) && text.contains(#""id":2"#), "the edits found nothing to change")
        let error = #expect(throws: BundleManifestError.self) { try BundleManifest.decode(Data(text.utf8)) }
        #expect(error?.message.contains("manifest format 99 is newer") == true, "\(error.map(String.init(describing:)) ?? "")")
    }

    @Test(arguments: ["", "[]", "{}", #"{"dags": [1, 2"#, #"{"dags": [{"id": "a"}] "#,
                      #"{"format": 1, "dags": ["unterminated]}"#, #"{"dags": [], "dags": []}"#, "{\"dags\" [] }"])
    func aDocumentTheScanCannotFollowIsDecodedWholeAndFails(_ text: String) {
        #expect(ManifestDAGSlices(Data(text.utf8)) == nil)
        #expect(throws: (any Error).self) { try BundleManifest.decode(Data(text.utf8)) }
    }
}
