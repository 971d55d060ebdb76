import Foundation
import OrchCore
import OrchStore

/// Manifests of bundle executables kept between commands (ORCH_HOME/bundles/manifests), so that a CLI command
/// does not run `describe` (nor hash tens of MB) for a bundle that did not change. An entry is keyed by the
/// executable's path and holds its `stat` fingerprint (size, modification time, inode) and its sha256; the manifest
/// itself is kept beside it by the sha256 (`<sha256>.manifest.json`, the bytes `describe` printed, read without a
/// second JSON decode). The same fingerprint means the same file; another fingerprint with the same sha256 (a
/// rebuild that made the same bytes, a copy) reuses the manifest without describing; anything else describes
/// again. `describe` depends on the executable only (orch passes it no argument that changes its answer).
///
/// Beside the manifests, ``dags`` keeps each DAG's manifest entry in a file of its own, so a command about one DAG
/// (`orch trigger`) reads only that DAG (``BundleLoader/loadOne(_:from:environment:cache:)``).
public struct BundleManifestCache: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public init(home: OrchHome) {
        directory = BundleExecutableStore.directory(home).appendingPathComponent("manifests").path
    }

    /// Each executable's DAGs, one file per DAG (see ``BundleDAGIndex``).
    public var dags: BundleDAGIndex { BundleDAGIndex(directory: (directory as NSString).appendingPathComponent("dags")) }

    struct Entry: Codable {
        var path: String
        var fingerprint: FileFingerprint
        var sha256: String
    }

    /// The sha256 and manifest text for `executable`, from the cache or from `describe` (stored after).
    func lookup(_ executable: String, describe: (String) throws(BundleImportError) -> Data,
                bundle: String) throws(BundleImportError) -> (sha256: String, manifest: Data) {
        let file = entryPath(executable)
        let fingerprint = FileFingerprint.of(executable)
        let entry = readEntry(file, executable: executable)
        if let entry, let fingerprint, entry.fingerprint == fingerprint, let manifest = storedManifest(entry.sha256) {
            return (entry.sha256, manifest)
        }
        let sha256: String
        do { sha256 = try FileDigest.sha256(of: executable) } catch {
            throw BundleImportError(bundle: bundle, kind: .missing, message: "\(error)")
        }
        let manifest: Data
        if let same = storedManifest(sha256) { manifest = same } else {
            manifest = try describe(executable)
            write(manifest, to: manifestPath(sha256))
        }
        if let fingerprint {
            if let old = entry, old.sha256 != sha256 { forget(old.sha256) }
            if let data = try? JSONEncoder().encode(Entry(path: executable, fingerprint: fingerprint, sha256: sha256)) {
                write(data, to: file)
            }
        }
        return (sha256, manifest)
    }

    /// The sha256 of `executable` when the cache knows this very file (same fingerprint), without reading it.
    func knownSHA256(_ executable: String) -> String? {
        guard let entry = readEntry(entryPath(executable), executable: executable),
              let fingerprint = FileFingerprint.of(executable), entry.fingerprint == fingerprint else { return nil }
        return entry.sha256
    }

    private func readEntry(_ file: String, executable: String) -> Entry? {
        guard let data = FileManager.default.contents(atPath: file),
              let entry = try? JSONDecoder().decode(Entry.self, from: data), entry.path == executable else { return nil }
        return entry
    }

    private func storedManifest(_ sha256: String) -> Data? { FileManager.default.contents(atPath: manifestPath(sha256)) }

    /// An executable's path now holds other bytes: its old manifest and DAG files go (another path holding the
    /// same bytes describes them again once).
    private func forget(_ sha256: String) {
        unlink(manifestPath(sha256))
        dags.remove(sha256)
    }

    private func entryPath(_ executable: String) -> String {
        (directory as NSString).appendingPathComponent(FileDigest.sha256(Data(executable.utf8)) + ".json")
    }

    private func manifestPath(_ sha256: String) -> String {
        (directory as NSString).appendingPathComponent(sha256 + ".manifest.json")
    }

    private func write(_ data: Data, to file: String) {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        AtomicFile.write(data, to: file)
    }
}

/// Writes through a temporary file and `rename`, so a reader sees the old content or the new, never a part.
enum AtomicFile {
    @discardableResult
    static func write(_ data: Data, to file: String) -> Bool {
        let temporary = file + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return false }
        if rename(temporary, file) != 0 {
            unlink(temporary)
            return false
        }
        return true
    }
}
