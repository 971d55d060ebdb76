/// The name of a data asset: a URI such as `postgres://warehouse/gold.fct_orders` or `eventlog://shopstream/orders`.
///
/// A scheme (a lowercase letter, then lowercase letters, digits, `+`, `-` or `.`), `://`, and a non-empty rest
/// without spaces or control characters; at most 500 characters. Two assets are the same when their URIs are
/// equal as strings (no normalisation: what a DAG writes is what the dashboard shows).
public enum AssetURI {
    public static let maxLength = 500

    /// Why `uri` is not an asset name, or nil when it is one.
    public static func problem(_ uri: String) -> String? {
        guard !uri.isEmpty else { return "an asset URI may not be empty" }
        guard uri.count <= maxLength else { return "asset URI '\(uri.prefix(60))…' is longer than \(maxLength) characters" }
        guard let sep = uri.range(of: "://") else {
            return "asset URI '\(uri)' needs a scheme, like postgres://warehouse/gold.fct_orders"
        }
        let scheme = uri[..<sep.lowerBound]
        let rest = uri[sep.upperBound...]
        guard let first = scheme.unicodeScalars.first, ("a"..."z").contains(first),
              scheme.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) })
        else { return "asset URI '\(uri)' has scheme '\(scheme)'; use lowercase letters, digits, '+', '-', '.'" }
        guard !rest.isEmpty else { return "asset URI '\(uri)' names nothing after '://'" }
        guard !uri.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) else {
            return "asset URI '\(uri)' contains a space or control character"
        }
        return nil
    }

    public static func isValid(_ uri: String) -> Bool { problem(uri) == nil }
}

/// A bad asset URI handed to the task context.
public struct AssetURIError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
