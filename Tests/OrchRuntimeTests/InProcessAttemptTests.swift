import Foundation
import Testing
@testable import OrchRuntime

/// An attempt sent to a bundle's task host from another thread may be stopped by the engine before or after the
/// send: either way its task is cancelled there exactly when it was stopped, and it ends once.
@Suite struct InProcessAttemptTests {
    private func attempt(_ ends: Counter) -> InProcessAttempt {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("attempt-\(UUID().uuidString).log").path
        return InProcessAttempt(logger: FileTaskLogger(path: log), finished: { _ in ends.add() })
    }

    @Test func stoppedBeforeItsTaskWasSentCancelsAtOnce() {
        let ends = Counter(), cancels = Counter()
        let a = attempt(ends)
        a.stop(reason: "timeout")
        #expect(ends.value == 1)
        a.whenStopped { cancels.add() }
        #expect(cancels.value == 1)
        #expect(ends.value == 1)
    }

    @Test func stoppedAfterItsTaskWasSentCancelsThen() {
        let ends = Counter(), cancels = Counter()
        let a = attempt(ends)
        a.whenStopped { cancels.add() }
        #expect(cancels.value == 0)
        a.stop(reason: "timeout")
        a.stop(reason: "again")
        #expect(cancels.value == 1)
        #expect(ends.value == 1)
    }

    @Test func anAttemptThatReturnedIsNeitherCancelledNorEndedTwice() {
        let ends = Counter(), cancels = Counter()
        let a = attempt(ends)
        a.end(.success)
        a.whenStopped { cancels.add() }
        a.stop(reason: "late")
        #expect(cancels.value == 0)
        #expect(ends.value == 1)
    }
}
