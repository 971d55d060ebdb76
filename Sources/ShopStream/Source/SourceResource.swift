/// The four DummyJSON collections the pipeline fetches.
public enum SourceResource: String, Sendable, CaseIterable, Codable, Hashable {
    case users, products, carts, posts

    /// The record noun used in the API's error messages ("User with id '9' not found").
    public var singular: String {
        switch self {
        case .users: "User"
        case .products: "Product"
        case .carts: "Cart"
        case .posts: "Post"
        }
    }
}
