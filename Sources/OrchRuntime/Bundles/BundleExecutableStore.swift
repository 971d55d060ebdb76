import Foundation
import OrchStore

/// Content-addressed copies of bundle executables under ORCH_HOME/bundles/<sha256>/<name>: the file a DAG
/// version runs its tasks with, whatever becomes of the bundle's own build afterwards (`swift build` replaces
/// `.build/release/<product>`; the copy stays until no unfinished run needs it).
public enum BundleExecutableStore {
    public static func directory(_ home: OrchHome) -> URL {
        home.root.appendingPathComponent("bundles", isDirectory: true)
    }

    public static func path(home: OrchHome, sha256: String, name: String) -> String {
        directory(home).appendingPathComponent(sha256, isDirectory: true).appendingPathComponent(name).path
    }

    /// The stored executable whose content has this SHA-256 (64 hex digits, else nil: no other path is looked
    /// at), checked against its digest before it is handed out.
    public static func stored(home: OrchHome, sha256: String) -> String? {
        let hex = sha256.lowercased()
        guard FileDigest.isSHA256(hex) else { return nil }
        let folder = directory(home).appendingPathComponent(hex, isDirectory: true).path
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }
        for name in names.sorted() {
            let path = folder + "/" + name
            if BundleDigests.shared.digest(of: path) == hex { return path }
        }
        return nil
    }

    /// Places `executable` (whose sha256 is `sha256`) in the store and returns the stored path. A hard link when
    /// the store is on the same file system (the linker writes a rebuilt executable as a new file, so the link
    /// keeps the old bytes), else a copy; written under a temporary name and renamed, so a reader never sees half
    /// a file.
    public static func pin(_ executable: String, sha256: String, home: OrchHome) throws -> String {
        let name = (executable as NSString).lastPathComponent
        let target = path(home: home, sha256: sha256, name: name)
        let fm = FileManager.default
        if fm.isExecutableFile(atPath: target) { return target }
        let folder = (target as NSString).deletingLastPathComponent
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/.\(name).\(getpid()).\(UUID().uuidString.prefix(8))"
        if link(executable, temporary) != 0 {
            do { try fm.copyItem(atPath: executable, toPath: temporary) } catch {
                try? fm.removeItem(atPath: temporary)   // a copy that ran out of space must not keep the space
                throw error
            }
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(atPath: temporary)
            throw BundleManifestError(message: "cannot store \(executable) as \(target): \(reason)")
        }
        return target
    }

    /// Removes stored executables whose sha256 is not in `keep` (the versions loaded now and those of unfinished
    /// runs) and that were stored before `storedBefore` (one another process may have just stored for a run it is
    /// creating stays). Returns the removed folders.
    @discardableResult
    public static func collect(home: OrchHome, keep: Set<String>, storedBefore: Date = .distantFuture) -> [String] {
        let root = directory(home).path
        let fm = FileManager.default
        var removed: [String] = []
        for entry in (try? fm.contentsOfDirectory(atPath: root)) ?? [] where entry.count == 64 && !keep.contains(entry) {
            let folder = root + "/" + entry
            guard let stored = (try? fm.attributesOfItem(atPath: folder))?[.modificationDate] as? Date,
                  stored < storedBefore else { continue }
            if (try? fm.removeItem(atPath: folder)) != nil { removed.append(folder) }
        }
        return removed
    }
}
