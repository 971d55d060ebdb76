import Foundation
import Testing
@testable import OrchRuntime

/// What a bundle executable answered when its task host was started decides how the pool runs its in-process
/// tasks (and the isolation recorded for them): a host that answered once keeps that answer through a failed
/// restart; one that never answered as a host is not asked again. A shell script stands in for the bundle, with
/// a counter of its starts.
@Suite struct TaskHostAnswerTests {
    /// A script that prints `ready 2` (after `readyAfter` seconds) and waits for its request pipe to close, except
    /// on the starts in `garbledStarts` (1-based), where it prints something else and leaves.
    private func executable(garbledStarts: [Int], readyAfter seconds: Int = 0) throws -> (path: String, starts: () -> Int, cleanup: () -> Void) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("task-host-answer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let counter = dir.appendingPathComponent("starts").path
        let garbled = garbledStarts.map { "[ \"$n\" = \($0) ]" }.joined(separator: " || ")
        let script = """
            #!/bin/sh
            n=$(cat '\(counter)' 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > '\(counter)'
            if \(garbled.isEmpty ? "false" : garbled); then echo "usage: not a task host"; exit 0; fi
            sleep \(seconds)
            echo "ready 2"
            exec cat > /dev/null
            """
        let path = dir.appendingPathComponent("bundle").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        let starts = { Int(((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "0").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }
        return (path, starts, { try? FileManager.default.removeItem(at: dir) })
    }

    @Test func aHostThatAnsweredKeepsItsAnswerThroughAFailedRestart() throws {
        let bundle = try executable(garbledStarts: [2])
        defer { bundle.cleanup() }
        let host = TaskHostClient(executable: bundle.path, idleSeconds: nil)
        #expect(host.answeredAsHost == nil)
        #expect(host.start() != nil)
        #expect(host.answeredAsHost == true)

        host.shutdown()   // as when it retires: the next start starts another
        #expect(host.start() == nil, "the second start printed no `ready`")
        #expect(host.answeredAsHost == true, "a failed restart changed the answer the recorded isolations went by")
        #expect(host.start() != nil, "the pool gave up on the executable after one failed restart")
        #expect(bundle.starts() == 3)
        host.shutdown()
    }

    /// An attempt goes to a thread of its own only while a start is under way (the client's lock is then held for
    /// as long as the helper takes to say `ready`), not when the client is merely busy for a moment.
    @Test func launchingWaitsOnlyWhileAStartIsUnderWay() throws {
        let bundle = try executable(garbledStarts: [], readyAfter: 1)
        defer { bundle.cleanup() }
        let host = TaskHostClient(executable: bundle.path, idleSeconds: nil)
        #expect(!host.launchesWithoutWaiting, "no host is up yet")
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { _ = host.start(); done.signal() }
        while bundle.starts() == 0 { usleep(1_000) }
        #expect(!host.launchesWithoutWaiting, "a start is under way")
        done.wait()
        #expect(host.launchesWithoutWaiting)
        host.shutdown()

        let starts = HelperStart()
        #expect(!starts.isStarting)
        var during = false
        _ = starts.run { during = starts.isStarting; return .failed }
        #expect(during)
        #expect(!starts.isStarting)
    }

    @Test func anExecutableThatIsNoTaskHostIsNotAskedAgain() throws {
        let bundle = try executable(garbledStarts: [1, 2, 3])
        defer { bundle.cleanup() }
        let host = TaskHostClient(executable: bundle.path, idleSeconds: nil)
        #expect(host.start() == nil)
        #expect(host.answeredAsHost == false)
        #expect(!host.isAvailable())
        #expect(host.start() == nil)
        #expect(bundle.starts() == 1)
    }
}
