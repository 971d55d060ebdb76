/// A check travels in a bundle's manifest as its declaration (name, asset, severity, doc); its body stays in the
/// bundle executable, the only place that runs it (a decoded check's body throws ``TaskBodyInBundle``).
extension AssetCheck: Codable {
    public init(from decoder: Decoder) throws {
        let d = try AssetCheckDeclaration(from: decoder)
        self.init(name: d.name, asset: d.asset, severity: d.severity, doc: d.doc) { _ in throw TaskBodyInBundle() }
    }

    public func encode(to encoder: Encoder) throws { try declaration.encode(to: encoder) }
}
