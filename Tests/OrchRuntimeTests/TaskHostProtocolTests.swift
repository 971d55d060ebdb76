import Foundation
import OrchCore
@testable import OrchRuntime
import Testing

/// The task host's event lines (pure): every event reads back as written, an error with a newline stays on one
/// line, and the success shortcut is exactly what the encoder writes for `.success`.
struct TaskHostProtocolTests {
    @Test(arguments: [
        TaskHostProtocol.Event.ready,
        .started(id: 7),
        .finished(id: 8, outcome: .success),
        .finished(id: 9, outcome: .failed(exitCode: nil, error: "boom\nsecond line")),
        .finished(id: 10, outcome: .skipped(reason: "nothing to do")),
        .finished(id: 11, outcome: .crashed(signal: 6, error: "aborted")),
    ])
    func eventsReadBackAsWritten(_ event: TaskHostProtocol.Event) {
        let line = event.line
        #expect(line.hasSuffix("\n") && line.dropLast().firstIndex(of: "\n") == nil)
        #expect(TaskHostProtocol.Event.parse(Substring(line.dropLast())) == event)
    }

    @Test func theSuccessShortcutIsTheEncodersOwnText() throws {
        let encoded = String(decoding: try JSONEncoder().encode(AttemptOutcome.success), as: UTF8.self)
        #expect(encoded == TaskHostProtocol.Event.success)
    }

    @Test func garbageIsNotAnEvent() {
        for line in ["", "finished", "finished x {}", "finished 3 {not json", "started", "hello 1"] {
            #expect(TaskHostProtocol.Event.parse(Substring(line)) == nil, "\(line)")
        }
    }
}
