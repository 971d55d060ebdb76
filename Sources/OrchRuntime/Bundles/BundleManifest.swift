import Foundation
import OrchCore

/// What a bundle executable prints for `describe`: its DAGs, every field of the model (`DAG` is `Codable`), as
/// JSON. Dates are seconds since 1970.
public struct BundleManifest: Sendable, Codable {
    /// Raised when the manifest's shape changes incompatibly; orch refuses a manifest newer than it knows.
    public static let currentFormat = 1

    public var format: Int
    public var dags: [DAG]
    /// The Insights dashboards the bundle declares, and the connection defaults its DAGs and dashboards use.
    public var dashboards: [Dashboard]
    public var connectionDefaults: [ConnectionDefault]

    public init(dags: [DAG], dashboards: [Dashboard] = [], connectionDefaults: [ConnectionDefault] = []) {
        format = Self.currentFormat
        self.dags = dags
        self.dashboards = dashboards
        self.connectionDefaults = connectionDefaults
    }

    enum CodingKeys: String, CodingKey { case format, dags, dashboards, connectionDefaults }

    /// The format first: a newer manifest may have another shape, and the error should say why (one JSON parse).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(Int.self, forKey: .format)
        guard format <= Self.currentFormat else {
            throw BundleManifestError(message: "manifest format \(format) is newer than this orch understands (\(Self.currentFormat)); rebuild the bundle against this orch's SDK")
        }
        dags = try c.decode([DAG].self, forKey: .dags)
        dashboards = try c.decode([Dashboard].self, forKey: .dashboards)
        connectionDefaults = try c.decode([ConnectionDefault].self, forKey: .connectionDefaults)
    }

    public func encoded() throws -> Data {
        let enc = JSONEncoder()
        enc.dateEncodingStrategy = .secondsSince1970
        enc.outputFormatting = [.sortedKeys]
        return try enc.encode(self)
    }

    /// One DAG as the manifest holds it (its manifest entry, the text a DAG version is hashed from).
    public static func entry(_ dag: DAG) throws -> String {
        let enc = JSONEncoder()
        enc.dateEncodingStrategy = .secondsSince1970
        enc.outputFormatting = [.sortedKeys]
        return String(decoding: try enc.encode(dag), as: UTF8.self)
    }

    /// A DAG from its manifest entry (a stored version), its task index rebuilt.
    public static func dag(fromEntry text: String) throws -> DAG {
        let dec = JSONDecoder()
        dec.dateDecodingStrategy = .secondsSince1970
        return try dec.decode(DAG.self, from: Data(text.utf8)).reindexed()
    }

    /// Decodes a manifest and rebuilds each DAG's task index: the rest of the manifest first (its format is
    /// checked there), then one DAG entry at a time (``ManifestDAGSlices``); whole when the entries cannot be found.
    public static func decode(_ data: Data) throws -> BundleManifest {
        let dec = JSONDecoder()
        dec.dateDecodingStrategy = .secondsSince1970
        guard let slices = ManifestDAGSlices(data) else {
            var manifest = try dec.decode(BundleManifest.self, from: data)
            manifest.dags = manifest.dags.map { $0.reindexed() }
            return manifest
        }
        var manifest = try dec.decode(BundleManifest.self, from: slices.rest)
        manifest.dags.reserveCapacity(slices.dags.count)
        for (i, entry) in slices.dags.enumerated() {
            do {
                manifest.dags.append(try dec.decode(DAG.self, from: data[entry]).reindexed())
            } catch let error as DecodingError {
                throw error.under([CodingKeys.dags, EntryIndex(intValue: i)])
            }
        }
        return manifest
    }
}

/// The position of a DAG entry in the manifest's `dags`, for the coding path of an error in it.
private struct EntryIndex: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { return nil }
}

extension DecodingError {
    /// This error with `prefix` before its coding path (an error in one entry, reported within the manifest).
    func under(_ prefix: [any CodingKey]) -> DecodingError {
        func moved(_ c: Context) -> Context {
            Context(codingPath: prefix + c.codingPath, debugDescription: c.debugDescription,
                    underlyingError: c.underlyingError)
        }
        switch self {
        case .typeMismatch(let type, let c): return .typeMismatch(type, moved(c))
        case .valueNotFound(let type, let c): return .valueNotFound(type, moved(c))
        case .keyNotFound(let key, let c): return .keyNotFound(key, moved(c))
        case .dataCorrupted(let c): return .dataCorrupted(moved(c))
        @unknown default: return self
        }
    }
}

public struct BundleManifestError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
