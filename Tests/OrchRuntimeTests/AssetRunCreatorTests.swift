import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// Data-aware scheduling in the real engine on a real database (issue 14): a DAG scheduled on another DAG's gold
/// assets gets exactly one run after a successful producer run, for that run's interval, and none after a failed one.
@Suite struct AssetRunCreatorTests {
    static let g1 = "mem://w/gold.fct_orders", g2 = "mem://w/gold.agg_orders_daily"

    final class Switch: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var fail: Bool { get { lock.withLock { value } } set { lock.withLock { value = newValue } } }
    }

    @Test func oneRunAfterASuccessfulProducerRunNoneAfterAFailedOne() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let breakGold = Switch()
        let producer = DAG("daily", defaults: TaskDefaults(isolation: .inProcess)) { d in
            let silver = d.task("silver")
            let gold = d.task("gold", outlets: [Self.g1, Self.g2]) { _ in
                if breakGold.fail { throw GoldBroken() }
            }
            silver >> gold
        }
        let report = DAG("report", defaults: TaskDefaults(isolation: .inProcess)) { d in
            d.schedule(on: .allOf([Self.g1, Self.g2]))
            d.task("write", inlets: [Self.g1, Self.g2])
        }
        let bag = try DAGBag([producer, report])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let creator = AssetRunCreator(bag: bag, store: f.store)
        #expect(try creator.createDueRuns(now: Date()).isEmpty, "nothing materialized yet")

        let signal = AsyncSignal()
        let engine = f.engine(bag, signal: signal)
        let ok = try f.createRun(producer, day: 20)
        await f.drive(engine, signal, runs: [ok.pk])
        #expect(try f.store.run(pk: ok.pk)?.state == .success)
        let created = try creator.createDueRuns(now: Date())
        #expect(created.map(\.dagId) == ["report"])
        #expect(created.first?.runId.hasPrefix("asset_triggered__") == true)
        #expect(created.first?.dataInterval == ok.dataInterval, "the report covers the day gold was built for")
        #expect(try creator.createDueRuns(now: Date()).isEmpty, "once: the events were consumed")
        await f.drive(engine, signal, runs: created.map(\.pk))
        #expect(try f.store.run(pk: created[0].pk)?.state == .success)

        breakGold.fail = true
        let failed = try f.createRun(producer, day: 21)
        await f.drive(engine, signal, runs: [failed.pk])
        #expect(try f.store.run(pk: failed.pk)?.state == .failed)
        #expect(try creator.createDueRuns(now: Date()).isEmpty, "a failed producer run triggers nothing")
        #expect(try f.store.runs(RunQuery(dagId: "report")).count == 1)
    }
}

struct GoldBroken: Error {}
