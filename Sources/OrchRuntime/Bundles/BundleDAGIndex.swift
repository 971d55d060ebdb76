import Foundation
import OrchCore

/// Each bundle executable's DAGs, one file per DAG: `<directory>/<executable sha256>/<orch stamp>/<dag id>.json`
/// holds the DAG's manifest entry (the text its version is hashed from), and `ids` lists the valid DAG ids in
/// manifest order; `ids` is written last, so a folder without it is incomplete and not used. The orch stamp (of the
/// running orch executable's file) keeps an entry encoded by another build of orch, whose DAG model may differ,
/// from being read as this one's. Written by the full load the first time an
/// executable is loaded; read by a command about one DAG, which then decodes one entry instead of the whole
/// manifest (301 DAGs, 4.5 MB with the repository's bundles).
public struct BundleDAGIndex: Sendable {
    public let directory: String

    /// The valid DAG ids of the executable with this sha256, or nil when its index is not (completely) written.
    public func ids(_ sha256: String) -> [String]? {
        guard FileDigest.isSHA256(sha256), let data = FileManager.default.contents(atPath: folder(sha256) + "/ids") else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// One DAG's manifest entry.
    public func entry(_ sha256: String, dagId: String) -> String? {
        guard FileDigest.isSHA256(sha256), DAGValidator.isValidId(dagId),
              let data = FileManager.default.contents(atPath: folder(sha256) + "/\(dagId).json") else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes the index of an executable: every entry, then `ids`. Ids that cannot be file names are left out of
    /// both (such a DAG does not validate).
    public func write(_ sha256: String, entries: [(dagId: String, manifest: String)]) {
        guard FileDigest.isSHA256(sha256) else { return }
        let dir = folder(sha256)
        guard (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil else { return }
        var written: [String] = []
        for (id, text) in entries where DAGValidator.isValidId(id) {
            guard AtomicFile.write(Data(text.utf8), to: dir + "/\(id).json") else { return }
            written.append(id)
        }
        AtomicFile.write(Data(written.joined(separator: "\n").utf8), to: dir + "/ids")
    }

    /// Removes every index of the executable with this sha256 (all orch stamps).
    public func remove(_ sha256: String) {
        guard FileDigest.isSHA256(sha256) else { return }
        try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(sha256))
    }

    private func folder(_ sha256: String) -> String {
        (directory as NSString).appendingPathComponent(sha256 + "/" + Self.orchStamp)
    }

    /// The running orch build: a digest of its executable's `stat` fingerprint (a rebuild is a new stamp).
    static let orchStamp: String = {
        let fingerprint = FileFingerprint.of("/proc/self/exe").map { "\($0.size)-\($0.modified)-\($0.inode)" } ?? "unknown"
        return String(FileDigest.sha256(Data(fingerprint.utf8)).prefix(16))
    }()
}
