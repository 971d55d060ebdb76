import Foundation

/// Reads a chunk of an attempt's log file from a byte offset, for tailing.
///
/// The path always comes from the attempt record, never from a request; it is still checked to be inside the
/// logs folder (symlinks resolved) before it is opened.
struct LogReader {
    let logsDirectory: URL

    struct Chunk {
        var content: String
        var nextOffset: Int
        var size: Int
    }

    func read(path: String, offset: Int, limit: Int) throws -> Chunk {
        let root = URL(fileURLWithPath: logsDirectory.path).resolvingSymlinksInPath().path
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root + "/") else {
            throw APIError(403, "the log of this try is outside the logs folder and is not served")
        }
        guard let handle = FileHandle(forReadingAtPath: resolved) else {
            return Chunk(content: "", nextOffset: 0, size: 0)  // the attempt has not written anything yet
        }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        let start = min(offset, size)
        try handle.seek(toOffset: UInt64(start))
        var bytes = [UInt8](try handle.read(upToCount: min(limit, size - start)) ?? Data())
        // Stop before a UTF-8 sequence cut in half; the next request starts with it.
        let cut = Self.completeUTF8Prefix(bytes)
        if cut > 0 { bytes.removeSubrange(cut...) }
        return Chunk(content: String(decoding: bytes, as: UTF8.self), nextOffset: start + bytes.count, size: size)
    }

    /// The length of the longest prefix that does not end inside a multi-byte UTF-8 sequence.
    static func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
        var i = bytes.count - 1
        var back = 0
        while i >= 0 && back < 4 {
            let b = bytes[i]
            if b & 0xC0 != 0x80 {
                let needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                return needed > back + 1 ? i : bytes.count
            }
            i -= 1
            back += 1
        }
        return bytes.count
    }
}
