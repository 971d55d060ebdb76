import Foundation
import OrchCore
import OrchStore

/// Manifests of bundle executables kept between commands (ORCH_HOME/bundles/manifests), so that a CLI command
/// does not run `describe` (nor hash tens of MB) for a bundle that did not change. An entry is keyed by the
/// executable's path and holds its `stat` fingerprint (size, modification time, inode), its sha256 and the
/// manifest: the same fingerprint means the same file; another fingerprint with the same sha256 (a rebuild that
/// made the same bytes, a copy) reuses the manifest without describing; anything else describes again.
/// `describe` depends on the executable only (orch passes it no argument that changes its answer).
public struct BundleManifestCache: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public init(home: OrchHome) {
        directory = BundleExecutableStore.directory(home).appendingPathComponent("manifests").path
    }

    struct Entry: Codable {
        var path: String
        var fingerprint: FileFingerprint
        var sha256: String
        var manifest: String
    }

    /// The sha256 and manifest text for `executable`, from the cache or from `describe` (stored after).
    func lookup(_ executable: String, describe: (String) throws(BundleImportError) -> Data,
                bundle: String) throws(BundleImportError) -> (sha256: String, manifest: Data) {
        let file = entryPath(executable)
        let fingerprint = FileFingerprint.of(executable)
        let entry = (try? Data(contentsOf: URL(fileURLWithPath: file))).flatMap { try? JSONDecoder().decode(Entry.self, from: $0) }
        if let entry, entry.path == executable, let fingerprint, entry.fingerprint == fingerprint {
            return (entry.sha256, Data(entry.manifest.utf8))
        }
        let sha256: String
        do { sha256 = try FileDigest.sha256(of: executable) } catch {
            throw BundleImportError(bundle: bundle, kind: .missing, message: "\(error)")
        }
        let manifest: Data
        if let entry, entry.path == executable, entry.sha256 == sha256 { manifest = Data(entry.manifest.utf8) } else {
            manifest = try describe(executable)
        }
        if let fingerprint {
            store(Entry(path: executable, fingerprint: fingerprint, sha256: sha256,
                        manifest: String(decoding: manifest, as: UTF8.self)), at: file)
        }
        return (sha256, manifest)
    }

    private func entryPath(_ executable: String) -> String {
        (directory as NSString).appendingPathComponent(FileDigest.sha256(Data(executable.utf8)) + ".json")
    }

    private func store(_ entry: Entry, at file: String) {
        guard let data = try? JSONEncoder().encode(entry) else { return }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = file + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
        if rename(temporary, file) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }
}
