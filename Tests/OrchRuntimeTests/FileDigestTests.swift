import Foundation
import OrchRuntime
import Testing

struct FileDigestTests {
    /// FIPS 180-2's test vectors, in lowercase hex.
    @Test func sha256MatchesTheStandardsVectors() throws {
        #expect(FileDigest.sha256(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(FileDigest.sha256(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("abc".utf8).write(to: file)
        #expect(try FileDigest.sha256(of: file.path) == FileDigest.sha256(Data("abc".utf8)))
    }
}
