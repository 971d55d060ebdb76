import OrchRuntime
import Testing

/// ORCH_FORK_SERVER, ORCH_TASK_HOST and ORCH_HELPER_IDLE_SECONDS read from an environment (pure).
struct HelperSwitchesTests {
    @Test func helpersAreOnAndRetireAfterTenIdleSecondsByDefault() {
        let switches = HelperSwitches(environment: [:])
        #expect(switches.forkServer && switches.taskHost)
        #expect(switches.idleSeconds == 10)
        #expect(HelperSwitches.defaultIdleSeconds == 10)
    }

    @Test func theIdleTimeIsSecondsAboveZeroOrOff() throws {
        #expect(HelperSwitches(environment: ["ORCH_HELPER_IDLE_SECONDS": "2.5"]).idleSeconds == 2.5)
        #expect(HelperSwitches(environment: ["ORCH_HELPER_IDLE_SECONDS": " 600 "]).idleSeconds == 600)
        #expect(HelperSwitches(environment: ["ORCH_HELPER_IDLE_SECONDS": "off"]).idleSeconds == nil)
        #expect(HelperSwitches(environment: ["ORCH_HELPER_IDLE_SECONDS": "OFF"]).idleSeconds == nil)
        #expect(try HelperSwitches.idleSeconds(nil) == 10)
        #expect(try HelperSwitches.idleSeconds("off") == nil)
    }

    @Test func aBadIdleTimeIsRefusedWithTheSettingsNameAndLeftToTheDefaultByThePool() {
        for bad in ["", "soon", "0", "-1", "nan", "inf", "10s"] {
            #expect(throws: HelperSettingError.self) { try HelperSwitches.idleSeconds(bad) }
            #expect(HelperSwitches(environment: ["ORCH_HELPER_IDLE_SECONDS": bad]).idleSeconds == 10)
        }
        do {
            _ = try HelperSwitches.idleSeconds("soon")
            Issue.record("accepted")
        } catch {
            #expect("\(error)" == "ORCH_HELPER_IDLE_SECONDS must be a number of seconds above 0 or 'off' "
                    + "(keep bundle helpers running), not 'soon'")
        }
    }

    @Test func theForkServerAndTaskHostSwitches() {
        #expect(!HelperSwitches(environment: ["ORCH_FORK_SERVER": "0"]).forkServer)
        #expect(!HelperSwitches(environment: ["ORCH_TASK_HOST": "0"]).taskHost)
        #expect(HelperSwitches(environment: ["ORCH_FORK_SERVER": "1", "ORCH_TASK_HOST": "yes"]).taskHost)
    }
}
