import Foundation
import OrchCore
@testable import OrchRuntime
import Testing

/// What the pool sends a helper (task host or fork server) for each attempt (pure): a run's spec once, then
/// attempts against it; whole specs to a helper built before contexts.
struct RunContextsTests {
    private static func spec(run: Int64, task: String, try tryNumber: Int = 1, params: [String: JSONValue] = [:]) -> AttemptSpec {
        AttemptSpec(dagId: "d", taskId: task, runId: "manual__\(run)", runPk: run, tryNumber: tryNumber,
                    logicalDate: Date(timeIntervalSince1970: 1_700_000_000),
                    dataInterval: DataInterval(start: Date(timeIntervalSince1970: 1_699_990_000),
                                               end: Date(timeIntervalSince1970: 1_700_000_000)),
                    params: params, logPath: "/h/logs/d/manual__\(run)/\(task).\(tryNumber).log", home: "/h",
                    databasePath: "/h/orch.db")
    }

    /// Decodes the lines as a helper would and returns the specs it would run, keeping contexts as it does.
    private static func replay(_ bytes: [UInt8], contexts: inout TaskHostProtocol.KeptContexts) throws -> [AttemptSpec?] {
        var specs: [AttemptSpec?] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            switch contexts.take(try #require(TaskHostProtocol.Request.decode(line: line))) {
            case .nothing: continue
            case .run(_, let spec): specs.append(spec)
            case .cancel, .unknownContext: specs.append(nil)
            }
        }
        return specs
    }

    private static func present(_ line: [UInt8]?) throws -> [UInt8] { try #require(line) }

    @Test func aRunsSpecIsSentOnceAndEveryAttemptReadsBackWhole() throws {
        var sender = RunContexts()
        sender.reset(version: TaskHostProtocol.contextsVersion)
        var kept = TaskHostProtocol.KeptContexts()
        let first = Self.spec(run: 1, task: "a"), second = Self.spec(run: 1, task: "b\"quoted", try: 2)
        let firstLine = try Self.present(sender.line(1, first))
        let secondLine = try Self.present(sender.line(2, second))
        #expect(String(decoding: secondLine, as: UTF8.self).contains("\"context\"") == true)
        #expect(!String(decoding: secondLine, as: UTF8.self).contains("databasePath"))   // the run's part is not resent
        #expect(try Self.replay(firstLine + secondLine, contexts: &kept) == [first, second])
        #expect(kept.count == 1)
    }

    @Test func aChangedRunSpecReplacesItsContextAndTheOldestIsForgottenBeyondTheLimit() throws {
        var sender = RunContexts()
        sender.reset(version: TaskHostProtocol.contextsVersion)
        var kept = TaskHostProtocol.KeptContexts()
        var bytes: [UInt8] = []
        var expected: [AttemptSpec] = []
        for run in 1...Int64(RunContexts.maxContexts + 3) {
            let s = Self.spec(run: run, task: "t")
            bytes += try Self.present(sender.line(Int(run), s))
            expected.append(s)
        }
        let changed = Self.spec(run: Int64(RunContexts.maxContexts + 3), task: "u", params: ["n": .number(2)])
        bytes += try Self.present(sender.line(1_000, changed))
        expected.append(changed)
        #expect(try Self.replay(bytes, contexts: &kept) == expected)
        #expect(kept.count == RunContexts.maxContexts)   // what the helper keeps stays bounded
    }

    /// A forked attempt's XCom grant is signed for its own task: to a version 3 helper it travels as a MAC in the
    /// attempt line and the run's spec is sent once; to a version 2 helper every attempt carries its whole spec.
    @Test(arguments: [TaskHostProtocol.grantsInLineVersion, TaskHostProtocol.contextsVersion])
    func anAttemptsOwnXComGrantTravelsInItsLineToAHelperThatReadsIt(_ version: Int) throws {
        var sender = RunContexts()
        sender.reset(version: version)
        var kept = TaskHostProtocol.KeptContexts()
        var bytes: [UInt8] = [], expected: [AttemptSpec] = [], lines: [String] = []
        for (i, task) in ["a", "b", "c\"q"].enumerated() {
            var s = Self.spec(run: 4, task: task)
            s.localXCom = LocalXComEndpoint(socket: "/h/run/xcom-1.sock", grant: XComGrant(runPk: 4, taskId: task, mac: "mac-\(task)"))
            let line = try Self.present(sender.line(i + 1, s))
            bytes += line
            lines.append(String(decoding: line, as: UTF8.self))
            expected.append(s)
        }
        #expect(try Self.replay(bytes, contexts: &kept) == expected)   // every attempt gets its own grant back
        let whole = lines.filter { $0.contains("databasePath") }.count
        #expect(whole == (version >= TaskHostProtocol.grantsInLineVersion ? 1 : 3))
        if version >= TaskHostProtocol.grantsInLineVersion { #expect(lines[1].contains(#""xcomMac":"mac-b""#)) }
    }

    @Test func aHelperWithoutContextsGetsTheWholeSpecEveryTime() throws {
        var sender = RunContexts()
        sender.reset(version: 1)
        for task in ["a", "b"] {
            let line = try Self.present(sender.line(1, Self.spec(run: 1, task: task)))
            let request = try JSONDecoder().decode(TaskHostProtocol.Request.self, from: Data(line.dropLast()))
            #expect(request.context == nil && request.spec == Self.spec(run: 1, task: task))
        }
    }

    /// The fork server announces contexts; one built with an older OrchSDK says `ready - -` and gets whole specs.
    @Test func theForkServersReadyLineTellsItsVersion() {
        let line = ForkServerProtocol.Event.ready.line
        #expect(ForkServerProtocol.Event.parse(Substring(line.dropLast())) == .ready)
        #expect(TaskHostProtocol.version(ofReadyLine: Substring(line.dropLast())) == ForkServerProtocol.version)
        #expect(ForkServerProtocol.version >= TaskHostProtocol.contextsVersion)
        #expect(ForkServerProtocol.Event.parse("ready - -") == .ready)
        #expect(TaskHostProtocol.version(ofReadyLine: "ready - -") == 1)
    }
}

private extension RunContexts {
    /// `requestLine` outside `#require`'s closure (which cannot mutate).
    mutating func line(_ id: Int, _ spec: AttemptSpec) -> [UInt8]? { requestLine(id: id, spec: spec) }
}
