import Foundation

/// What says a bundle may have changed, without building or describing it: for a package folder the newest
/// modification time of its files (`.build` and hidden entries aside), for an executable its `stat`; nil when
/// it is gone.
public enum BundleFingerprint: Sendable, Hashable {
    case folder(newestSource: Double)
    case executable(FileFingerprint)
    case missing

    public static func of(_ bundle: String) -> BundleFingerprint {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: bundle, isDirectory: &isDirectory) else { return .missing }
        if isDirectory.boolValue { return .folder(newestSource: BundleBuilder.newestSource(bundle).timeIntervalSince1970) }
        return FileFingerprint.of(bundle).map(BundleFingerprint.executable) ?? .missing
    }
}

/// Watches the bundles of a scheduler (`orch scheduler`, `orch serve`): every `interval` seconds it compares each
/// bundle's fingerprint with the last one; when one changed it loads them all again (building a changed folder,
/// at low priority) on its own thread and hands the result, the last good version of a failing bundle kept, to
/// `reloaded`. The scheduler goes on with what it has meanwhile.
public final class BundleWatcher: @unchecked Sendable {
    public let paths: [String]
    public let interval: Double
    private let load: @Sendable ([String]) -> LoadedBundles
    private let reloaded: @Sendable (LoadedBundles) -> Void
    private let lock = NSLock()
    private var stopped = false
    private var current: LoadedBundles
    private var fingerprints: [BundleFingerprint]

    /// Seconds between two looks at the bundles (ORCH_BUNDLE_POLL overrides).
    public static let defaultInterval: Double = 1

    public init(paths: [String], loaded: LoadedBundles, interval: Double = BundleWatcher.defaultInterval,
                load: @escaping @Sendable ([String]) -> LoadedBundles,
                reloaded: @escaping @Sendable (LoadedBundles) -> Void) {
        self.paths = paths
        self.interval = interval
        self.load = load
        self.reloaded = reloaded
        current = loaded
        fingerprints = paths.map(BundleFingerprint.of)
    }

    public func start() {
        Thread.detachNewThread { [self] in
            while !lock.withLock({ stopped }) {
                Thread.sleep(forTimeInterval: interval)
                checkOnce()
            }
        }
    }

    public func stop() { lock.withLock { stopped = true } }

    /// One look: reloads when a fingerprint changed. Returns whether it reloaded.
    @discardableResult
    public func checkOnce() -> Bool {
        let now = paths.map(BundleFingerprint.of)
        guard now != lock.withLock({ fingerprints }) else { return false }
        let previous = lock.withLock { current }
        let fresh = load(paths).keepingLastGood(of: previous)
        // The fingerprints the load saw: a change during the build is seen on the next look.
        lock.withLock {
            current = fresh
            fingerprints = now
        }
        reloaded(fresh)
        return true
    }
}
