import Foundation
import OrchRuntime
import Testing

/// The result an attempt's process leaves in its lock file, on real files.
@Suite struct AttemptResultFileTests {
    private func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("orch-result-\(UUID().uuidString).lock").path
    }

    @Test func theConstantSuccessIsWhatTheEncoderWrites() throws {
        let encoded = try JSONEncoder().encode(AttemptResultFile.success)
        #expect(String(decoding: encoded, as: UTF8.self) == AttemptResultFile.successJSON)
        let decoded = try JSONDecoder().decode(AttemptResultFile.self, from: Data(AttemptResultFile.successJSON.utf8))
        #expect(decoded == AttemptResultFile(status: .success, error: nil))
    }

    @Test func aResultIsWrittenIntoTheEmptyLockFileTheForkServerCreated() throws {
        let path = tempPath(); defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let failure = AttemptResultFile(status: .failed, error: "boom", exitCode: 2)
        try failure.write(to: path)
        #expect(AttemptResultFile.read(from: path) == failure)
    }

    @Test func eachResultReadsBackAndASuccessReplacesALongerFailure() throws {
        let path = tempPath(); defer { try? FileManager.default.removeItem(atPath: path) }
        let failure = AttemptResultFile(status: .failed, error: String(repeating: "e", count: 500), exitCode: 3)
        try failure.write(to: path)
        #expect(AttemptResultFile.read(from: path) == failure)
        try AttemptResultFile(status: .success, error: nil).write(to: path)
        #expect(AttemptResultFile.read(from: path) == .success)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == AttemptResultFile.successJSON)
        let skipped = AttemptResultFile(status: .skipped, error: "upstream skipped")
        try skipped.write(to: path)
        #expect(AttemptResultFile.read(from: path) == skipped)
    }
}
