#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchStore

/// Appends the log chunks a remote worker streams to the attempt's log file on the server, by byte offset: a chunk
/// sent twice (its answer was lost) is written once, and the dashboard reads the log as it grows.
enum RemoteLogFile {
    /// Writes the part of `chunk` (starting at byte `offset` of the log) that the file does not hold yet; returns
    /// the file's size after. A chunk starting past the end is refused (a chunk is missing before it).
    static func append(_ chunk: [UInt8], at offset: Int, to path: String) throws -> Int {
        // One `open` once the run's folder exists (it made the folders on every chunk before).
        let fd = AttemptLogFile.openForAppend(path)
        guard fd >= 0 else { throw APIError(500, "cannot open the attempt's log \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw APIError(500, "cannot read the size of \(path)") }
        let size = Int(st.st_size)
        guard offset <= size else {
            throw APIError(409, "the log holds \(size) bytes; a chunk at offset \(offset) leaves a gap: send from \(size)")
        }
        let skip = size - offset
        guard skip < chunk.count else { return size }
        let rest = chunk[skip...]
        let written = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == rest.count else { throw APIError(507, "cannot write the attempt's log \(path)") }
        return size + written
    }
}
