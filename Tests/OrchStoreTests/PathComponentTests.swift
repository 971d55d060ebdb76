import Foundation
import OrchStore
import Testing

/// Log and lock file names for ids: one-to-one, and never a way out of their folder (issue 11, defect 3).
@Suite struct PathComponentTests {
    @Test(arguments: [
        ("..", "_."), ("r:1", "r_1"), (".", "_"), ("a/b", "a_b"), ("a\\b", "a_b"), (".hidden", "_hidden"),
        ("%2E", "."), ("%", ""), ("a b", "a_b"), ("é", "e"),
    ])
    func idsThatLookAlikeGetDifferentNames(_ a: String, _ b: String) {
        #expect(pathComponent(a) != pathComponent(b))
    }

    @Test(arguments: ["..", ".", "../../etc", "/", "a/../../b", "\0", "", ".x", "x/", "%2F", "r:1", "manual__2026-11-05T00:00:00Z"])
    func aNameNeverLeavesItsFolder(_ id: String) {
        let name = pathComponent(id)
        #expect(!name.isEmpty)
        #expect(name != "." && name != "..")
        #expect(!name.hasPrefix("."))
        #expect(!name.contains("/") && !name.contains("\0"))
    }

    @Test(arguments: [
        ("manual__2026-11-05T00:00:00Z", "manual__2026-11-05T00:00:00Z"), ("..", "%2E."), ("_.", "_."),
        ("a/b", "a%2Fb"), ("50%", "50%25"), ("", "%"), ("é", "%C3%A9"), ("scheduled__x+01:00", "scheduled__x+01:00"),
    ])
    func namesAreReadable(_ id: String, _ name: String) {
        #expect(pathComponent(id) == name)
    }

    /// The log path joined as text is the one URL building gives, for plain and odd ids and homes.
    @Test(arguments: ["/tmp/orch-home", "/tmp/orch home/", "/"])
    func theLogPathAsTextIsTheURLsPath(_ root: String) {
        let home = OrchHome(path: root)
        for (dag, run, task) in [("d", "manual__2026-11-05T00:00:00Z", "t"), ("..", "a/b", "50%"), ("é", "", "x y")] {
            let viaURL = home.logsDirectory.appendingPathComponent(pathComponent(dag))
                .appendingPathComponent(pathComponent(run)).appendingPathComponent(pathComponent(task) + ".3.log").path
            #expect(home.attemptLogFile(dagId: dag, runId: run, taskId: task, tryNumber: 3) == viaURL)
            #expect(home.attemptLogPath(dagId: dag, runId: run, taskId: task, tryNumber: 3).path == viaURL)
        }
    }

    /// Every name decodes back to its id (so no two ids share a name).
    @Test func theEncodingIsInvertible() {
        let ids = ["..", "_.", "r:1", "r_1", "%41", "A", ".%", "a b/c\\d", "☃.log", "", "%"]
        for id in ids { #expect(decode(pathComponent(id)) == id) }
    }

    private func decode(_ name: String) -> String {
        if name == "%" { return "" }
        let u = Array(name.utf8)
        var bytes: [UInt8] = []
        var k = 0
        while k < u.count {
            if u[k] == UInt8(ascii: "%"), k + 2 < u.count,
               let v = UInt8(String(decoding: u[(k + 1)...(k + 2)], as: UTF8.self), radix: 16) {
                bytes.append(v)
                k += 3
            } else {
                bytes.append(u[k])
                k += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The fast path (an id with nothing to escape is returned as it is) and the escaping path give the names the
/// byte-by-byte rule gives, for random ids over the bytes that matter.
@Suite struct PathComponentReferenceTests {
    static func reference(_ s: String) -> String {
        if s.isEmpty { return "%" }
        var out = ""
        for (i, byte) in s.utf8.enumerated() {
            let kept = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "-_+:=@,".utf8.contains(byte) || (byte == UInt8(ascii: ".") && i > 0)
            if kept { out.unicodeScalars.append(Unicode.Scalar(byte)) } else { out += String(format: "%%%02X", byte) }
        }
        return out
    }

    @Test func randomIdsGetTheReferenceNames() {
        let alphabet = Array("aZ09-_+:=@,./%\\ é☃\u{0}\n")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let id = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            #expect(pathComponent(id) == Self.reference(id), "id \(id.debugDescription)")
        }
    }
}
