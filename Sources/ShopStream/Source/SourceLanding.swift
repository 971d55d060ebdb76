import Crypto
import Foundation

/// Raw pages and their manifest on disk: `<dataDir>/landing/<date>/<resource>/page-<skip>.json` and
/// `<dataDir>/landing/<date>/manifest.json`.
///
/// A landing is written into `<dataDir>/landing/.tmp-<date>-<uuid>` and renamed into place, so re-running a date
/// replaces its landing as a whole and a failed fetch leaves the previous landing (or none) untouched. When a date
/// was landed before, the old directory is first renamed aside (`<date>.old-<uuid>`) and removed after the swap:
/// a crash between the two renames leaves no `<date>` directory (produce then asks for a re-fetch), never a mix.
/// (`renameat2(RENAME_EXCHANGE)` would close that gap but is not exported by Swift's Glibc module.)
public enum SourceLanding {
    /// `<dataDir>/landing/<date>`.
    public static func directory(dataDir: String, date: LogicalDate) -> String {
        dataDir + "/landing/\(date)"
    }

    /// Writes the pages and manifest for `date` and swaps them into place.
    static func write(pages: [SourceResource: [SourcePage]], dataDir: String, date: LogicalDate,
                      sourceURL: String) throws -> LandingManifest {
        let fm = FileManager.default
        let root = dataDir + "/landing"
        let final = directory(dataDir: dataDir, date: date)
        let temp = root + "/.tmp-\(date)-\(UUID().uuidString)"
        do {
            try fm.createDirectory(atPath: temp, withIntermediateDirectories: true)
            var resources: [String: LandingManifest.Resource] = [:]
            for (resource, list) in pages.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try fm.createDirectory(atPath: temp + "/" + resource.rawValue, withIntermediateDirectories: true)
                var entries: [LandingManifest.Page] = []
                for page in list {
                    let file = "\(resource.rawValue)/page-\(page.skip).json"
                    try page.raw.write(to: URL(fileURLWithPath: temp + "/" + file))
                    entries.append(.init(file: file, skip: page.skip, records: page.records.count,
                                         bytes: page.raw.count, sha256: sha256Hex(page.raw)))
                }
                resources[resource.rawValue] = .init(count: entries.reduce(0) { $0 + $1.records },
                                                     total: list.first?.total ?? 0, pages: entries)
            }
            let manifest = LandingManifest(logicalDate: date.description, sourceURL: sourceURL,
                                           fetchedAt: ISO8601DateFormatter().string(from: Date()),
                                           resources: resources)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: temp + "/manifest.json"))
            try swapIntoPlace(temp: temp, final: final)
            return manifest
        } catch {
            try? fm.removeItem(atPath: temp)
            throw error
        }
    }

    private static func swapIntoPlace(temp: String, final: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: final) {
            let old = final + ".old-\(UUID().uuidString)"
            try fm.moveItem(atPath: final, toPath: old)
            try fm.moveItem(atPath: temp, toPath: final)
            try fm.removeItem(atPath: old)
        } else {
            try fm.moveItem(atPath: temp, toPath: final)
        }
    }

    /// Reads a landed date (`YYYY-MM-DD`) back; see ``read(dataDir:date:)-(String,LogicalDate)``.
    public static func read(dataDir: String, date: String) throws -> FetchResult {
        try read(dataDir: dataDir, date: LogicalDate(date))
    }

    /// Reads a landed date back, verifying every page against the manifest (size and SHA-256) and its shape.
    public static func read(dataDir: String, date: LogicalDate) throws -> FetchResult {
        let dir = directory(dataDir: dataDir, date: date)
        let manifestPath = dir + "/manifest.json"
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw SourceError(.landing, "no landing for \(date): \(manifestPath) is missing; run fetch for this date first")
        }
        let manifest: LandingManifest
        do {
            manifest = try JSONDecoder().decode(LandingManifest.self, from: data)
        } catch {
            throw SourceError(.landing, "\(manifestPath) is not a valid landing manifest: \(error)")
        }
        var records: [SourceResource: [SourceRecord]] = [:]
        for (name, entry) in manifest.resources {
            guard let resource = SourceResource(rawValue: name) else {
                throw SourceError(.landing, "\(manifestPath) names unknown resource '\(name)'")
            }
            var list: [SourceRecord] = []
            for page in entry.pages.sorted(by: { $0.skip < $1.skip }) {
                let path = dir + "/" + page.file
                guard let body = FileManager.default.contents(atPath: path) else {
                    throw SourceError(.landing, "landed page \(path) is missing; re-run fetch for \(date)")
                }
                guard body.count == page.bytes, sha256Hex(body) == page.sha256 else {
                    throw SourceError(.landing, "landed page \(path) does not match its SHA-256 in the manifest; "
                        + "re-run fetch for \(date)")
                }
                list += try SourcePage.validate(body, resource: resource, requestedSkip: page.skip).records
            }
            records[resource] = list
        }
        return FetchResult(date: date.description, landingDirectory: dir, manifest: manifest, records: records)
    }

    static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }
}
