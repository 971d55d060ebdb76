import Foundation
import OrchCore
import ShopStream

/// The four DummyJSON data files loaded into memory as raw record bytes (served exactly as stored) plus their ids.
struct FixtureStore: Sendable {
    struct Collection: Sendable {
        /// Each record's JSON object, byte for byte from the file.
        let records: [[UInt8]]
        let ids: [Int]
    }

    let collections: [SourceResource: Collection]

    /// Loads `<directory>/<resource>.json` for every resource; throws naming the file that is missing or malformed.
    init(directory: String) throws {
        var loaded: [SourceResource: Collection] = [:]
        for resource in SourceResource.allCases {
            let path = directory + "/\(resource.rawValue).json"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SourceError(.invalidArgument, "fixture \(path) is missing; point the server at a directory "
                    + "holding users.json, products.json, carts.json and posts.json (fixtures/dummyjson)")
            }
            guard let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
                throw SourceError(.invalidArgument, "fixture \(path) must be a JSON array of records")
            }
            var ids: [Int] = []
            for (i, item) in array.enumerated() {
                guard let object = item as? [String: Any], let n = object["id"] as? NSNumber,
                      let id = Int(exactly: n.doubleValue) else {
                    throw SourceError(.invalidArgument, "fixture \(path): record \(i) has no numeric 'id'")
                }
                ids.append(id)
            }
            let bytes = [UInt8](data)
            let spans = try JSONSpans.topLevelArrayElements(bytes)
            loaded[resource] = Collection(records: spans.map { Array(bytes[$0]) }, ids: ids)
        }
        collections = loaded
    }

    subscript(_ resource: SourceResource) -> Collection { collections[resource]! }
}
