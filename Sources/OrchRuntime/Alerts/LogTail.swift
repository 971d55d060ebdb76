import Foundation

/// The last lines of a log file, read from at most its last `maxBytes` bytes, each line cut to
/// `maxLineLength` characters, so a huge log never makes a huge alert.
public enum LogTail {
    public static func read(path: String, lines: Int = 20, maxBytes: Int = 16_384, maxLineLength: Int = 400) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        let start = size > UInt64(maxBytes) ? size - UInt64(maxBytes) : 0
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return nil }
        var all = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        if start > 0, !all.isEmpty { all.removeFirst() }  // a partial first line
        while all.last?.isEmpty == true { all.removeLast() }
        let tail = all.suffix(max(0, lines)).map { $0.count > maxLineLength ? String($0.prefix(maxLineLength)) + "…" : $0 }
        return tail.isEmpty ? nil : tail.joined(separator: "\n")
    }
}
