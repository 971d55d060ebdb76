import Foundation
import OrchCore
import Testing

/// Every kind of DAG problem, each with a message that names the DAG and the task.
@Suite struct ValidationTests {
    private func errors(_ dag: DAG) -> [DAGValidationError] { DAGValidator.validate([dag]) }

    /// The one error of `kind`, checked to name the DAG and (when given) the task in its text.
    private func expectOne(_ dag: DAG, _ kind: DAGValidationError.Kind, task: String?, mentions: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let found = errors(dag).filter { $0.kind == kind }
        #expect(found.count == 1, "expected one \(kind) error, got \(errors(dag))", sourceLocation: sourceLocation)
        guard let e = found.first else { return }
        #expect(e.dagId == dag.id, sourceLocation: sourceLocation)
        #expect(e.taskId == task, sourceLocation: sourceLocation)
        #expect(e.description.contains("DAG '\(dag.id)'"), "\(e)", sourceLocation: sourceLocation)
        if let task { #expect(e.description.contains("task '\(task)'"), "\(e)", sourceLocation: sourceLocation) }
        #expect(e.description.contains(mentions), "\(e)", sourceLocation: sourceLocation)
    }

    @Test func aGoodDAGHasNoErrorsAndLoadsIntoABag() throws {
        let dag = DAG("good.dag-1", schedule: "@daily", startDate: .utc(2026, 1, 1)) { d in
            d.task("a", retries: 2, retryDelay: 0, timeout: 5) >> d.shell("b", "true")
        }
        #expect(errors(dag).isEmpty)
        let bag = try DAGBag([dag, DAG("other")])
        #expect(bag.dags.map(\.id) == ["good.dag-1", "other"])
        #expect(bag.dag("other") != nil)
        #expect(bag.dag("missing") == nil)
    }

    @Test func cycle() {
        let dag = DAG("cyclic") { d in
            let a = d.task("a"); let b = d.task("b"); let c = d.task("c")
            chain(a, b, c)
            c >> a
        }
        expectOne(dag, .cycle, task: "a", mentions: ">>")
        let e = errors(dag).first { $0.kind == .cycle }!
        for t in ["a", "b", "c"] { #expect(e.message.contains(t)) }
    }

    @Test func selfLoopIsACycle() {
        let dag = DAG("selfloop") { d in d.task("a"); d.depend("a", on: "a") }
        expectOne(dag, .cycle, task: "a", mentions: "a >> a")
    }

    @Test func unknownUpstream() {
        let dag = DAG("dangling") { d in d.task("load"); d.depend("load", on: "extract") }
        expectOne(dag, .unknownUpstream, task: "load", mentions: "'extract'")
    }

    @Test func duplicateDAG() {
        let errs = DAGValidator.validate([DAG("twice"), DAG("twice")])
        #expect(errs.count == 1)
        #expect(errs.first?.kind == .duplicateDAG)
        #expect(errs.first?.description.contains("DAG 'twice'") == true)
    }

    @Test func duplicateTask() {
        let dag = DAG("dups") { d in d.task("same"); d.task("same") }
        expectOne(dag, .duplicateTask, task: "same", mentions: "more than once")
    }

    @Test func badIdCharacters() {
        expectOne(DAG("bad dag/id"), .badId, task: nil, mentions: "'bad dag/id'")
        expectOne(DAG("ok") { d in d.task("has space") }, .badId, task: "has space", mentions: "letters, digits")
        expectOne(DAG("ok") { d in d.task("_leading") }, .badId, task: "_leading", mentions: "start with")
        expectOne(DAG("ok") { d in d.task("émoji") }, .badId, task: "émoji", mentions: "letters")
        #expect(!DAGValidator.isValidId(""))
        #expect(!DAGValidator.isValidId(String(repeating: "a", count: 251)))
        #expect(DAGValidator.isValidId(String(repeating: "a", count: 250)))
        #expect(DAGValidator.isValidId("a.b-c_d9"))
    }

    /// The byte-by-byte check agrees with the rule as first written with character sets, on every printable ASCII
    /// character in first and later place and on non-ASCII letters and digits (which both refuse).
    @Test func idCheckAgreesWithTheCharacterSetRule() {
        func byCharacterSets(_ id: String) -> Bool {
            guard let first = id.unicodeScalars.first, id.count <= 250 else { return false }
            let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
            guard CharacterSet.alphanumerics.contains(first), first.isASCII else { return false }
            return id.unicodeScalars.allSatisfy { allowed.contains($0) }
        }
        var ids = ["", "é", "aé", "a١", "١", "ａ", "a\u{0}", String(repeating: "é", count: 126), String(repeating: "b", count: 251)]
        for c in (32...126).map({ String(UnicodeScalar(UInt8($0))) }) { ids += [c, "a" + c, c + "a", "a" + c + "b"] }
        for id in ids { #expect(DAGValidator.isValidId(id) == byCharacterSets(id), "\(id.debugDescription)") }
    }

    @Test func negativeRetries() {
        expectOne(DAG("r") { d in d.task("t", retries: -1) }, .badRetry, task: "t", mentions: "-1")
    }

    @Test(arguments: [-1.0, Double.nan, Double.infinity])
    func badRetryDelay(_ delay: Double) {
        let found = errors(DAG("r") { d in d.task("t", retries: 1, retryDelay: delay) }).filter { $0.kind == .badRetry }
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { $0.taskId == "t" && $0.description.contains("DAG 'r'") })
        #expect(found.contains { $0.message.contains("retry delay") })
    }

    @Test func maximumDelayBelowTheDelayWithBackoff() {
        expectOne(DAG("r") { d in d.task("t", retries: 1, retryDelay: 60, exponentialBackoff: true, maxRetryDelay: 10) },
                  .badRetry, task: "t", mentions: "maximum retry delay")
    }

    @Test(arguments: [0.0, -5.0, Double.nan, Double.infinity])
    func badTimeout(_ timeout: Double) {
        expectOne(DAG("tmo") { d in d.task("t", timeout: timeout) }, .badTimeout, task: "t", mentions: "timeout")
    }

    @Test(arguments: ["every banana", "61 * * * *", "* * *", "@fortnightly"])
    func badSchedule(_ schedule: String) {
        expectOne(DAG("sched", schedule: schedule), .badSchedule, task: nil, mentions: "'\(schedule)'")
    }

    @Test func unknownTimeZone() {
        expectOne(DAG("tz", schedule: "@daily", timeZone: "Mars/Olympus"), .badSchedule, task: nil,
                  mentions: "Mars/Olympus")
    }

    @Test func badSettings() {
        let dag = DAG("s", startDate: .utc(2026, 2, 1), endDate: .utc(2026, 1, 1), maxActiveRuns: 0, maxActiveTasks: 0) { d in
            d.task("t", poolSlots: 0)
        }
        let msgs = errors(dag).filter { $0.kind == .badSetting }.map(\.message)
        #expect(msgs.count == 4, "\(msgs)")
        #expect(msgs.contains { $0.contains("max_active_runs") })
        #expect(msgs.contains { $0.contains("max_active_tasks") })
        #expect(msgs.contains { $0.contains("end date") })
        #expect(msgs.contains { $0.contains("pool_slots") })
    }

    @Test func theBagThrowsEveryProblemAtOnce() {
        let bad = DAG("bad") { d in d.task("x", retries: -2, timeout: 0); d.depend("x", on: "ghost") }
        do {
            _ = try DAGBag([bad, DAG("bad")])
            Issue.record("expected DAGBagError")
        } catch {
            #expect(Set(error.errors.map(\.kind)) == [.badRetry, .badTimeout, .unknownUpstream, .duplicateDAG])
            #expect(error.description.contains("4 problem(s)"))
            #expect(error.description.contains("DAG 'bad', task 'x'"))
        }
    }

    @Test func topologicalOrderPutsUpstreamsFirst() {
        let dag = DAG("topo") { d in
            let a = d.task("a"); let b = d.task("b"); let c = d.task("c"); let e = d.task("e")
            e >> [c, b]
            [b, c] >> a
        }
        let order = DAGValidator.topologicalOrder(dag)
        #expect(order.count == 4)
        for (u, t) in dag.edges { #expect(order.firstIndex(of: u)! < order.firstIndex(of: t)!) }
    }
}
