import Foundation
@testable import OrchAPI
import Testing

/// The chunks a remote worker streams land in the attempt's log by byte offset, on real files: the run's folder is
/// made by the first chunk, a chunk sent twice is written once, and a gap is refused.
struct RemoteLogFileTests {
    @Test func chunksAppendOnceByOffsetAndAGapIsRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("orch-remotelog-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = "\(root)/logs/d/manual__1/t.1.log"   // no folder of it exists yet
        #expect(try RemoteLogFile.append(Array("hello ".utf8), at: 0, to: path) == 6)
        #expect(try RemoteLogFile.append(Array("hello ".utf8), at: 0, to: path) == 6)        // sent twice: once
        #expect(try RemoteLogFile.append(Array("lo world\n".utf8), at: 3, to: path) == 12)  // overlapping: the new part
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello world\n")
        #expect(throws: APIError.self) { try RemoteLogFile.append(Array("x".utf8), at: 20, to: path) }
        do {
            _ = try RemoteLogFile.append(Array("x".utf8), at: 20, to: path)
        } catch let e as APIError {
            #expect(e.status == 409 && e.message.contains("send from 12"))
        }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
