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

    private static let spec = AttemptSpec(dagId: "d", taskId: "t1", runId: "manual__1", runPk: 4, tryNumber: 1,
                                          logicalDate: Date(timeIntervalSince1970: 1_700_000_000),
                                          dataInterval: DataInterval(start: Date(timeIntervalSince1970: 1_699_990_000),
                                                                     end: Date(timeIntervalSince1970: 1_700_000_000)),
                                          params: ["n": .number(3)], logPath: "/h/logs/d/r/t1/1.log", home: "/h",
                                          databasePath: "/h/orch.db", environment: ["PGHOST": "db"])

    /// An attempt sent against its run's context is the spec the pool meant, odd characters included.
    @Test(arguments: ["t2", "quote\"back\\slash", "tab\there\nnewline", "snow☃", "\u{1}ctl"])
    func anAttemptOfAContextIsTheWholeSpec(_ taskId: String) throws {
        let logPath = "/h/logs/d/r/\(taskId)/2.log"
        let line = TaskHostProtocol.Request.attemptLine(id: 9, context: 3, taskId: taskId, tryNumber: 2, logPath: logPath)
        #expect(line.hasSuffix("\n") && line.dropLast().firstIndex(of: "\n") == nil)
        let request = try JSONDecoder().decode(TaskHostProtocol.Request.self, from: Data(line.utf8))
        #expect(request == TaskHostProtocol.Request(id: 9, context: 3, taskId: taskId, tryNumber: 2, logPath: logPath))
        #expect(TaskHostProtocol.Request.decode(line: Array(line.utf8.dropLast())) == request,
                "the host's own reading of the line (by hand, or by JSONDecoder for escapes)")
        var expected = Self.spec
        expected.taskId = taskId
        expected.tryNumber = 2
        expected.logPath = logPath
        let contexts = [3: Self.spec]
        #expect(TaskHostProtocol.spec(of: request, contexts: contexts) == expected)
        #expect(TaskHostProtocol.context(of: expected) == TaskHostProtocol.context(of: Self.spec))
    }

    /// Version 3: a forked attempt's own XCom grant travels as its MAC at the end of the attempt line, read by hand
    /// (or by JSONDecoder when a string holds escapes), and the helper rebuilds the grant for the line's task.
    @Test(arguments: ["t2", "quote\"back"])
    func anAttemptLineCarriesItsOwnXComGrant(_ taskId: String) throws {
        var context = Self.spec
        context.localXCom = LocalXComEndpoint(socket: "/h/run/xcom-1.sock", grant: XComGrant(runPk: Self.spec.runPk, taskId: "t1", mac: "ab12"))
        let line = TaskHostProtocol.Request.attemptLine(id: 9, context: 3, taskId: taskId, tryNumber: 2, logPath: "/h/l.log",
                                                        xcomMac: "cd34")
        #expect(line.hasSuffix(#","xcomMac":"cd34"}"# + "\n"))
        let request = try #require(TaskHostProtocol.Request.decode(line: Array(line.utf8.dropLast())))
        #expect(request == TaskHostProtocol.Request(id: 9, context: 3, taskId: taskId, tryNumber: 2, logPath: "/h/l.log",
                                                    xcomMac: "cd34"))
        #expect(try JSONDecoder().decode(TaskHostProtocol.Request.self, from: Data(line.utf8)) == request)
        let spec = try #require(TaskHostProtocol.spec(of: request, contexts: [3: context]))
        #expect(spec.localXCom?.grant == XComGrant(runPk: Self.spec.runPk, taskId: taskId, mac: "cd34"))
        #expect(spec.localXCom?.socket == "/h/run/xcom-1.sock")
        // A MAC against a context without local XCom is not guessed at: nothing runs.
        #expect(TaskHostProtocol.spec(of: request, contexts: [3: Self.spec]) == nil)
        #expect(TaskHostProtocol.Request.decode(line: Array(#"{"id":9,"context":3,"taskId":"t","tryNumber":2,"logPath":"/x","xcomMac":}"#.utf8)) == nil)
    }

    /// The host reads every request line through `decode(line:)`: whole specs, forgets and cancellations through
    /// JSONDecoder, and nothing from a line that only looks like an attempt line.
    @Test func theHostDecodesEveryKindOfRequestLine() throws {
        let whole = TaskHostProtocol.Request(id: 4, spec: Self.spec, context: 2)
        for request in [whole, TaskHostProtocol.Request(forget: 2), TaskHostProtocol.Request(id: 4)] {
            let line = try JSONEncoder().encode(request)
            #expect(TaskHostProtocol.Request.decode(line: Array(line)) == request)
        }
        for broken in [#"{"id":9,"context":3,"taskId":"t","tryNumber":2,"logPath":"/x""#,
                       #"{"id":,"context":3,"taskId":"t","tryNumber":2,"logPath":"/x"}"#,
                       #"{"id":9,"context":3,"taskId":"t","tryNumber":2,"logPath":"/x"}junk"#, "", "ready 2"] {
            #expect(TaskHostProtocol.Request.decode(line: Array(broken.utf8)) == nil, "\(broken)")
        }
        let spaced = #"{"id": 9, "context": 3, "taskId": "t", "tryNumber": 2, "logPath": "/x"}"#
        #expect(TaskHostProtocol.Request.decode(line: Array(spaced.utf8))
                == TaskHostProtocol.Request(id: 9, context: 3, taskId: "t", tryNumber: 2, logPath: "/x"),
                "valid JSON in another layout still decodes")
    }

    @Test func anUnknownContextOrACancellationRunsNothing() {
        let attempt = TaskHostProtocol.Request(id: 9, context: 5, taskId: "t", tryNumber: 1, logPath: "/x")
        #expect(TaskHostProtocol.spec(of: attempt, contexts: [3: Self.spec]) == nil)
        #expect(TaskHostProtocol.spec(of: .init(id: 9), contexts: [3: Self.spec]) == nil)
        #expect(TaskHostProtocol.spec(of: .init(forget: 3), contexts: [3: Self.spec]) == nil)
    }

    /// Contexts are used only with a host that announces them: one built with an older OrchSDK says `ready -`.
    @Test func theReadyLineTellsTheHostsVersion() {
        #expect(TaskHostProtocol.version(ofReadyLine: "ready -") == 1)
        #expect(TaskHostProtocol.version(ofReadyLine: Substring(TaskHostProtocol.Event.ready.line.dropLast())) == TaskHostProtocol.version)
        #expect(TaskHostProtocol.version >= TaskHostProtocol.contextsVersion)
    }
}
