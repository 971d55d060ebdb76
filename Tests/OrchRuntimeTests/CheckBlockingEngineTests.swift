import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// Asset checks in the real engine on a real database (issue 14): a failed error check on silver blocks the tasks
/// that read silver, in state blocked_by_check with the check named; a failed warn check blocks nothing.
@Suite struct CheckBlockingEngineTests {
    static let silver = "mem://warehouse/silver.orders"
    static let gold = "mem://warehouse/gold.fct_orders"

    static func dag(_ id: String, severity: CheckVerdict.Severity, passes: Bool) -> DAG {
        DAG(id, defaults: TaskDefaults(isolation: .inProcess)) { d in
            let silver = d.task("silver", outlets: [Self.silver]) { ctx in
                try ctx.materialize(Self.silver, AssetMaterialization(rowsInserted: 10))
            }
            let gold = d.task("gold", inlets: [Self.silver], outlets: [Self.gold])
            let report = d.task("report", inlets: [Self.gold])
            let audit = d.task("audit")   // reads no asset: never blocked
            d.check("orders_customer_not_null", on: Self.silver, severity: severity) { _ in
                AssetCheckOutcome(passed: passes, observed: .number(passes ? 0 : 3),
                                  details: passes ? "no nulls" : "3 orders without a customer")
            }
            chain(silver, gold, report)
            silver >> audit
        }
    }

    private func run(_ dag: DAG, _ backend: StoreBackend) async throws -> (EngineFixture, RunRecord) {
        let f = try EngineFixture(backend)
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let run = try f.createRun(dag, day: 3)
        let signal = AsyncSignal()
        await f.drive(f.engine(bag, signal: signal), signal, runs: [run.pk])
        return (f, try #require(try f.store.run(pk: run.pk)))
    }

    @Test(arguments: StoreBackend.allCases)
    func aFailedErrorCheckBlocksEveryReaderAndSaysWhy(_ backend: StoreBackend) async throws {
        let (f, run) = try await run(Self.dag("err", severity: .error, passes: false), backend)
        defer { f.cleanup() }
        let tis = Dictionary(uniqueKeysWithValues: try f.store.taskInstances(runPk: run.pk).map { ($0.taskId, $0) })
        #expect(tis["silver"]?.state == .success, "the producer wrote its data: it succeeded")
        #expect(tis["gold"]?.state == .blockedByCheck)
        #expect(tis["gold"]?.error == "blocked by check 'orders_customer_not_null' on mem://warehouse/silver.orders (error)")
        #expect(tis["report"]?.state == .upstreamFailed, "downstream of a blocked task does not run either")
        #expect(tis["audit"]?.state == .success)
        #expect(run.state == .failed)
        // The result is kept per asset and per run, and the materialization was recorded before the check.
        let asset = try #require(try f.store.assets().first { $0.uri == Self.silver })
        let results = try f.store.checkResults(assetId: asset.id, limit: 10)
        #expect(results.map(\.name) == ["orders_customer_not_null"])
        #expect(results.first?.passed == false && results.first?.runId == run.runId && results.first?.observed == .number(3))
        #expect(asset.latest?.rowsWritten == 10)
        #expect(try f.store.failedErrorChecks(runPk: run.pk) == [.init(asset: Self.silver, name: "orders_customer_not_null")])
    }

    @Test(arguments: StoreBackend.allCases)
    func aFailedWarnCheckIsRecordedAndBlocksNothing(_ backend: StoreBackend) async throws {
        let (f, run) = try await run(Self.dag("warn", severity: .warn, passes: false), backend)
        defer { f.cleanup() }
        #expect(run.state == .success)
        #expect(try f.store.taskInstances(runPk: run.pk).allSatisfy { $0.state == .success })
        let asset = try #require(try f.store.assets().first { $0.uri == Self.silver })
        #expect(try f.store.checkResults(assetId: asset.id, limit: 10).map(\.passed) == [false])
        #expect(try f.store.failedErrorChecks(runPk: run.pk).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func aPassingErrorCheckBlocksNothing(_ backend: StoreBackend) async throws {
        let (f, run) = try await run(Self.dag("ok", severity: .error, passes: true), backend)
        defer { f.cleanup() }
        #expect(run.state == .success)
    }
}
