import Foundation
import OrchObservability

/// Builds a bundle folder (a SwiftPM package with one executable product) with `swift build -c release` at low
/// priority (`nice`), in the folder's own `.build`, which stays as the cache for the next build. A build runs only
/// when a file of the package is newer than the executable it made last time.
public enum BundleBuilder {
    /// Seconds a build may take (the first build of a bundle that links swift-crypto takes minutes).
    public static let buildTimeout: Double = 1800

    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        /// The executable of the last build that succeeded, still in place (`swift build` leaves it when it
        /// fails): the bundle's last good version.
        public var lastGood: String? = nil
        public var description: String { message }
    }

    /// The executable for `folder`, built first when missing or older than the package's sources. A failed build
    /// is remembered with the sources' time: until a file changes again, it is reported without building again.
    public static func executable(folder: String, environment: [String: String]) throws(Failure) -> String {
        let cache = (folder as NSString).appendingPathComponent(".build/orch-bundle-product")
        let failureFile = (folder as NSString).appendingPathComponent(".build/orch-bundle-failure")
        let sources = newestSource(folder)
        let cachedProduct = (try? String(contentsOfFile: cache, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let previous = cachedProduct.map { executablePath(folder: folder, product: $0) }
            .flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
        if let exe = previous, let built = modificationDate(exe), sources <= built { return exe }
        if let failed = try? String(contentsOfFile: failureFile, encoding: .utf8),
           let newline = failed.firstIndex(of: "\n"), Double(failed[..<newline]) == sources.timeIntervalSince1970 {
            throw Failure(message: String(failed[failed.index(after: newline)...]), lastGood: previous)
        }
        do {
            let exe = try build(folder: folder, environment: environment)
            try? FileManager.default.removeItem(atPath: failureFile)
            return exe
        } catch {
            try? "\(sources.timeIntervalSince1970)\n\(error.message)".write(toFile: failureFile, atomically: true, encoding: .utf8)
            throw Failure(message: error.message, lastGood: previous)
        }
    }

    static func build(folder: String, environment: [String: String]) throws(Failure) -> String {
        let cache = (folder as NSString).appendingPathComponent(".build/orch-bundle-product")
        // The product found last time, unless Package.swift changed since: `swift package dump-package` costs
        // about a second, more than the incremental build of a one-line change.
        let manifestTime = modificationDate((folder as NSString).appendingPathComponent("Package.swift"))
        let known = modificationDate(cache).flatMap { cached in manifestTime.map { $0 <= cached } } == true
            ? (try? String(contentsOfFile: cache, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            : nil
        let product: String
        if let known, !known.isEmpty { product = known } else {
            product = try executableProduct(folder: folder, environment: environment)
        }
        let swift = try swiftPath(environment)
        let result: BundleProcess.Result
        let started = Date()
        defer {
            OrchLog.scheduler.info("swift build of \(folder) took \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        }
        do {
            let arguments = ["-n", "10", swift] + buildArguments(product: product, environment: environment)
            result = try BundleProcess.run("/usr/bin/nice", arguments, environment: environment, directory: folder,
                                           timeout: buildTimeout)
        } catch { throw Failure(message: "cannot start swift build in \(folder): \(error)") }
        guard result.exit == .exited(0), !result.timedOut else {
            let output = String(decoding: result.stdout + result.stderr, as: UTF8.self)
            throw Failure(message: result.timedOut ? "swift build did not finish within \(Int(buildTimeout)) s"
                                                   : trimmedCompilerOutput(output))
        }
        try? FileManager.default.createDirectory(atPath: (cache as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        try? product.write(toFile: cache, atomically: true, encoding: .utf8)
        return executablePath(folder: folder, product: product)
    }

    /// `swift build`'s arguments for a bundle: release, with the Swift runtime and Foundation linked into the
    /// executable (`--static-swift-stdlib`) unless `ORCH_BUNDLE_STATIC_STDLIB=0`. A bundle's fork server then forks
    /// a process of about 44 mappings instead of 107, and its helpers start without loading 14 shared libraries:
    /// process attempts cost about a sixth less and a cold helper answers 5-6 ms sooner (docs/performance.md, "The
    /// Swift runtime linked into the executables"), for an executable of about 96 MB instead of 24.
    /// scripts/lib/bundles.sh builds this repository's bundles with the same flags.
    static func buildArguments(product: String, environment: [String: String]) -> [String] {
        let linked = environment["ORCH_BUNDLE_STATIC_STDLIB"] == "0" ? [] : ["--static-swift-stdlib"]
        return ["build", "-c", "release"] + linked + ["--product", product]
    }

    static func executablePath(folder: String, product: String) -> String {
        (folder as NSString).appendingPathComponent(".build/release/\(product)")
    }

    /// The package's one executable product (declared, or an executable target), from `swift package dump-package`.
    static func executableProduct(folder: String, environment: [String: String]) throws(Failure) -> String {
        let swift = try swiftPath(environment)
        guard let result = try? BundleProcess.run(swift, ["package", "dump-package"], environment: environment,
                                                  directory: folder, timeout: 300) else {
            throw Failure(message: "cannot run swift package dump-package in \(folder)")
        }
        guard result.exit == .exited(0),
              let json = try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any],
              let products = json["products"] as? [[String: Any]] else {
            throw Failure(message: "Package.swift of \(folder) does not load: " + trimmedCompilerOutput(result.stderrText))
        }
        var executables = products.filter { ($0["type"] as? [String: Any])?["executable"] != nil }
            .compactMap { $0["name"] as? String }
        if executables.isEmpty {
            // Without declared products, each executable target of the root package is a product of its name.
            executables = ((json["targets"] as? [[String: Any]]) ?? []).filter { $0["type"] as? String == "executable" }
                .compactMap { $0["name"] as? String }
        }
        guard executables.count == 1 else {
            throw Failure(message: "a bundle package needs exactly one executable product (the one calling OrchBundle.main); \(folder) has \(executables.isEmpty ? "none" : executables.joined(separator: ", "))")
        }
        return executables[0]
    }

    /// The compiler's `error:` lines with the line after each (the source excerpt), else the output's last lines;
    /// at most 4,000 characters.
    public static func trimmedCompilerOutput(_ output: String) -> String {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var picked: [String] = []
        for (i, line) in lines.enumerated() where line.contains("error:") {
            picked.append(line)
            if i + 1 < lines.count, !lines[i + 1].contains("error:") { picked.append(lines[i + 1]) }
        }
        if picked.isEmpty { picked = Array(lines.suffix(20)) }
        let text = picked.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return text.count > 4000 ? String(text.prefix(4000)) + "\n…" : text
    }

    /// The newest modification time of the package's files (`.build` and hidden entries aside).
    static func newestSource(_ folder: String) -> Date {
        let root = URL(fileURLWithPath: folder)
        var newest = modificationDate((folder as NSString).appendingPathComponent("Package.swift")) ?? .distantFuture
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.contentModificationDateKey],
                                                          options: [.skipsHiddenFiles]) else { return .distantFuture }
        for case let url as URL in walker {
            if url.lastPathComponent == ".build" { walker.skipDescendants(); continue }
            if let d = try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate, d > newest {
                newest = d
            }
        }
        return newest
    }

    static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// The first `swift` on PATH.
    static func swiftPath(_ environment: [String: String]) throws(Failure) -> String {
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/swift"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Failure(message: "no swift on PATH: a bundle folder needs the Swift toolchain to build")
    }
}
