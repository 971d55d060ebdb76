@testable import OrchRuntime
import Testing

/// The pool and `orch run`'s early helpers read the same switches: both helpers on unless set to "0".
struct HelperSwitchesTests {
    @Test func bothAreOnUnlessSetToZero() {
        let none = HelperSwitches(environment: [:])
        #expect(none.forkServer && none.taskHost)
        let off = HelperSwitches(environment: ["ORCH_FORK_SERVER": "0", "ORCH_TASK_HOST": "0"])
        #expect(!off.forkServer && !off.taskHost)
        let other = HelperSwitches(environment: ["ORCH_FORK_SERVER": "1", "ORCH_TASK_HOST": "no"])
        #expect(other.forkServer && other.taskHost, "only \"0\" turns a helper off, as before")
        #expect(!HelperSwitches(environment: ["ORCH_TASK_HOST": "0"]).taskHost)
        #expect(HelperSwitches(environment: ["ORCH_TASK_HOST": "0"]).forkServer)
    }
}
