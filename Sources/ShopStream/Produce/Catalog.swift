import Foundation

/// The parts of the fetched records the producer needs: user ids, product prices, carts.
struct Catalog {
    struct Product { let id: Int; let title: String; let price: Double }
    struct CartLine: Decodable { let id: Int; let title: String?; let price: Double; let quantity: Int }
    struct Cart: Decodable { let id: Int; let userId: Int }
    struct Post: Decodable { let id: Int; let userId: Int }
    private struct ProductFields: Decodable { let id: Int; let title: String?; let price: Double }

    let userIds: [Int]
    let products: [Product]

    init(_ fetched: FetchResult) throws {
        userIds = fetched.records(.users).map(\.id)
        let decoder = JSONDecoder()
        products = try fetched.records(.products).map { record in
            do {
                let p = try decoder.decode(ProductFields.self, from: record.json)
                return Product(id: p.id, title: p.title ?? "", price: p.price)
            } catch {
                throw SourceError(.malformedPage, "product \(record.id) has no numeric 'price': \(error)")
            }
        }
    }
}
